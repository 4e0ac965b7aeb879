package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/flowq/flowq/report"
)

func TestNewCmdSQL(t *testing.T) {
	testArgv(t, newCmdSQL, []argv[SQLOptions]{
		{args: []string{"SELECT 1", "--local", "a", "--local", "b", "--strict", "--from", "2026-01-05", "--to", "2026-01-06", "-o", "csv"},
			want: SQLOptions{Query: "SELECT 1", Engine: adHoc(strictEngine("a", "b")),
				Window: windowFlags{From: "2026-01-05", To: "2026-01-06"}, Output: "csv"}},
		{args: []string{"SELECT 1", "--local", "a"}, want: SQLOptions{Query: "SELECT 1", Engine: adHoc(localEngine("a")), Output: "auto"}},
		{args: []string{"SELECT 1"}, wantErr: "choose an engine: --local PATH (downloaded files) or --athena (the table in Athena)"},
		{args: []string{"SELECT 1", "--local", "a", "-o", "xml"}, wantErr: `output format "xml": want auto, table, tsv, csv, json, jsonl or markdown`},
		{args: []string{"SELECT 1", "--local", "a", "--to", "2026-01-05"}, wantErr: "--to needs --from (or --since)"},
		{args: []string{"SELECT 1", "--local", "a", "--since", "2x"}, wantErr: `--since: duration "2x": want 90s, 10m, 1h30m or 2d`},
		{args: []string{"SELECT 1", "--local", "a", "--from", "2026-01-02", "--to", "2026-01-01"},
			wantErr: "time window: from 2026-01-02T00:00:00Z is not before to 2026-01-01T00:00:00Z"},
		{args: []string{"--local", "a"}, wantErr: "accepts 1 arg(s), received 0"},
	})
}

// TestSQLRun: the result on stdout in the format asked (by default a table
// on a terminal, TSV when piped), what was read on stderr; SQL that does
// more than read is a usage error and prints nothing.
func TestSQLRun(t *testing.T) {
	dir := sampleDir(t, "--records", "500", "--scenario", "icmp")
	const sql = "SELECT action, count(*) AS n FROM flow_logs WHERE protocol = 1 GROUP BY 1 ORDER BY 1"
	for _, tc := range []struct {
		tty    bool
		output report.Format
		want   string
	}{
		{false, report.Auto, "action\tn\nACCEPT\t15\nREJECT\t5\n"},
		{true, report.Auto, "ACTION  N\nACCEPT  15\nREJECT  5\n"},
		{false, report.Markdown, "| action | n |\n| --- | --- |\n| ACCEPT | 15 |\n| REJECT | 5 |\n"},
	} {
		f, out, errOut := testFactory(t)
		f.IO.SetStdoutTTY(tc.tty)
		opts := &SQLOptions{Factory: f, Context: context.Background(), Query: sql, Engine: engineFlags{Local: []string{dir}},
			Window: windowFlags{From: "2026-01-05T19:00", To: "2026-01-05T20:00"}, Output: tc.output}
		if err := sqlRun(opts); err != nil {
			t.Fatal(err)
		}
		if want := "query: 2 row(s) from 16 file(s) in ELAPSED\n"; out.String() != tc.want || withoutElapsed(errOut.String()) != want {
			t.Errorf("tty %v, -o %s: stdout %q, stderr %q; want %q, %q", tc.tty, tc.output, out, errOut, tc.want, want)
		}
	}

	f, out, errOut := testFactory(t)
	opts := &SQLOptions{Factory: f, Context: context.Background(), Query: "CREATE TABLE x AS SELECT 1", Engine: engineFlags{Local: []string{dir}}, Output: report.Auto}
	err := sqlRun(opts)
	if !errors.As(err, new(usageError)) || !strings.HasPrefix(err.Error(), "only queries run over flow_logs") || out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("CREATE TABLE: %v, stdout %q, stderr %q", err, out, errOut)
	}
}

// adHoc is the engine flags of flowq sql, which runs the user's SQL.
func adHoc(e engineFlags) engineFlags {
	e.Athena.AdHoc = true
	return e
}
