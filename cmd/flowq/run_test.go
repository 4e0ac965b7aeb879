package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/report"
)

func TestNewCmdRun(t *testing.T) {
	testArgv(t, newCmdRun, []argv[RunOptions]{
		{args: []string{"rejects-on-port@1", "--local", "a", "--local", "b,c", "--since", "2h", "-p", "port=22", "--param", "protocol=udp", "-o", "json"},
			want: RunOptions{Query: "rejects-on-port@1", Engine: localEngine("a", "b,c"), Window: windowFlags{Since: "2h"},
				Params: []string{"port=22", "protocol=udp"}, Output: "json"}},
		{args: []string{"x"}, wantErr: "choose an engine: --local PATH (downloaded files) or --athena (the table in Athena)"},
		{args: []string{"x", "--local", "a", "-o", "xml"}, wantErr: `output format "xml"`},
		{args: []string{"--local", "a"}, wantErr: "accepts 1 arg(s), received 0"},
		// -o is checked as the command line is parsed, before the arguments;
		// md is report's other name for markdown.
		{args: []string{"-o", "xml"}, wantErr: `output format "xml": want auto, table, tsv, csv, json, jsonl or markdown`},
		{args: []string{"one-way-flows", "--local", "a", "-o", "md"},
			want: RunOptions{Query: "one-way-flows", Engine: localEngine("a"), Output: "markdown"}},
		// The query, its parameters and the window are checked before running.
		{args: []string{"nope", "--local", "a"}, wantErr: "no query named nope (flowq queries list shows them)"},
		{args: []string{"rejects-on-port", "--local", "a", "-p", "port=99999"}, wantErr: `rejects-on-port@1: parameter port: "99999" is not a port (0-65535)`},
		{args: []string{"rejects-on-port", "--local", "a", "-p", "port"}, wantErr: `--param "port": want NAME=VALUE`},
		{args: []string{"one-way-flows", "--local", "a", "--from", "2026-01-05"}, wantErr: "--from needs --to (or use --since)"},
		{args: []string{"one-way-flows", "--local", "a", "--since", "2h", "--from", "2026-01-05"}, wantErr: "--since and --from both set the start: give one"},
		// Athena: the engine's flags, and a window it needs.
		{args: []string{"rejects-on-port", "-p", "port=22", "--since", "1h", "--athena", "--workgroup", "w", "--database", "db", "--table", "t",
			"--output-location", "s3://results/", "--accounts", "111122223333", "--regions", "eu-west-1,us-east-1", "--reuse", "1h", "--timeout", "5m",
			"--stream-after", "100", "--profile", "p", "--region", "eu-west-1"},
			want: RunOptions{Query: "rejects-on-port", Params: []string{"port=22"}, Window: windowFlags{Since: "1h"}, Output: "auto",
				Engine: engineFlags{Timeout: 5 * time.Minute, StreamAfter: 100, Athena: athenaFlags{Athena: true, Workgroup: "w", Database: "db", Table: "t",
					OutputLocation: "s3://results/", Accounts: []string{"111122223333"}, Regions: []string{"eu-west-1", "us-east-1"}, Reuse: "1h",
					AWS: awsFlags{Profile: "p", Region: "eu-west-1"}, Given: map[string]bool{"workgroup": true, "database": true, "table": true,
						"output-location": true, "accounts": true, "regions": true, "reuse": true, "profile": true, "region": true}}}}},
		{args: []string{"rejects-on-port", "-p", "port=22", "--athena"}, wantErr: "--athena needs a time window (--since 1h, or --from and --to)"},
		{args: []string{"rejects-on-port", "-p", "port=22", "--athena", "--since", "1h", "--region", "Europe"}, wantErr: `--region: region "Europe": want a region code`},
	})
}

