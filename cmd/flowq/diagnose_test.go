package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/internal/golden"
	"github.com/flowq/flowq/rca"
)

func TestNewCmdDiagnose(t *testing.T) {
	testArgv(t, newCmdDiagnose, []argv[DiagnoseOptions]{
		{args: []string{"--src", "10.0.2.201", "--dst", "10.0.3.0/24", "--port", "5432", "--protocol", "tcp", "--local", "a", "--from", "2026-01-05T14:00", "--to", "2026-01-05T15:00"},
			want: DiagnoseOptions{Src: "10.0.2.201", Dst: "10.0.3.0/24", Port: 5432, Protocol: "tcp", Engine: localEngine("a"),
				Window: windowFlags{From: "2026-01-05T14:00", To: "2026-01-05T15:00"}, Output: "text"}},
		{args: []string{"--src", "198.51.100.0/24", "--dst", "10.0.1.200", "--local", "a", "--since", "1d", "-o", "json"},
			want: DiagnoseOptions{Src: "198.51.100.0/24", Dst: "10.0.1.200", Engine: localEngine("a"), Window: windowFlags{Since: "1d"}, Output: "json"}},
		{args: []string{"--src", "10.0.1.232", "--dst", "10.30.7.15", "--athena", "--table", "tgw_logs", "--since", "2h"},
			want: DiagnoseOptions{Src: "10.0.1.232", Dst: "10.30.7.15", Window: windowFlags{Since: "2h"}, Output: "text",
				Engine: engineFlags{StreamAfter: 10000, Athena: athenaFlags{Athena: true, Workgroup: "primary", Database: "vpc_flow_logs", Table: "tgw_logs",
					Given: map[string]bool{"table": true}}}}},
		{args: []string{"--dst", "10.0.1.200", "--local", "a"}, wantErr: "--src is required: the client"},
		{args: []string{"--src", "10.0.1.200", "--local", "a"}, wantErr: "--dst is required: the server"},
		{args: []string{"--local", "a"}, wantErr: "--src and --dst are required: the client and the server"},
		{args: []string{"--src", "10.0.1.5/24", "--dst", "10.0.1.200", "--local", "a"}, wantErr: `--src: "10.0.1.5/24" has host bits set; the network is 10.0.1.0/24`},
		{args: []string{"--src", "10.0.1.5", "--dst", "db.internal", "--local", "a"}, wantErr: `--dst: "db.internal" is not an address or a CIDR network (10.0.1.5, 10.0.1.0/24)`},
		{args: []string{"--src", "10.0.1.5", "--dst", "10.0.1.6", "--port", "70000", "--local", "a"}, wantErr: "--port 70000: want 1-65535"},
		{args: []string{"--src", "10.0.1.5", "--dst", "10.0.1.6", "--port", "8", "--protocol", "icmp", "--local", "a"}, wantErr: "--port 8 with protocol icmp: ICMP has no ports"},
		{args: []string{"--src", "10.0.1.5", "--dst", "10.0.1.6", "--protocol", "sctp", "--local", "a"}, wantErr: `--protocol "sctp": want tcp, udp, icmp, icmpv6`},
		{args: []string{"--src", "10.0.1.5", "--dst", "10.0.1.6", "--local", "a", "-o", "table"}, wantErr: `-o "table": want text, json`},
		{args: []string{"--src", "10.0.1.5", "--dst", "10.0.1.6"}, wantErr: "choose an engine: --local PATH (downloaded files) or --athena (the table in Athena)"},
		{args: []string{"--src", "10.0.1.5", "--dst", "10.0.1.6", "--athena"}, wantErr: "--athena needs a time window"},
		{args: []string{"--src", "10.0.1.5", "--dst", "10.0.1.6", "--local", "a", "--from", "2026-01-05"}, wantErr: "--from needs --to (or use --since)"},
		{args: []string{"x", "--src", "10.0.1.5", "--dst", "10.0.1.6", "--local", "a"}, wantErr: `unknown command "x" for "diagnose"`},
	})
}

