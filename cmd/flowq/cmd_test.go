package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowq/flowq/internal/golden"
)

func TestNewCmdSample(t *testing.T) {
	testArgv(t, newCmdSample, []argv[SampleOptions]{
		{args: []string{"--out", "D", "--days", "2", "--format", "v5", "--layout", "hive", "--per-hour"},
			want: SampleOptions{Out: "D", Days: 2, Format: "v5", Layout: "hive", PerHour: true, Start: "2026-01-05", Seed: 1}},
		{args: []string{"--out", "D", "--scenario", "port-scan,icmp", "--seed", "9", "--start", "2025-12-31"},
			want: SampleOptions{Out: "D", Days: 1, Format: "default", Layout: "default", Scenarios: []string{"port-scan", "icmp"}, Start: "2025-12-31", Seed: 9}},
		{args: []string{}, wantErr: "--out is required"},
		{args: []string{"--out", "D", "--days", "x"}, wantErr: `invalid argument "x" for "--days"`},
		// The library's options are checked before anything is written.
		{args: []string{"--out", "D", "--days", "0"}, wantErr: "--days 0: want at least 1"},
		{args: []string{"--out", "D", "--start", "2026-13-01"}, wantErr: `--start "2026-13-01": want YYYY-MM-DD`},
		{args: []string{"--out", "D", "--format", "${srcadr}"}, wantErr: "--format: unknown field srcadr; did you mean srcaddr?"},
		{args: []string{"--out", "D", "--layout", "flat"}, wantErr: `--layout: unknown layout "flat": want default or hive`},
		{args: []string{"--out", "D", "--records", "-1"}, wantErr: "--records -1: want 0 or more"},
		{args: []string{"--out", "D", "--scenario", "nope"}, wantErr: `unknown scenario "nope": want one of`},
	})
}

// TestSampleRun: the folder on stdout, what was written on stderr, timed on
// the factory's clock.
func TestSampleRun(t *testing.T) {
	for _, tc := range []struct {
		opts SampleOptions
		want string
	}{
		{SampleOptions{Days: 1, Start: "2026-01-05", Format: "default", Layout: "default", Scenarios: []string{"icmp"}, Seed: 1, Records: 500},
			"wrote 520 records in 288 files (v2, 14 fields, default layout) to %s in 0s\n"},
		{SampleOptions{Days: 1, Start: "2026-01-05", Format: "v5", Layout: "hive", PerHour: true, Scenarios: []string{"icmp"}, Seed: 1, Records: 300, Prefix: "logs"},
			"wrote 320 records in 288 files (v5, 29 fields, hive-hourly layout) to %s in 0s\n"},
	} {
		f, out, errOut := testFactory(t)
		opts := tc.opts
		opts.Factory, opts.Context, opts.Out = f, context.Background(), filepath.Join(t.TempDir(), "flows")
		if err := sampleRun(&opts); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(tc.want, opts.Out); out.String() != opts.Out+"\n" || errOut.String() != want {
			t.Errorf("%+v: stdout %q, stderr %q; want %q", tc.opts, out, errOut, want)
		}
		if _, err := os.Stat(filepath.Join(opts.Out, tc.opts.Prefix, "AWSLogs")); err != nil {
			t.Errorf("%+v: %v", tc.opts, err)
		}
	}
}

func TestSampleRunErrors(t *testing.T) {
	for _, tt := range []struct {
		opts SampleOptions
		want string
	}{
		{SampleOptions{Out: "D", Days: 1, Start: "2026-13-01", Format: "default", Layout: "default"}, `--start "2026-13-01": want YYYY-MM-DD`},
		{SampleOptions{Out: "D", Days: 1, Start: "2026-01-01", Format: "${pkt-srcadr}", Layout: "default"}, "--format: unknown field pkt-srcadr; did you mean pkt-srcaddr?"},
		{SampleOptions{Out: "D", Days: 1, Start: "2026-01-01", Format: "default", Layout: "flat"}, `--layout: unknown layout "flat": want default or hive`},
		{SampleOptions{Out: "D", Days: 0, Start: "2026-01-01", Format: "default", Layout: "default"}, "--days 0: want at least 1"},
		{SampleOptions{Out: "D", Days: 1, Start: "2026-01-01", Format: "default", Layout: "default", Scenarios: []string{"icmp", "nope"}},
			`unknown scenario "nope": want one of ssh-rejected, port-scan, nacl-return-reject, one-way, nodata-skipdata, top-talker, ipv6, icmp, admin-sessions,`},
	} {
		if _, err := tt.opts.sampleOptions(); err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.opts, err, tt.want)
		}
	}
}