// TestRunRun: the result on stdout, a table on a terminal and TSV when piped;
// what was read, and that the limit cut the result, on stderr. A window up to
// now ends at the factory's clock.
func TestRunRun(t *testing.T) {
	dir := sampleDir(t, "--records", "500", "--scenario", "icmp")
	const tsv = "dstaddr\trejects\tpackets\tsources_approx\tfirst_seen\tlast_seen\n" +
		"10.0.2.18\t6\t6\t5\t2026-01-05T17:35:39Z\t2026-01-05T22:09:49Z\n" +
		"10.0.1.205\t5\t20\t1\t2026-01-05T19:17:00Z\t2026-01-05T19:21:03Z\n" +
		"10.0.2.21\t5\t5\t5\t2026-01-05T19:33:11Z\t2026-01-05T23:43:32Z\n"
	const table = "DSTADDR     REJECTS  PACKETS  SOURCES_APPROX  FIRST_SEEN            LAST_SEEN\n" +
		"10.0.2.18   6        6        5               2026-01-05T17:35:39Z  2026-01-05T22:09:49Z\n" +
		"10.0.1.205  5        20       1               2026-01-05T19:17:00Z  2026-01-05T19:21:03Z\n" +
		"10.0.2.21   5        5        5               2026-01-05T19:33:11Z  2026-01-05T23:43:32Z\n"
	const summary = "top-rejected-destinations@2: 3 row(s) from 288 file(s) in ELAPSED; more rows matched: cut at the query's limit of 3 (pass -p limit=N for up to N)\n"
	for _, tty := range []bool{false, true} {
		f, out, errOut := testFactory(t)
		f.IO.SetStdoutTTY(tty)
		f.IO.SetTerminalWidth(120)
		opts := &RunOptions{Factory: f, Context: context.Background(), Query: "top-rejected-destinations", Engine: engineFlags{Local: []string{dir}},
			Params: []string{"limit=3"}, Output: report.Auto}
		if err := runRun(opts); err != nil {
			t.Fatal(err)
		}
		want := map[bool]string{false: tsv, true: table}[tty]
		if out.String() != want || withoutElapsed(errOut.String()) != summary {
			t.Errorf("tty %v: stdout:\n%s\nwant:\n%s\nstderr %q, want %q", tty, out, want, errOut, summary)
		}
	}

	f, out, errOut := testFactory(t)
	opts := &RunOptions{Factory: f, Context: context.Background(), Query: "one-way-flows", Engine: engineFlags{Local: []string{dir}},
		Window: windowFlags{Since: "2h"}, Output: report.Auto}
	err := runRun(opts)
	want := "no file can hold records of 2026-01-09T22:00:00Z to 2026-01-10T00:00:00Z; the 288 files found run from 2026-01-05T00:00:00Z to 2026-01-05T23:55:00Z"
	if !errors.As(err, new(noDataError)) || err.Error() != want || out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("--since 2h: %v, stdout %q, stderr %q; want %q", err, out, errOut, want)
	}
}

func TestWindowFlags(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 30, 15, 0, time.UTC)
	for _, tc := range []struct {
		w    windowFlags
		want string
	}{
		{windowFlags{Since: "2h"}, "2026-01-10T10:30:15Z 2026-01-10T12:30:15Z"},
		{windowFlags{Since: "1d", To: "2026-01-05"}, "2026-01-04T00:00:00Z 2026-01-05T00:00:00Z"},
		{windowFlags{From: "2026-01-05T10:00", To: "2026-01-05T12:00:00+01:00"}, "2026-01-05T10:00:00Z 2026-01-05T11:00:00Z"},
		{windowFlags{}, "<nil>"},
	} {
		w, err := tc.w.window(now)
		got := "<nil>"
		if w != nil {
			got = w.From.Format(time.RFC3339) + " " + w.To.Format(time.RFC3339)
		}
		if err != nil || got != tc.want {
			t.Errorf("%+v = %s, %v; want %s", tc.w, got, err, tc.want)
		}
	}
}

