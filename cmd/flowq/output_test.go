package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestRunOutputFormats: without -o, a terminal gets an aligned table and a
// pipe gets TSV; an explicit -o table is aligned when piped too; on a
// terminal, a table fits its width without a line longer than it, and piped
// output is never cut.
func TestRunOutputFormats(t *testing.T) {
	dir := sampleDir(t, "--records", "2000", "--scenario", "port-scan,ssh-rejected")
	const tsv = "dstaddr\trejects\tpackets\tsources_approx\tfirst_seen\tlast_seen\n" +
		"10.0.2.200\t1022\t1022\t1\t2026-01-05T04:48:01Z\t2026-01-05T05:05:04Z\n" +
		"10.0.1.200\t200\t416\t40\t2026-01-05T02:24:35Z\t2026-01-05T03:43:18Z\n" +
		"10.0.2.13\t16\t16\t14\t2026-01-05T00:49:55Z\t2026-01-05T22:29:06Z\n"
	const table = "DSTADDR     REJECTS  PACKETS  SOURCES_APPROX  FIRST_SEEN            LAST_SEEN\n" +
		"10.0.2.200  1022     1022     1               2026-01-05T04:48:01Z  2026-01-05T05:05:04Z\n" +
		"10.0.1.200  200      416      40              2026-01-05T02:24:35Z  2026-01-05T03:43:18Z\n" +
		"10.0.2.13   16       16       14              2026-01-05T00:49:55Z  2026-01-05T22:29:06Z\n"
	// Names wider than their values are cut first; values stay whole.
	const fitted = "DSTADDR     REJEC…  PACKE…  SOURC…  FIRST_SEEN            LAST_SEEN\n" +
		"10.0.2.200  1022    1022    1       2026-01-05T04:48:01Z  2026-01-05T05:05:04Z\n" +
		"10.0.1.200  200     416     40      2026-01-05T02:24:35Z  2026-01-05T03:43:18Z\n" +
		"10.0.2.13   16      16      14      2026-01-05T00:49:55Z  2026-01-05T22:29:06Z\n"
	// Then text values (the addresses); never numbers or times.
	const narrower = "DSTAD…  REJEC…  PACKE…  SOURC…  FIRST_SEEN            LAST_SEEN\n" +
		"10.0.…  1022    1022    1       2026-01-05T04:48:01Z  2026-01-05T05:05:04Z\n" +
		"10.0.…  200     416     40      2026-01-05T02:24:35Z  2026-01-05T03:43:18Z\n" +
		"10.0.…  16      16      14      2026-01-05T00:49:55Z  2026-01-05T22:29:06Z\n"
	for _, tc := range []struct {
		name  string
		tty   bool
		width int
		args  []string
		want  string
	}{
		{"piped", false, 0, nil, tsv},
		{"piped -o table", false, 0, []string{"-o", "table"}, table},
		{"piped -o table, narrow terminal elsewhere", false, 40, []string{"-o", "table"}, table},
		{"terminal", true, 120, nil, table},
		{"terminal -o tsv", true, 120, []string{"-o", "tsv"}, tsv},
		{"terminal -o auto", true, 0, []string{"-o", "auto"}, table},
		{"narrow terminal", true, 78, nil, fitted},
		{"narrower terminal", true, 74, nil, narrower},
	} {
		f, out, errOut := testFactory(t)
		f.IO.SetStdoutTTY(tc.tty)
		f.IO.SetTerminalWidth(tc.width)
		args := append([]string{"top-rejected-destinations", "--local", dir, "-p", "limit=3"}, tc.args...)
		if err := execute(t, newCmdRun(f, nil), args...); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if out.String() != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.name, out, tc.want)
		}
		if !strings.HasPrefix(errOut.String(), "top-rejected-destinations@2: 3 row(s) from 288 file(s) in ") {
			t.Errorf("%s: stderr %q", tc.name, errOut)
		}
		if tc.tty && tc.width > 0 {
			for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
				if utf8.RuneCountInString(line) > tc.width {
					t.Errorf("%s: line longer than %d: %q", tc.name, tc.width, line)
				}
			}
		}
	}
}