// TestSampleLeavesNoFolder: a usage error is found before the output folder
// is made (exit 2, nothing on disk), and a run that fails after making it
// removes what it made.
func TestSampleLeavesNoFolder(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--scenario", "nope"}, `flowq: unknown scenario "nope": want one of ssh-rejected, port-scan, nacl-return-reject, one-way, nodata-skipdata, top-talker, ipv6, icmp, admin-sessions,`},
		{[]string{"--format", "${srcadr}"}, "flowq: --format: unknown field srcadr; did you mean srcaddr?"},
		{[]string{"--layout", "flat"}, `flowq: --layout: unknown layout "flat": want default or hive`},
		{[]string{"--records", "-1"}, "flowq: --records -1: want 0 or more"},
	} {
		parent := filepath.Join(t.TempDir(), "new")
		code, out, errOut := runArgs(t, append([]string{"sample", "--out", filepath.Join(parent, "flows")}, tc.args...)...)
		if code != exitUsage || out != "" || !strings.HasPrefix(errOut, tc.want) || !strings.HasSuffix(errOut, "\nRun 'flowq --help' for usage.\n") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, code, out, errOut)
		}
		if _, err := os.Stat(parent); !os.IsNotExist(err) {
			t.Errorf("%v: %s was created", tc.args, parent)
		}
	}

	// Cancelled before any file is written: the folders made for it go.
	parent := filepath.Join(t.TempDir(), "new")
	f, _, _ := testFactory(t)
	cmd := newCmdSample(f, nil)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs([]string{"--out", filepath.Join(parent, "flows"), "--records", "100"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := cmd.ExecuteContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := os.Stat(parent); !os.IsNotExist(err) {
		t.Errorf("cancelled: %s was left behind", parent)
	}
	// An existing folder is never removed.
	dir := t.TempDir()
	cmd = newCmdSample(f, nil)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetArgs([]string{"--out", dir, "--records", "100"})
	if err := cmd.ExecuteContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Errorf("the existing folder was removed: %v", err)
	}
}

// TestSampleThenDetect is the acceptance path: sample a v5 Hive hourly tree,
// then detect its format.
func TestSampleThenDetect(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "D")
	code, out, errOut := runArgs(t, "sample", "--out", dir, "--days", "2", "--format", "v5", "--layout", "hive", "--per-hour", "--records", "3000")
	if code != 0 {
		t.Fatalf("sample: %d %s", code, errOut)
	}
	if out != dir+"\n" || !strings.Contains(errOut, "in 576 files (v5, 29 fields, hive-hourly layout)") {
		t.Errorf("sample output %q / %q", out, errOut)
	}
	code, out, errOut = runArgs(t, "formats", "detect", dir)
	if code != 0 || errOut != "" {
		t.Fatalf("detect: %d %s", code, errOut)
	}
	want := "FILES  VERSION  FORMAT\n576    5        ${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${vpc-id} ${subnet-id} ${instance-id} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${region} ${az-id} ${sublocation-type} ${sublocation-id} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path}\n"
	if out != want {
		t.Errorf("detect output:\n%s\nwant:\n%s", out, want)
	}

	// A second flow log with another format in the same tree is format drift.
	code, _, _ = runArgs(t, "sample", "--out", dir, "--format", "default", "--records", "1000", "--start", "2026-02-01", "--prefix", "other")
	if code != 0 {
		t.Fatal("second sample failed")
	}
	code, out, errOut = runArgs(t, "formats", "detect", dir)
	if code != 0 || !strings.Contains(out, "\n288    2        ${version} ${account-id}") || !strings.HasPrefix(errOut, "format drift: 2 formats in these files") {
		t.Errorf("drift: %d\n%s\n%s", code, out, errOut)
	}
}