// TestDiagnoseRun: the text a person reads, exactly, for two verdicts
// (testdata/diagnose-*.txt, the sample's folder shown as DIR; regenerate
// with go test ./cmd/flowq -run TestDiagnoseRun -update), and on stderr one
// line of what the queries read.
func TestDiagnoseRun(t *testing.T) {
	dir := sampleDir(t, "--days", "2", "--records", "2000")
	for _, tc := range []struct {
		golden string
		opts   DiagnoseOptions
		stderr string
	}{
		{"diagnose-reply-rejected.txt", DiagnoseOptions{Src: "10.0.2.201", Dst: "10.0.3.201", Port: 5432,
			Window: windowFlags{From: "2026-01-05T14:00", To: "2026-01-05T15:00"}}, "diagnose: 2 queries over 16 file(s) in ELAPSED\n"},
		{"diagnose-no-records.txt", DiagnoseOptions{Src: "198.18.50.250", Dst: "10.0.3.202", Port: 443, Protocol: "tcp",
			Window: windowFlags{Since: "90m", To: "2026-01-06T01:30"}}, "diagnose: 7 queries over 22 file(s) in ELAPSED\n"},
		{"diagnose-rejected-inbound.txt", DiagnoseOptions{Src: "198.51.100.0/24", Dst: "10.0.1.200", Port: 22,
			Window: windowFlags{From: "2026-01-05T04:30", To: "2026-01-05T06:30"}}, "diagnose: 1 query over 28 file(s) in ELAPSED\n"},
	} {
		f, out, errOut := testFactory(t)
		opts := tc.opts
		opts.Factory, opts.Context, opts.Engine, opts.Output = f, context.Background(), engineFlags{Local: []string{dir}}, diagnoseText
		if err := diagnoseRun(&opts); err != nil {
			t.Fatal(err)
		}
		golden.Compare(t, "testdata/"+tc.golden, strings.ReplaceAll(out.String(), dir, "DIR"))
		if got := withoutElapsed(errOut.String()); got != tc.stderr {
			t.Errorf("%s: stderr %q, want %q", tc.golden, got, tc.stderr)
		}
	}
}

// diagnosisDoc is what -o json holds, as automation reads it.
type diagnosisDoc struct {
	Request rca.Request `json:"request"`
	Verdict struct {
		ID          string   `json:"id"`
		Title       string   `json:"title"`
		Interfaces  []string `json:"interfaces"`
		ClientPorts *struct {
			From, To int
		} `json:"client_ports"`
		Evidence []struct {
			Query string  `json:"query"`
			Rows  [][]any `json:"rows"`
		} `json:"evidence"`
	} `json:"verdict"`
	Checklist []struct{ Step, Finding string } `json:"checklist"`
	Queries   []struct {
		Step       string `json:"step"`
		Kept       int    `json:"kept"`
		Provenance struct {
			Query       string         `json:"query"`
			SHA         string         `json:"sql_sha256"`
			RenderedSHA string         `json:"rendered_sql_sha256"`
			Params      map[string]any `json:"params"`
			Engine      string         `json:"engine"`
			Files       int            `json:"files"`
			ExecutionID string         `json:"execution_id"`
			Rows        int            `json:"rows"`
			From        time.Time      `json:"from"`
		} `json:"provenance"`
	} `json:"queries"`
	FollowUps []rca.FollowUp `json:"follow_ups"`
	Commands  []string       `json:"commands"`
}

func decodeDiagnosis(t *testing.T, s string) diagnosisDoc {
	t.Helper()
	var doc diagnosisDoc
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, s)
	}
	return doc
}

// TestDiagnoseJSON: -o json decodes to the verdict, the evidence, and each
// query's provenance; the follow-up commands carry the engine and the
// window, a window up to now pinned to when it was diagnosed.
func TestDiagnoseJSON(t *testing.T) {
	dir := sampleDir(t, "--days", "2", "--records", "2000")
	code, out, errOut := runArgs(t, "diagnose", "--src", "10.0.2.201", "--dst", "10.0.3.201", "--port", "5432", "--local", dir,
		"--since", "10h", "--to", "2026-01-05T20:00", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	doc := decodeDiagnosis(t, out)
	if doc.Verdict.ID != "reply-rejected" || doc.Verdict.ClientPorts == nil || len(doc.Verdict.Interfaces) != 1 || len(doc.Checklist) != len(rca.Steps) {
		t.Errorf("verdict %+v", doc.Verdict)
	}
	if len(doc.Queries) != 2 {
		t.Fatalf("queries %+v", doc.Queries)
	}
	for i, want := range []string{"pair-summary@1", "return-path-rejects@1"} {
		p := doc.Queries[i].Provenance
		if p.Query != want || len(p.SHA) != 64 || len(p.RenderedSHA) != 64 || p.Engine != "duckdb" || p.Files == 0 ||
			!p.From.Equal(time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)) {
			t.Errorf("query %d: %+v", i, p)
		}
	}
	if p := doc.Queries[0].Provenance.Params; p["a"] != "10.0.2.201/32" || p["port"] != float64(5432) {
		t.Errorf("pair-summary params %v", p)
	}
	if len(doc.Verdict.Evidence) != 2 || len(doc.Verdict.Evidence[0].Rows) != 3 || doc.Verdict.Evidence[1].Query != "return-path-rejects@1" {
		t.Errorf("evidence %+v", doc.Verdict.Evidence)
	}
	want := []string{
		"flowq run return-path-rejects@1 --local " + dir + " --since 10h --to 2026-01-05T20:00",
		"flowq run traffic-between@2 -p a=10.0.2.201 -p b=10.0.3.201 --local " + dir + " --since 10h --to 2026-01-05T20:00",
	}
	if fmt.Sprint(doc.Commands) != fmt.Sprint(want) || len(doc.FollowUps) != 2 {
		t.Errorf("commands:\n%s\nwant:\n%s", strings.Join(doc.Commands, "\n"), strings.Join(want, "\n"))
	}
	// --since without --to: the commands read the same window.
	code, out, _ = runArgs(t, "diagnose", "--src", "10.0.2.201", "--dst", "10.0.3.201", "--local", dir, "--since", "5d", "-o", "json")
	if doc := decodeDiagnosis(t, out); code != 0 || !strings.HasSuffix(doc.Commands[0], " --since 5d --to 2026-01-10T00:00:00Z") {
		t.Errorf("exit %d, commands %v", code, doc.Commands)
	}
	// The follow-ups' commands run, and find the rows.
	for _, c := range want {
		args := strings.Fields(c)[1:]
		if code, out, errOut := runArgs(t, args...); code != 0 || strings.Count(out, "\n") < 2 {
			t.Errorf("%s: exit %d\n%s%s", c, code, out, errOut)
		}
	}
}

