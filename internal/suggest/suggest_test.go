package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2},
		{"log-statos", "log-status", 1}, // replaced
		{"dstport", "dsptort", 1},       // two neighbours swapped
		{"srcadr", "srcaddr", 1},        // inserted
		{"top-rejected", "top-rejected-destinations", 13},
		{"kitten", "sitting", 3},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