func TestFormatsShow(t *testing.T) {
	code, out, _ := runArgs(t, "formats", "show", "v8")
	if code != 0 || !strings.Contains(out, "version: 8\nfields:  40\n") ||
		!strings.Contains(out, "40  reject-reason               reject_reason               8        string  VARCHAR  BYTE_ARRAY (STRING)  Why traffic was rejected") {
		t.Errorf("show v8: %d\n%s", code, out)
	}
	code, _, errOut := runArgs(t, "formats", "show", "${srcaddr} ${pkt-srcadr}")
	if code != exitUsage || !strings.HasPrefix(errOut, "flowq: unknown field pkt-srcadr; did you mean pkt-srcaddr?\n") {
		t.Errorf("show typo: %d %q", code, errOut)
	}
	code, out, _ = runArgs(t, "formats")
	for _, want := range []string{"Version 2 (the default format)", "Version 6 (Transit Gateway flow logs)", "  encryption-status  ", "[version unconfirmed]"} {
		if !strings.Contains(out, want) {
			t.Errorf("formats list lacks %q", want)
		}
	}
}

func TestDetectErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.log"), []byte("2 123456789010 eni-1 - - - - - - - 1 2 - NODATA\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "y.log.gz"), []byte("this is not a gzip file at all"), 0o644)
	code, out, errOut := runArgs(t, "formats", "detect", dir)
	if code != exitError || !strings.Contains(out, "1      -        (no header line: the format must be given)") ||
		!strings.Contains(errOut, "y.log.gz: gzip: invalid header") || !strings.Contains(errOut, "1 file(s) could not be read") {
		t.Errorf("%d\n%s\n%s", code, out, errOut)
	}
	code, _, errOut = runArgs(t, "formats", "detect", t.TempDir())
	if code != exitNoData || !strings.Contains(errOut, "no flow-log files (.log.gz, .log, .parquet) under") {
		t.Errorf("empty: %d %s", code, errOut)
	}
}

func TestVersionAndUsage(t *testing.T) {
	// A test binary has build information without a version or VCS settings.
	code, out, _ := runArgs(t, "version")
	if code != 0 || !strings.HasPrefix(out, "flowq (devel) (go") {
		t.Errorf("version: %d %q", code, out)
	}
	code, _, errOut := runArgs(t, "sample", "--bogus")
	if code != exitUsage || !strings.Contains(errOut, "unknown flag: --bogus") {
		t.Errorf("usage: %d %q", code, errOut)
	}
	code, _, errOut = runArgs(t, "nope")
	if code != exitUsage || !strings.Contains(errOut, `unknown command "nope"`) {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
}

func TestNewCmdDemo(t *testing.T) {
	testArgv(t, newCmdDemo, []argv[DemoOptions]{
		{args: []string{}},
		{args: []string{"--dir", "D"}, want: DemoOptions{Dir: "D"}},
		{args: []string{"D"}, wantErr: `unknown command "D" for "demo"`},
	})
}

// TestDemoRun: the first run generates the sample into the cache folder and
// tours it; the next ones reuse it and say so. The tour is the same each time
// (testdata/demo.txt), its tables fitted to the width of a terminal
// (testdata/demo-tty.txt); the folder is shown there as DIR, and the tour's
// time is on the factory's clock. Regenerate with
// go test ./cmd/flowq -run TestDemoRun -update.
func TestDemoRun(t *testing.T) {
	f, out, errOut := testFactory(t)
	cmd := newCmdDemo(f, nil)
	if err := execute(t, cmd); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"81941 flow-log records in 576 files, 2026-01-05 to 2026-01-07 (sample data in AWS's layout)",
		"10.0.2.200 tops the list with 1022 rejects from about 1 source(s) (the port-scan incident",
		"10.0.1.200 refused 200 SSH attempts from 40 sources on eni-00a7a6d3b21ecb97e (the ssh-rejected incident",
		"10.0.3.201:5432 answered 30 connections from 10.0.2.201 and every reply was rejected on its way back (the nacl-return-reject incident",
		"10.0.2.202 sent 20 records to 192.0.2.10:8443 and nothing came back (the one-way incident",
		"eni-00b30abda0f36ec55 had NODATA from Jan 06 00:00 to Jan 06 01:00 (the nodata-skipdata incident",
		"Replies b->a: 5 accepted, 5 rejected (the icmp incident)", "top-talker", "ipv6"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut.String(), "generating sample flow logs") {
		t.Errorf("first run should generate: %q", errOut)
	}
	cache, _ := f.CacheDir()
	dir := filepath.Join(cache, "demo-v2-seed1")
	if want := "generating sample flow logs in " + dir + " (once)…\n"; errOut.String() != want {
		t.Errorf("first run: stderr %q, want %q", errOut, want)
	}
	golden.Compare(t, "testdata/demo.txt", strings.ReplaceAll(out.String(), dir, "DIR"))
	// The second run reuses the data, and says so.
	out.Reset()
	errOut.Reset()
	want := "using the existing sample in " + dir + ": 576 files, 81941 records, 2026-01-05 to 2026-01-07 (seed 1, default layout)\n"
	if err := execute(t, newCmdDemo(f, nil)); err != nil || errOut.String() != want || out.Len() == 0 {
		t.Errorf("second run: %v %q", err, errOut)
	}
	golden.Compare(t, "testdata/demo.txt", strings.ReplaceAll(out.String(), dir, "DIR"))
	// On a terminal, the tables are aligned to fit its width.
	out.Reset()
	errOut.Reset()
	f.IO.SetStdoutTTY(true)
	f.IO.SetTerminalWidth(80)
	if err := demoRun(&DemoOptions{Factory: f, Context: context.Background()}); err != nil || errOut.String() != want {
		t.Errorf("on a terminal: %v, stderr %q", err, errOut)
	}
	golden.Compare(t, "testdata/demo-tty.txt", strings.ReplaceAll(out.String(), dir, "DIR"))
}