// TestDiagnoseAthena: on the Athena fake, the verdicts and evidence of the
// local engine over the same files, each query an Athena execution named in
// its provenance, and follow-up commands for Athena.
func TestDiagnoseAthena(t *testing.T) {
	c := newAthenaCloud(t, "--days", "2", "--records", "2000")
	for _, tc := range []struct {
		verdict string
		args    []string
	}{
		{"reply-rejected", []string{"--src", "10.0.2.201", "--dst", "10.0.3.201", "--port", "5432", "--from", "2026-01-05T14:00", "--to", "2026-01-05T15:00"}},
		{"rejected-inbound", []string{"--src", "198.51.100.0/24", "--dst", "10.0.1.200", "--port", "22", "--from", "2026-01-05T04:30", "--to", "2026-01-05T06:30"}},
		{"forward-only", []string{"--src", "10.0.2.202", "--dst", "192.0.2.10", "--port", "8443", "--from", "2026-01-05T19:00", "--to", "2026-01-05T20:00"}},
		{"no-records", []string{"--src", "198.18.50.250", "--dst", "10.0.3.202", "--from", "2026-01-06T00:00", "--to", "2026-01-06T01:30"}},
	} {
		code, out, errOut := runArgs(t, append([]string{"diagnose", "--local", c.dir, "-o", "json"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("%s local: exit %d: %s", tc.verdict, code, errOut)
		}
		local := decodeDiagnosis(t, out)
		f, athenaOut, athenaErr := c.factory(t)
		starts := len(c.srv.Athena.Starts())
		if code := run(context.Background(), append([]string{"diagnose", "--athena", "--workgroup", "primary", "-o", "json"}, tc.args...), f); code != 0 {
			t.Fatalf("%s athena: exit %d: %s", tc.verdict, code, athenaErr)
		}
		remote := decodeDiagnosis(t, athenaOut.String())
		if local.Verdict.ID != tc.verdict || remote.Verdict.ID != tc.verdict || remote.Verdict.Title != local.Verdict.Title {
			t.Errorf("verdicts: local %s, athena %s; want %s", local.Verdict.ID, remote.Verdict.ID, tc.verdict)
		}
		l, r := fmt.Sprint(local.Verdict.Evidence), fmt.Sprint(remote.Verdict.Evidence)
		if l != r {
			t.Errorf("%s: evidence differs:\nlocal  %s\nathena %s", tc.verdict, l, r)
		}
		if len(remote.Queries) != len(local.Queries) || len(c.srv.Athena.Starts())-starts != len(remote.Queries) {
			t.Errorf("%s: %d queries in Athena, %d locally, %d started", tc.verdict, len(remote.Queries), len(local.Queries), len(c.srv.Athena.Starts())-starts)
		}
		for i, q := range remote.Queries {
			if q.Provenance.Engine != "athena" || q.Provenance.ExecutionID != c.srv.Athena.Starts()[starts+i].ExecutionID || q.Provenance.Query != local.Queries[i].Provenance.Query {
				t.Errorf("%s: query %d %+v", tc.verdict, i, q.Provenance)
			}
		}
		if cmd := remote.Commands[0]; !strings.Contains(cmd, " --athena --workgroup primary --from ") {
			t.Errorf("%s: command %s", tc.verdict, cmd)
		}
		if !regexp.MustCompile(`^diagnose: (1 query|[0-9]+ queries) in Athena in ELAPSED, scanned [0-9.]+ [kMG]?B \(estimated cost \$[0-9.]+\)\n$`).MatchString(withoutElapsed(athenaErr.String())) {
			t.Errorf("%s: stderr %q", tc.verdict, athenaErr)
		}
	}
}
