package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/flowq/flowq/ddl"
	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/internal/awsfake"
	"github.com/flowq/flowq/internal/localathena"
)

// athenaCloud is a fake AWS whose Athena answers queries over sample data
// (localathena), with the sample's table in Glue as flowq ddl apply makes
// it, and a workgroup with a result location.
type athenaCloud struct {
	srv *awsfake.Server
	dir string
}

func newAthenaCloud(t *testing.T, args ...string) *athenaCloud {
	t.Helper()
	c := &athenaCloud{srv: awsfake.New(t), dir: sampleDir(t, args...)}
	b, err := localathena.Open(context.Background(), []string{c.dir}, "vpc_flow_logs.flow_logs")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	c.srv.Athena.Backend = b.Answer
	c.srv.Athena.SetWorkGroup("primary", awsfake.WorkGroup{OutputLocation: "s3://results/flowq/"})
	v2, _ := flowlog.ParseFormat("default")
	table := ddl.Table{Database: "vpc_flow_logs", Name: "flow_logs", Format: v2, Location: "s3://flow-logs/",
		Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"}, Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Projection: true}
	js, err := table.GlueJSON()
	if err != nil {
		t.Fatal(err)
	}
	c.srv.Glue.PutTable("vpc_flow_logs", js)
	return c
}

// factory is a test factory whose AWS is the fake.
func (c *athenaCloud) factory(t *testing.T) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	f, out, errOut := testFactory(t)
	f.AWS = func(context.Context, string, string) (aws.Config, error) { return c.srv.Config(), nil }
	return f, out, errOut
}

func (c *athenaCloud) lastID(t *testing.T) string {
	st := c.srv.Athena.Starts()
	if len(st) == 0 {
		t.Fatal("no query started")
	}
	return st[len(st)-1].ExecutionID
}

// TestRunAthena: run --athena prints what run --local prints for the same
// data, and on stderr only its summary (what Athena scanned, the estimated
// cost, the execution) when stderr is not a terminal; on a terminal, one
// line redrawn while the query runs, cleared before anything else.
func TestRunAthena(t *testing.T) {
	c := newAthenaCloud(t, "--records", "500", "--scenario", "icmp")
	f, local, _ := testFactory(t)
	if code := run(context.Background(), []string{"run", "top-rejected-destinations", "--local", c.dir, "-p", "limit=3", "--from", "2026-01-05", "--to", "2026-01-06"}, f); code != 0 {
		t.Fatalf("local: exit %d", code)
	}
	for _, tty := range []bool{false, true} {
		f, out, errOut := c.factory(t)
		f.IO.SetStderrTTY(tty)
		code := run(context.Background(), []string{"run", "top-rejected-destinations", "--athena", "-p", "limit=3", "--from", "2026-01-05", "--to", "2026-01-06"}, f)
		id := c.lastID(t)
		summary := regexp.QuoteMeta("top-rejected-destinations@2: 3 row(s) in ELAPSED; Athena query "+id+" scanned ") + `[0-9.]+ [kMG]?B` +
			regexp.QuoteMeta(" (estimated cost $0.000048); more rows matched: cut at the query's limit of 3 (pass -p limit=N for up to N)") + `\n$`
		if tty {
			// The live line, redrawn at each look, then cleared.
			summary = `^(\r\x1b\[KAthena (QUEUED|RUNNING|SUCCEEDED) [0-9.]+m?s · [0-9.]+ [kMG]?B scanned · ~\$0\.000048 \(estimate\) · ` + id + `)+\r\x1b\[K` + summary
		} else {
			summary = "^" + summary
		}
		if got := withoutElapsed(errOut.String()); code != 0 || out.String() != local.String() || !regexp.MustCompile(summary).MatchString(got) {
			t.Errorf("tty %v: exit %d\nstdout %q\nwant   %q\nstderr %q\nwant   %s", tty, code, out, local, got, summary)
		}
	}
}

