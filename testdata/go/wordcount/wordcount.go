// Package wordcount is profiled by `go test -memprofile`.
package wordcount

import "strings"

// Count returns how often each lower-cased word occurs.
func Count(text string) map[string]int {
	freq := make(map[string]int)
	for _, w := range strings.Fields(text) {
		freq[strings.ToLower(w)]++
	}
	return freq
}