// TestRunLayouts: the same question over the same records in each of the four
// layouts, and over a Parquet cache imported from the last, gives the same
// answer.
func TestRunLayouts(t *testing.T) {
	var answers []string
	var dirs []string
	for _, l := range partitions.Layouts() {
		dir := t.TempDir()
		args := []string{"sample", "--out", dir, "--records", "4000", "--layout", map[bool]string{false: "default", true: "hive"}[l.Hive]}
		if l.PerHour {
			args = append(args, "--per-hour")
		}
		if code, _, errOut := runArgs(t, args...); code != 0 {
			t.Fatal(errOut)
		}
		dirs = append(dirs, dir)
	}
	cache := t.TempDir()
	code, out, errOut := runArgs(t, "import", dirs[len(dirs)-1], "--to", cache)
	if code != 0 || !strings.HasPrefix(out, "288 file(s): 24 converted (") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	for _, dir := range append(dirs, cache) {
		code, out, errOut := runArgs(t, "run", "top-rejected-destinations", "--local", dir, "--from", "2026-01-05T02:00", "--to", "2026-01-05T12:00", "-o", "json")
		if code != 0 {
			t.Fatalf("%s: %s", dir, errOut)
		}
		var doc struct {
			Provenance struct {
				Query string `json:"query"`
				SHA   string `json:"sql_sha256"`
				Files int    `json:"files"`
			} `json:"provenance"`
			Rows []map[string]any `json:"rows"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		wantFiles := 124 // 10 hours of 5-minute files, and the slack
		if dir == cache {
			wantFiles = 12 // one file per hour folder
		}
		if doc.Provenance.Query != "top-rejected-destinations@2" || len(doc.Provenance.SHA) != 64 || doc.Provenance.Files != wantFiles {
			t.Errorf("%s: provenance %+v", dir, doc.Provenance)
		}
		if len(doc.Rows) != 10 || doc.Rows[0]["dstaddr"] != "10.0.2.200" || doc.Rows[0]["rejects"] != float64(1022) {
			t.Errorf("%s: rows %v", dir, doc.Rows)
		}
		rows, _ := json.Marshal(doc.Rows)
		answers = append(answers, string(rows))
	}
	for i := range answers {
		if answers[i] != answers[0] {
			t.Errorf("layout %d answers differently:\n%s\n%s", i, answers[i], answers[0])
		}
	}
}

func TestRunErrors(t *testing.T) {
	dir := sampleDir(t, "--records", "500", "--scenario", "icmp")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"run", "nope", "--local", dir}, 2, "flowq: no query named nope (flowq queries list shows them)\n"},
		{[]string{"run", "rejects-on-port", "--local", dir, "-p", "port=99999"}, 2, "flowq: rejects-on-port@1: parameter port: \"99999\" is not a port (0-65535)\n"},
		{[]string{"run", "rejects-on-port", "--local", dir, "-p", "port"}, 2, "flowq: --param \"port\": want NAME=VALUE\n"},
		{[]string{"sql", "SELECT nope FROM flow_logs", "--local", dir}, 1, "flowq: query: Binder Error: Referenced column \"nope\" not found in FROM clause!\n"},
		{[]string{"run", "one-way-flows", "--local", dir, "--from", "2025-01-01", "--to", "2025-01-02"}, 3,
			"flowq: no file can hold records of 2025-01-01T00:00:00Z to 2025-01-02T00:00:00Z; the 288 files found run from 2026-01-05T00:00:00Z to 2026-01-05T23:55:00Z\n"},
		{[]string{"run", "one-way-flows", "--local", t.TempDir()}, 3, "flowq: no flow-log files (.log.gz, .log, .parquet) under "},
	} {
		code, _, errOut := runArgs(t, tc.args...)
		first, _, _ := strings.Cut(errOut, "Run 'flowq")
		if code != tc.code || !strings.HasPrefix(first, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
}

func TestQueriesCommands(t *testing.T) {
	code, out, _ := runArgs(t, "queries", "list")
	if code != 0 || !strings.Contains(out, "top-rejected-destinations@2  v2   rca,security             Top rejected destinations\n") {
		t.Errorf("list: %d %q", code, out)
	}
	code, out, _ = runArgs(t, "queries", "show", "rejects-on-port@1")
	if code != 0 || !strings.Contains(out, "  port      port      required     the destination port\n") ||
		!strings.Contains(out, "  protocol  protocol  default tcp  the IP protocol, by name or number\n") {
		t.Errorf("show: %d\n%s", code, out)
	}
	code, out, _ = runArgs(t, "queries", "render", "rejects-on-port", "--engine", "athena", "-p", "port=22",
		"--from", "2026-01-05T10:00", "--to", "2026-01-05T11:00", "--table", "vpc.flow_logs")
	if code != 0 || !strings.Contains(out, "FROM vpc.flow_logs\n") || !strings.Contains(out, "AND dstport = ?\n") ||
		!strings.HasSuffix(out, "-- parameters: 22, 6, '2026/01/05', 1767607200, 1767610800\n") {
		t.Errorf("render: %d\n%s", code, out)
	}
	if code, _, errOut := runArgs(t, "queries", "render", "rejects-on-port", "-p", "port=22", "--table", "x; DROP TABLE y"); code != exitUsage ||
		!strings.Contains(errOut, `table "x; DROP TABLE y": want a name`) {
		t.Errorf("bad table: %d %s", code, errOut)
	}
}

// TestCoverage: files that leave an hour or more of the window out, at
// either end, are said to; a Parquet cache covers its whole folder.
func TestCoverage(t *testing.T) {
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	file := func(tm string, hash string) localdb.File {
		return localdb.File{Object: partitions.Object{Time: at(tm), Hash: hash, Layout: partitions.Layout{}}}
	}
	w, _ := partitions.NewWindow(at("2026-01-05T00:00:00Z"), at("2026-01-06T00:00:00Z"))
	for _, tc := range []struct {
		files []localdb.File
		note  bool
	}{
		{[]localdb.File{file("2026-01-04T23:55:00Z", "a"), file("2026-01-05T23:55:00Z", "a")}, false},
		{[]localdb.File{file("2026-01-05T08:00:00Z", "a"), file("2026-01-05T23:55:00Z", "a")}, true},
		{[]localdb.File{file("2026-01-05T00:00:00Z", "a"), file("2026-01-05T09:55:00Z", "a")}, true},
		{[]localdb.File{file("2026-01-05T00:00:00Z", partitions.FolderCachePrefix+"x")}, false},
		{[]localdb.File{{Unplaced: true}}, false},
	} {
		if got := coverage(tc.files, &w); (got != "") != tc.note {
			t.Errorf("%v: %q", tc.files, got)
		}
	}
}
