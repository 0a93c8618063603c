package wordcount

import (
	"strings"
	"testing"
)

func TestCount(t *testing.T) {
	text := strings.Repeat("The quick brown Fox jumps over the lazy DOG ", 20000)
	for i := 0; i < 5; i++ {
		freq := Count(text)
		if freq["the"] != 40000 {
			t.Fatalf("the: %d", freq["the"])
		}
	}
}
