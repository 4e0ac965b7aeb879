package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/audit"
	"github.com/flowq/flowq/report"
	"github.com/flowq/flowq/sample"
)

func TestNewCmdAuditDenies(t *testing.T) {
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "notes.txt"), nil, 0o644)
	file := filepath.Join(full, "notes.txt")
	empty := t.TempDir()
	testArgv(t, newCmdAuditDenies, []argv[AuditDeniesOptions]{
		{args: []string{"--local", "a", "--from", "2026-01-05", "--to", "2026-01-07", "--out", "P"},
			want: AuditDeniesOptions{Out: "P", Engine: localEngine("a"), Window: windowFlags{From: "2026-01-05", To: "2026-01-07"}}},
		{args: []string{"--local", "a", "--since", "30d", "--out", empty, "--redact", "key.txt", "--strict"},
			want: AuditDeniesOptions{Out: empty, Engine: strictEngine("a"), Window: windowFlags{Since: "30d"}, Redact: "key.txt"}},
		{args: []string{"--athena", "--database", "db", "--since", "7d", "--out", "P"},
			want: AuditDeniesOptions{Out: "P", Window: windowFlags{Since: "7d"}, Engine: engineFlags{StreamAfter: report.DefaultHold,
				Athena: athenaFlags{Athena: true, Workgroup: "primary", Database: "db", Table: "flow_logs", Given: map[string]bool{"database": true}}}}},
		{args: []string{"--local", "a", "--since", "1d"}, wantErr: "--out is required: the folder of the pack"},
		{args: []string{"--since", "1d", "--out", "P"}, wantErr: "choose an engine: --local PATH (downloaded files) or --athena (the table in Athena)"},
		{args: []string{"--local", "a", "--out", "P"}, wantErr: "an audit covers a time window: give --from and --to, or --since"},
		{args: []string{"--local", "a", "--from", "2026-01-05", "--out", "P"}, wantErr: "--from needs --to (or use --since)"},
		{args: []string{"--local", "a", "--since", "1d", "--out", full}, wantErr: "--out " + full + " is not empty (it holds notes.txt): the pack goes into a new or empty folder, never among other files"},
		{args: []string{"--local", "a", "--since", "1d", "--out", file}, wantErr: "--out " + file + " is a file: the pack goes into a new or empty folder"},
		{args: []string{"--local", "a", "--since", "1d", "--out", "P", "extra"}, wantErr: `unknown command "extra"`},
	})
}

func TestNewCmdAuditVerify(t *testing.T) {
	testArgv(t, newCmdAuditVerify, []argv[AuditVerifyOptions]{
		{args: []string{"P"}, want: AuditVerifyOptions{Dir: "P"}},
		{args: []string{}, wantErr: "accepts 1 arg(s), received 0"},
	})
}

// auditBuildInfo is a build of flowq at a release, for the manifest.
func auditBuildInfo() (*debug.BuildInfo, bool) {
	return &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, true
}

// auditPackLines is what flowq audit denies says on stderr: where the pack
// is, what it holds, how to open and verify it.
func auditPackLines(dir, window, extra string) *regexp.Regexp {
	abs, _ := filepath.Abs(dir)
	q := regexp.QuoteMeta
	return regexp.MustCompile("^" + q("wrote the audit pack "+dir+" in ELAPSED: ") + `[0-9]+` + q(" denies from "+window) + q(extra) + "\n" +
		q("  denies.csv     ") + `[0-9.]+ [kM]?B\n` +
		q("  summary.json   ") + `[0-9.]+ [kM]?B\n` +
		q("  report.html    ") + `[0-9.]+ [kM]?B\n` +
		`  manifest\.json  [0-9]+ queries, sealed\n` +
		`(Athena ran [0-9]+ queries, which scanned [0-9.]+ [kM]?B \(estimated cost \$[0-9.]+\)\n)?` +
		q("open it:   file://"+abs+"/report.html (in a browser; it needs no network)\n") +
		q("verify it: flowq audit verify "+dir+"\n") + "$")
}