// TestRunAthenaJSON: -o json carries Athena's provenance.
func TestRunAthenaJSON(t *testing.T) {
	c := newAthenaCloud(t, "--records", "500", "--scenario", "ssh-rejected")
	f, out, _ := c.factory(t)
	if code := run(context.Background(), []string{"run", "rejects-on-port", "--athena", "-p", "port=22", "-o", "json", "--reuse", "1h", "--since", "5d"}, f); code != 0 {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Rows       []map[string]any
		Provenance map[string]any
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Provenance
	id := c.lastID(t)
	if len(doc.Rows) != 1 || p["execution_id"] != id || p["workgroup"] != "primary" || p["engine"] != "athena" || p["scanned_bytes"].(float64) <= 0 ||
		p["engine_execution_ms"].(float64) < 1 || p["estimated_cost_usd"].(float64) <= 0 || p["result_location"] != "s3://results/flowq/"+id+".csv" {
		t.Errorf("rows %v\nprovenance %v", doc.Rows, p)
	}
	if st := c.srv.Athena.Starts(); st[len(st)-1].ReuseMaxAge != 60 {
		t.Errorf("reuse %d", st[len(st)-1].ReuseMaxAge)
	}
}

// TestRunAthenaEnds: a failed query is one line with Athena's reason, a
// query past --timeout is stopped in Athena and exits 124.
func TestRunAthenaEnds(t *testing.T) {
	c := newAthenaCloud(t, "--records", "200", "--scenario", "icmp")
	a := c.srv.Athena
	a.Next(awsfake.Outcome{Fail: "HIVE_BAD_DATA: Error parsing field value '-' for field 3"})
	f, out, errOut := c.factory(t)
	code := run(context.Background(), []string{"run", "top-rejected-destinations", "--athena", "--since", "5d"}, f)
	id := c.lastID(t)
	if want := "flowq: top-rejected-destinations@2 (sql "; code != exitError || out.Len() != 0 || !strings.HasPrefix(errOut.String(), want) ||
		!strings.HasSuffix(errOut.String(), "): Athena query "+id+" failed: HIVE_BAD_DATA: Error parsing field value '-' for field 3\n") {
		t.Errorf("failed: exit %d, stdout %q, stderr %q", code, out, errOut)
	}

	a.Next(awsfake.Outcome{Running: true})
	f, out, errOut = c.factory(t)
	code = run(context.Background(), []string{"sql", "SELECT count(*) FROM vpc_flow_logs.flow_logs", "--athena", "--timeout", "200ms"}, f)
	id = c.lastID(t)
	if want := "flowq: timed out after 200ms: query: Athena query " + id + " stopped\n"; code != exitTimeout || out.Len() != 0 || errOut.String() != want {
		t.Errorf("timeout: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	if stops := a.Stops(); len(stops) != 1 || stops[0] != id || a.State(id) != "CANCELLED" {
		t.Errorf("stops %v, state %s", stops, a.State(id))
	}
}

// TestAthenaUsage: the Athena flags' usage rules, before anything runs.
func TestAthenaUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "top-rejected-destinations", "--local", "x", "--workgroup", "w"}, "--workgroup configures the Athena engine: add --athena, or leave it out"},
		{[]string{"run", "top-rejected-destinations", "--local", "x", "--athena"}, "--local and --athena both choose the engine: give one"},
		{[]string{"run", "top-rejected-destinations", "--athena", "--strict"}, "--strict is for --local: Athena does not report the lines it could not read"},
		{[]string{"run", "top-rejected-destinations", "--athena", "--reuse", "90s"}, "--reuse 90s: want whole minutes up to 7d, Athena's limit"},
		{[]string{"run", "top-rejected-destinations", "--athena", "--reuse", "8d"}, "--reuse 8d: want whole minutes up to 7d, Athena's limit"},
		{[]string{"run", "top-rejected-destinations", "--athena", "--accounts", "12345"}, `--accounts: account "12345": want 12 digits`},
		{[]string{"run", "top-rejected-destinations", "--athena", "--output-location", "results/"}, `--output-location: location "results/": want s3://bucket/ or s3://bucket/prefix/`},
		{[]string{"run", "top-rejected-destinations", "--athena", "--since", "1h", "--table", "order"}, `--table: table name "order" is a reserved word in Athena, which every statement would have to quote (try "flow_logs" or "order_logs")`},
		{[]string{"sql", "SELECT 1", "--athena", "--since", "1h"}, `--from, --to and --since choose the files of --local; in Athena, filter on the partition columns`},
		{[]string{"run", "top-rejected-destinations", "--athena", "--since", "1h", "--output-location", "s3://Bad_Bucket/x/"}, `--output-location: location "s3://Bad_Bucket/x/": "Bad_Bucket" is not an S3 bucket name`},
		{[]string{"sql", "SELECT 1", "--athena", "--accounts", "111122223333"}, "--accounts and --regions restrict a library query's partitions; in SQL, filter on aws_account_id and aws_region"},
		{[]string{"sql", "  ", "--athena"}, "the SQL is empty"},
		{[]string{"run", "top-rejected-destinations", "--athena", "--since", "1h", "--table", "FLOW_LOGS"}, `--table: table name "FLOW_LOGS": Athena names hold only lower-case letters, digits and underscores (try "flow_logs")`},
		{[]string{"run", "top-rejected-destinations", "--athena", "--since", "1h", "--table", "vpc_flow_logs.flow_logs"}, `--table vpc_flow_logs.flow_logs: give the table's name alone, and its database with --database (--database vpc_flow_logs --table flow_logs)`},
	} {
		code, out, errOut := runArgs(t, tc.args...)
		if code != exitUsage || out != "" || !strings.HasPrefix(errOut, "flowq: "+tc.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// TestRunAthenaProcess is the acceptance test of the Athena engine, as a
// user runs flowq: a process whose standard AWS configuration points at the
// fake with AWS_ENDPOINT_URL alone (no flag of flowq's). It sends one
// StartQueryExecution whose QueryString holds none of the values it binds,
// reads every page of a result longer than one, and prints the rows; on
// SIGINT while the query runs it calls StopQueryExecution and exits 130.
func TestRunAthenaProcess(t *testing.T) {
	c := newAthenaCloud(t, "--records", "20000", "--days", "2")
	c.srv.Athena.PageRows = 10 // the sample's rejected destinations in many pages
	flowq := func(args ...string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(append(os.Environ(), runAsFlowq+"=1"), c.srv.Env()...)
		return cmd
	}
	args := []string{"run", "top-rejected-destinations", "--athena", "--workgroup", "primary", "--database", "vpc_flow_logs", "--table", "flow_logs",
		"--output-location", "s3://results/flowq/", "--from", "2026-01-05", "--to", "2026-01-07", "-p", "limit=1000", "-o", "json"}
	var stdout, stderr bytes.Buffer
	cmd := flowq(args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s", err, &stderr)
	}
	starts := c.srv.Athena.Starts()
	if len(starts) != 1 {
		t.Fatalf("%d starts", len(starts))
	}
	st := starts[0]
	for _, p := range st.Params {
		if strings.Contains(st.SQL, strings.Trim(p, "'")) {
			t.Errorf("the value %s is in the query string:\n%s", p, st.SQL)
		}
	}
	var doc struct {
		Rows       []map[string]any
		Provenance struct {
			Rows        int    `json:"rows"`
			ExecutionID string `json:"execution_id"`
		}
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	pages := c.srv.Athena.Count("GetQueryResults")
	// Every page: the rows and the header row, ten a page.
	if len(st.Params) == 0 || len(doc.Rows) < 30 || doc.Provenance.Rows != len(doc.Rows) || doc.Provenance.ExecutionID != st.ExecutionID || pages != (len(doc.Rows)+1+9)/10 ||
		st.OutputLocation != "s3://results/flowq/" {
		t.Errorf("%d rows in %d pages, provenance %+v, start %+v", len(doc.Rows), pages, doc.Provenance, st)
	}

	// SIGINT (Ctrl-C) and SIGTERM (timeout(1), CI) while the query runs:
	// the query is stopped in Athena, then flowq exits 128 + the signal.
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		c.srv.Athena.Next(awsfake.Outcome{Running: true})
		stdout.Reset()
		stderr.Reset()
		cmd = flowq(args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		polls := c.srv.Athena.Count("GetQueryExecution")
		deadline := time.Now().Add(30 * time.Second)
		for c.srv.Athena.Count("GetQueryExecution") < polls+2 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		id := c.lastID(t)
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if want := "flowq: cancelled: Athena query " + id + " stopped\n"; code != 128+int(sig) || stdout.Len() != 0 || stderr.String() != want {
			t.Errorf("%s: exit %d (%v), stdout %q, stderr %q; want %d %q", sig, code, err, &stdout, &stderr, 128+int(sig), want)
		}
		if stops := c.srv.Athena.Stops(); len(stops) == 0 || stops[len(stops)-1] != id || c.srv.Athena.State(id) != "CANCELLED" {
			t.Errorf("%s: stops %v, state %s", sig, stops, c.srv.Athena.State(id))
		}
	}
}

// TestRunAthenaStreams: a result longer than --stream-after is written page
// by page as Athena pages it, the same bytes as when it is held (TSV, JSON).
func TestRunAthenaStreams(t *testing.T) {
	c := newAthenaCloud(t, "--records", "3000", "--scenario", "port-scan")
	c.srv.Athena.PageRows = 7
	for _, format := range []string{"tsv", "json"} {
		var outs []string
		for _, hold := range []string{"10000", "3"} {
			f, out, errOut := c.factory(t)
			code := run(context.Background(), []string{"sql", "SELECT srcaddr, dstaddr, dstport FROM vpc_flow_logs.flow_logs WHERE action = 'REJECT' ORDER BY start, srcaddr, dstaddr, dstport LIMIT 40",
				"--athena", "-o", format, "--stream-after", hold}, f)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			outs = append(outs, out.String())
		}
		var held, streamed struct{ Rows []map[string]any }
		if format == "json" {
			json.Unmarshal([]byte(outs[0]), &held)
			json.Unmarshal([]byte(outs[1]), &streamed)
		}
		if format == "json" && (len(held.Rows) != 40 || fmt.Sprint(held.Rows) != fmt.Sprint(streamed.Rows)) ||
			format == "tsv" && (outs[0] != outs[1] || strings.Count(outs[0], "\n") != 41) {
			t.Errorf("%s: held\n%s\nstreamed\n%s", format, outs[0], outs[1])
		}
	}
}
