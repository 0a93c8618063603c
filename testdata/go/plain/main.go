// A plain program that writes its heap profile at exit: counts the words of
// a generated text, keeping every line. Default sampling (runtime.MemProfileRate
// 512 KiB), so the profile's values are Go's unsampled estimates.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
)

var kept [][]string

func makeText(lines int) []string {
	out := make([]string, 0, lines)
	for i := 0; i < lines; i++ {
		out = append(out, fmt.Sprintf("line %d of the text: alpha beta gamma %d delta", i, i%97))
	}
	return out
}

func count(text []string) map[string]int {
	freq := make(map[string]int)
	for _, l := range text {
		words := strings.Fields(l)
		kept = append(kept, words)
		for _, w := range words {
			freq[strings.ToUpper(w)]++
		}
	}
	return freq
}

func main() {
	out := flag.String("o", "heap.pb.gz", "where the heap profile goes")
	lines := flag.Int("lines", 200000, "lines of text")
	flag.Parse()
	freq := count(makeText(*lines))
	fmt.Println(len(freq), "distinct words")
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
