package main

import (
	"strings"
	"testing"
)

// TestImportHelp: flowq import --help says what import writes: one Parquet
// file per folder and flow log, in the source's layout, with a manifest that
// limits a second import to the folders whose sources changed.
func TestImportHelp(t *testing.T) {
	code, out, _ := runArgs(t, "import", "--help")
	help := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"in the source's folder layout: the records of each folder (day or hour) and flow log go into one Parquet file in that folder",
		"A manifest in DIR (.flowq-import.json) lists the source files of each Parquet file",
		"importing again after a new download rewrites only the folders whose sources changed",
	} {
		if code != 0 || !strings.Contains(help, want) {
			t.Errorf("import --help (exit %d) lacks %q:\n%s", code, want, out)
		}
	}
	if strings.Contains(help, "one file per source file") {
		t.Errorf("import --help still says one file per source file:\n%s", out)
	}
}
