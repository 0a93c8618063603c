// One workload in three variants for the gate: baseline, regressed (keeps a
// copy of every record: more total, count and in-use bytes) and optimized
// (reuses one buffer). MemProfileRate = 1 records every allocation, so the
// numbers are exact and the same on every run of the same binary.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
)

var sink [][]byte

func encode(i int, buf []byte) []byte {
	buf = append(buf[:0], "record-"...)
	buf = strconv.AppendInt(buf, int64(i), 10)
	return append(buf, ";payload=0123456789abcdef0123456789abcdef"...)
}

func run(variant string, n int) int {
	total := 0
	var buf []byte
	for i := 0; i < n; i++ {
		switch variant {
		case "optimized":
			buf = encode(i, buf)
		case "regressed":
			b := encode(i, nil)
			sink = append(sink, append([]byte(nil), b...))
			buf = b
		default:
			buf = encode(i, nil)
		}
		total += len(buf)
	}
	return total
}

func main() {
	runtime.MemProfileRate = 1
	variant := flag.String("variant", "baseline", "baseline, regressed or optimized")
	out := flag.String("o", "heap.pb.gz", "where the heap profile goes")
	flag.Parse()
	fmt.Println(run(*variant, 20000), "bytes encoded")
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	f.Close()
}