// TestDemoDir: demo --dir uses a flowq sample that is there and says what it
// holds, and refuses a folder of other files, a sample with files added and
// a sample without the tour's incidents, writing nothing into any of them.
func TestDemoDir(t *testing.T) {
	sampled := sampleDir(t, "--days", "2", "--records", "2000")
	code, out, errOut := runArgs(t, "demo", "--dir", sampled)
	if code != 0 || errOut != "using the existing sample in "+sampled+": 576 files, 3941 records, 2026-01-05 to 2026-01-07 (seed 1, default layout)\n" ||
		!strings.HasPrefix(out, "flowq demo: 3941 flow-log records in 576 files") {
		t.Errorf("existing sample: exit %d, stderr %q\n%s", code, errOut, out)
	}

	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	mixed := t.TempDir()
	for _, args := range [][]string{{"--records", "500"}, {"--records", "500", "--prefix", "other"}} {
		if code, _, errOut := runArgs(t, append([]string{"sample", "--out", mixed}, args...)...); code != 0 {
			t.Fatal(errOut)
		}
	}
	partial := sampleDir(t, "--records", "500", "--scenario", "icmp,port-scan")
	for _, tc := range []struct{ dir, want string }{
		{other, other + " is not empty and holds no flowq sample (no truth.json): the demo generates its sample into an empty or new folder and never mixes it with other files; give another --dir"},
		{mixed, mixed + " holds 576 flow-log files, but the sample its truth.json describes has 288: other files were added to it; the demo reads only a sample of its own, so give an empty or new --dir"},
		{partial, "the sample in " + partial + " has no ssh-rejected, nacl-return-reject, one-way, nodata-skipdata, top-talker, ipv6, large-udp, exposed-admin, vpn-appliance, night-exfiltration scenario(s), which the tour looks for; give an empty or new --dir (or flowq sample --out DIR without --scenario)"},
	} {
		before, _ := os.ReadDir(tc.dir)
		code, out, errOut := runArgs(t, "demo", "--dir", tc.dir)
		if code != exitUsage || out != "" || errOut != "flowq: "+tc.want+"\nRun 'flowq --help' for usage.\n" {
			t.Errorf("exit %d, stdout %q, stderr %q\nwant %s", code, out, errOut, tc.want)
		}
		if after, _ := os.ReadDir(tc.dir); len(after) != len(before) {
			t.Errorf("%s: demo wrote into it: %d entries, had %d", tc.dir, len(after), len(before))
		}
	}
}