// TestAuditDeniesRun: flowq audit denies over sample data writes a pack
// whose summary is the sample's truth, says on stdout where it is and on
// stderr what it holds and how to open and verify it; the pack verifies.
func TestAuditDeniesRun(t *testing.T) {
	dir := sampleDir(t, "--days", "2")
	truth, err := sample.ReadTruth(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, out, errOut := testFactory(t)
	pack := filepath.Join(t.TempDir(), "pack")
	opts := &AuditDeniesOptions{Factory: f, Context: context.Background(), Out: pack, Engine: localEngine(dir),
		Window: windowFlags{From: "2026-01-05", To: "2026-01-07"}, BuildInfo: auditBuildInfo}
	if err := auditDeniesRun(opts); err != nil {
		t.Fatal(err)
	}
	if want := auditPackLines(pack, "2026-01-05T00:00:00Z to 2026-01-07T00:00:00Z", ""); out.String() != pack+"\n" || !want.MatchString(withoutElapsed(errOut.String())) {
		t.Errorf("stdout %q\nstderr:\n%s\nwant %s", out, errOut, want)
	}
	// On a terminal, one line shows each step, then is cleared.
	f, _, errOut = testFactory(t)
	f.IO.SetStderrTTY(true)
	tty := filepath.Join(t.TempDir(), "pack")
	opts.Factory, opts.Out = f, tty
	if err := auditDeniesRun(opts); err != nil {
		t.Fatal(err)
	}
	progress, rest, _ := strings.Cut(errOut.String(), "\r\x1b[Kwrote")
	if !regexp.MustCompile(`^(\r\x1b\[Kaudit: [^\r\n]+)+$`).MatchString(progress) ||
		!strings.Contains(progress, "audit: deny-export@1: denies from 2026-01-06T00:00:00Z to 2026-01-07T00:00:00Z") ||
		!auditPackLines(tty, "2026-01-05T00:00:00Z to 2026-01-07T00:00:00Z", "").MatchString(withoutElapsed("wrote"+rest)) {
		t.Errorf("on a terminal, stderr %q", errOut)
	}

	m := readManifest(t, pack)
	if m.FlowqVersion != "v1.2.3" || m.Denies != truth.ByAction["REJECT"] || len(m.Inputs) != truth.Files || m.Redaction != nil {
		t.Errorf("manifest: version %s, %d denies (truth %d), %d inputs (truth %d files)", m.FlowqVersion, m.Denies, truth.ByAction["REJECT"], len(m.Inputs), truth.Files)
	}

	f, out, errOut = testFactory(t)
	if err := auditVerifyRun(&AuditVerifyOptions{Factory: f, Context: context.Background(), Dir: pack}); err != nil {
		t.Fatal(err)
	}
	if want := "ok        denies.csv\nok        summary.json\nok        report.html\nok        manifest.json\n"; out.String() != want ||
		!regexp.MustCompile(`^the pack `+regexp.QuoteMeta(pack)+` verifies: 3 files as manifest.json lists them, and its seal holds; the pack's fingerprint \(SHA-256 of manifest.json\) is [0-9a-f]{64}\n$`).MatchString(errOut.String()) {
		t.Errorf("verify: stdout %q, stderr %q", out, errOut)
	}

	// A changed byte and an added file: exit 1, each named on stdout and in
	// the error.
	b, _ := os.ReadFile(filepath.Join(pack, audit.DeniesFile))
	b[len(b)/2] ^= 1
	os.WriteFile(filepath.Join(pack, audit.DeniesFile), b, 0o644)
	os.WriteFile(filepath.Join(pack, "notes.txt"), []byte("x"), 0o644)
	code, stdout, stderr := runArgs(t, "audit", "verify", pack)
	if want := "flowq: the pack " + pack + " does not verify: denies.csv changed, notes.txt added\n"; code != exitError || stderr != want ||
		!regexp.MustCompile(`^changed   denies.csv: SHA-256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}\nok        summary.json\nok        report.html\nok        manifest.json\nadded     notes.txt: the manifest does not list it\n$`).MatchString(stdout) {
		t.Errorf("a damaged pack: exit %d\nstdout %s\nstderr %q, want %q", code, stdout, stderr, want)
	}
}

func readManifest(t *testing.T, dir string) *audit.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, audit.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	var m audit.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// TestAuditDeniesRefuses: an --out that holds anything is refused before
// anything runs (exit 2) and left as it was; a short redaction key too;
// no file in the window is exit 3, and leaves no pack.
func TestAuditDeniesRefuses(t *testing.T) {
	dir := sampleDir(t, "--records", "200", "--scenario", "icmp")
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "mine.txt"), []byte("mine"), 0o644)
	code, out, errOut := runArgs(t, "audit", "denies", "--local", dir, "--from", "2026-01-05", "--to", "2026-01-06", "--out", full)
	if want := "flowq: --out " + full + " is not empty (it holds mine.txt): the pack goes into a new or empty folder, never among other files\nRun 'flowq --help' for usage.\n"; code != exitUsage || out != "" || errOut != want {
		t.Errorf("a full --out: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if entries, _ := os.ReadDir(full); len(entries) != 1 {
		t.Errorf("--out was touched: %v", entries)
	}
	key := filepath.Join(t.TempDir(), "key")
	os.WriteFile(key, []byte("short"), 0o600)
	pack := filepath.Join(t.TempDir(), "pack")
	code, _, errOut = runArgs(t, "audit", "denies", "--local", dir, "--from", "2026-01-05", "--to", "2026-01-06", "--out", pack, "--redact", key)
	if code != exitUsage || !strings.HasPrefix(errOut, "flowq: --redact: redaction key "+key+": 5 bytes, want at least 16") {
		t.Errorf("a short key: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = runArgs(t, "audit", "denies", "--local", dir, "--from", "2025-01-05", "--to", "2025-01-06", "--out", pack)
	if code != exitNoData || !strings.HasPrefix(errOut, "flowq: no file can hold records of 2025-01-05T00:00:00Z to 2025-01-06T00:00:00Z") {
		t.Errorf("no data: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(pack); !os.IsNotExist(err) {
		t.Errorf("%s was made", pack)
	}
}

// TestAuditDeniesRedact: --redact KEYFILE, as a user runs it: the pack
// says it is redacted, and its top destination is a keyed hash.
func TestAuditDeniesRedact(t *testing.T) {
	dir := sampleDir(t, "--records", "500", "--scenario", "port-scan")
	key := filepath.Join(t.TempDir(), "key")
	os.WriteFile(key, []byte("0123456789abcdef0123456789abcdef\n"), 0o600)
	pack := filepath.Join(t.TempDir(), "pack")
	f, out, errOut := testFactory(t)
	f.Now = func() time.Time { return time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC) }
	opts := &AuditDeniesOptions{Factory: f, Context: context.Background(), Out: pack, Engine: localEngine(dir),
		Window: windowFlags{Since: "1d"}, Redact: key, BuildInfo: auditBuildInfo}
	if err := auditDeniesRun(opts); err != nil {
		t.Fatal(err)
	}
	if want := auditPackLines(pack, "2026-01-05T00:00:00Z to 2026-01-06T00:00:00Z", ", addresses redacted"); out.String() != pack+"\n" || !want.MatchString(withoutElapsed(errOut.String())) {
		t.Errorf("stdout %q\nstderr:\n%s", out, errOut)
	}
	m := readManifest(t, pack)
	b, _ := os.ReadFile(filepath.Join(pack, audit.SummaryFile))
	var s audit.Summary
	json.Unmarshal(b, &s)
	if m.Redaction == nil || !s.Redacted || len(s.TopDestinations) == 0 || !strings.HasPrefix(s.TopDestinations[0].Address, audit.RedactedPrefix) {
		t.Errorf("redaction %+v, summary %+v", m.Redaction, s.TopDestinations)
	}
}

// TestAuditDeniesAthena: a pack over the Athena fake holds the same
// denies.csv as the local engine's over the same files, and its manifest
// has each query's QueryExecutionId, in the order Athena started them, and
// what they scanned.
func TestAuditDeniesAthena(t *testing.T) {
	c := newAthenaCloud(t, "--days", "2", "--records", "3000")
	local := filepath.Join(t.TempDir(), "local")
	if code, _, errOut := runArgs(t, "audit", "denies", "--local", c.dir, "--from", "2026-01-05", "--to", "2026-01-07", "--out", local); code != 0 {
		t.Fatalf("local: exit %d: %s", code, errOut)
	}
	f, out, errOut := c.factory(t)
	pack := filepath.Join(t.TempDir(), "athena")
	code := run(context.Background(), []string{"audit", "denies", "--athena", "--from", "2026-01-05", "--to", "2026-01-07", "--out", pack}, f)
	if want := auditPackLines(pack, "2026-01-05T00:00:00Z to 2026-01-07T00:00:00Z", ""); code != 0 || out.String() != pack+"\n" ||
		!want.MatchString(withoutElapsed(errOut.String())) || !strings.Contains(errOut.String(), "Athena ran 9 queries") {
		t.Fatalf("exit %d\nstdout %q\nstderr:\n%s", code, out, errOut)
	}
	m := readManifest(t, pack)
	var started []string
	for _, s := range c.srv.Athena.Starts() {
		started = append(started, s.ExecutionID)
	}
	var ids []string
	for _, q := range m.Queries {
		ids = append(ids, q.ExecutionID)
		if q.Engine != "athena" || q.ScannedBytes <= 0 || q.Workgroup != "primary" || q.SQLSHA256 == "" {
			t.Errorf("run %+v", q)
		}
	}
	if len(ids) != 9 || !slices.Equal(ids, started) || !slices.Equal(m.ExecutionIDs, started) || m.ScannedBytes <= 0 || m.EstimatedCostUSD <= 0 ||
		m.Engine.Name != "athena" || m.Engine.Workgroup != "primary" || len(m.Inputs) != 0 {
		t.Errorf("manifest: execution IDs %v, Athena started %v; scanned %d, engine %+v, %d inputs", ids, started, m.ScannedBytes, m.Engine, len(m.Inputs))
	}
	a, _ := os.ReadFile(filepath.Join(pack, audit.DeniesFile))
	l, _ := os.ReadFile(filepath.Join(local, audit.DeniesFile))
	if len(a) < 1000 || !bytes.Equal(a, l) {
		t.Errorf("denies.csv from Athena (%d bytes) is not the local engine's (%d bytes)", len(a), len(l))
	}
	as, _ := os.ReadFile(filepath.Join(pack, audit.SummaryFile))
	ls, _ := os.ReadFile(filepath.Join(local, audit.SummaryFile))
	if !bytes.Equal(as, ls) {
		t.Errorf("summary.json from Athena is not the local engine's:\n%s\n%s", as, ls)
	}
	if code, _, errOut := runArgs(t, "audit", "verify", pack); code != 0 {
		t.Errorf("verify: exit %d: %s", code, errOut)
	}
}

// BenchmarkAudit30Days: flowq audit denies of 30 days of 20M records (8,640
// files, 30 days of AWS's default layout) on the local engine, as a user
// runs it: the whole audit's time and the process's peak RSS, with files
// never read before (cold: every file checked as the first query reads it)
// and read before (warm).
//
//	FLOWQ_BENCH_DATA=/tmp/flowq-bench go test ./cmd/flowq -run '^$' -bench Audit30Days -benchtime 1x -timeout 60m
func BenchmarkAudit30Days(b *testing.B) {
	dir, truth := benchData(b, "30d-20m", sample.Options{Days: 30, Seed: 4, Records: 20_000_000})
	bin := flowqBinary(b)
	out := filepath.Join(b.TempDir(), "pack")
	argv := []string{bin, "audit", "denies", "--local", dir, "--from", truth.Start.Format(time.RFC3339), "--to", truth.End.Format(time.RFC3339), "--out", out}
	check := func(b *testing.B) {
		f, err := os.ReadFile(filepath.Join(out, audit.SummaryFile))
		if err != nil {
			b.Fatal(err)
		}
		var s audit.Summary
		if err := json.Unmarshal(f, &s); err != nil {
			b.Fatal(err)
		}
		if s.Denies != truth.ByAction["REJECT"] {
			b.Fatalf("%d denies, truth %d", s.Denies, truth.ByAction["REJECT"])
		}
		b.ReportMetric(float64(s.Denies), "denies")
	}
	b.Run("cold", func(b *testing.B) {
		runTimed(b, func() []string {
			os.RemoveAll(out)
			return cacheHome(b.TempDir())()
		}, argv...)
		check(b)
	})
	warm := b.TempDir()
	b.Run("warm", func(b *testing.B) {
		runTimed(b, func() []string {
			os.RemoveAll(out)
			return cacheHome(warm)()
		}, argv...)
		check(b)
	})
}