func TestSQL(t *testing.T) {
	dir := sampleDir(t, "--records", "2000", "--scenario", "ssh-rejected")
	f, out, errOut := testFactory(t)
	err := execute(t, newCmdSQL(f, nil), "SELECT dstaddr, count(*) AS n FROM flow_logs WHERE dstport = 22 AND action = 'REJECT' GROUP BY 1",
		"--local", dir, "--from", "2026-01-05T02:00:00Z", "--to", "2026-01-05T04:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != "dstaddr\tn\n10.0.1.200\t200\n" || !strings.HasPrefix(errOut.String(), "query: 1 row(s) from 28 file(s)") {
		t.Errorf("out %q err %q", out, errOut)
	}
	for args, want := range map[string]string{
		"--from x --to 2026-01-01":          `--from: time "x": want RFC 3339`,
		"--from 2026-01-01":                 "--from needs --to (or use --since)",
		"--since 2h --from 2026-01-01":      "--since and --from both set the start: give one",
		"--since 2x":                        `--since: duration "2x": want 90s, 10m, 1h30m or 2d`,
		"--since 99999999999d":              `--since: duration "99999999999d" is too long`,
		"--from 2026-01-02 --to 2026-01-01": "time window: from 2026-01-02T00:00:00Z is not before to 2026-01-01T00:00:00Z",
	} {
		f, _, _ := testFactory(t)
		err := execute(t, newCmdSQL(f, nil), append([]string{"SELECT 1", "--local", dir}, strings.Fields(args)...)...)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", args, err, want)
		}
	}
}

// TestSQLReadOnly: SQL that is not a query is refused as a usage error,
// with the reason, and no file is written.
func TestSQLReadOnly(t *testing.T) {
	dir := sampleDir(t, "--records", "500", "--scenario", "icmp")
	out := filepath.Join(t.TempDir(), "x.csv")
	for sql, want := range map[string]string{
		"COPY (SELECT 1) TO '" + out + "'":       "flowq: only queries run over flow_logs",
		"INSTALL httpfs":                         "flowq: INSTALL and LOAD are refused",
		"SELECT 1; DROP VIEW flow_logs":          "flowq: flowq runs one SQL statement at a time",
		"SELECT * FROM read_text('" + out + "')": "Permission Error",
	} {
		code, stdout, errOut := runArgs(t, "sql", sql, "--local", dir)
		if code == 0 || stdout != "" || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want %q", sql, code, stdout, errOut, want)
		}
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d", sql, code, exitUsage)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("COPY wrote a file")
	}
}

// TestRunReportsData: warnings about the data (an unknown header field) and
// bad lines found by the first query are on stderr.
func TestRunReportsData(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20260105T1000Z_fe123456.log")
	os.WriteFile(file, []byte("version srcaddr dstaddr action log-statos\n2 10.0.0.1 10.0.0.2 REJECT OK\n2 10.0.0.1 10.0.0.2 DROP OK\n"), 0o644)
	code, stdout, errOut := runArgs(t, "sql", "SELECT count(*) AS n FROM flow_logs", "--local", dir, "-o", "csv")
	want := "warning: log-statos in 1 file(s), e.g. " + file + ": not a known field; did you mean log-status? " +
		"Column log_status is NULL in those files; it is read as text column log_statos\n" +
		"bad line skipped: " + file + `: line 3: field action: "DROP": not one of ACCEPT, REJECT or -` + "\n"
	if code != 0 || stdout != "n\n1\n" || !strings.HasPrefix(errOut, want) {
		t.Errorf("exit %d, stdout %q, stderr %q\nwant prefix %q", code, stdout, errOut, want)
	}
}

// TestWarningsReachStderr: what the engine learns only as it closes (a check
// cache it cannot write) and what import finds in the data (an unknown
// header field) are printed, not dropped.
func TestWarningsReachStderr(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20260105T1000Z_fe123456.log")
	os.WriteFile(file, []byte("version srcaddr dstaddr action log-statos\n2 10.0.0.1 10.0.0.2 REJECT OK\n"), 0o644)

	f, _, errOut := testFactory(t)
	blocked := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(blocked, nil, 0o644)
	f.CacheDir = func() (string, error) { return blocked, nil } // "checked" cannot be made below a file
	if code := run(context.Background(), []string{"sql", "SELECT count(*) FROM flow_logs", "--local", dir}, f); code != 0 ||
		!strings.Contains(errOut.String(), "warning: remember checked files in "+filepath.Join(blocked, "checked")) {
		t.Errorf("sql: exit %d, stderr %q", code, errOut)
	}

	code, _, stderr := runArgs(t, "import", dir, "--to", filepath.Join(t.TempDir(), "pq"))
	if code != 0 || !strings.Contains(stderr, "warning: log-statos in 1 file(s)") {
		t.Errorf("import: exit %d, stderr %q", code, stderr)
	}
}
