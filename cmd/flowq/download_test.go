package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/internal/awsfake"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
)

func TestNewCmdDownload(t *testing.T) {
	testArgv(t, newCmdDownload, []argv[DownloadOptions]{
		{args: []string{"--location", "s3://bkt/vpc", "--since", "2h", "--accounts", "111122223333,444455556666", "--regions", "us-east-1",
			"--regions", "eu-west-1", "--flow-log-id", "fl-0abc", "--dest", "d", "--dry-run", "--parallel", "3", "--profile", "prod", "--region", "eu-west-1"},
			want: DownloadOptions{Location: "s3://bkt/vpc", Window: windowFlags{Since: "2h"}, Accounts: []string{"111122223333", "444455556666"},
				Regions: []string{"us-east-1", "eu-west-1"}, FlowLogID: "fl-0abc", Dest: "d", DryRun: true, Parallel: 3, AWS: awsFlags{Profile: "prod", Region: "eu-west-1"}}},
		{args: []string{"--location", "s3://bkt/", "--from", "2026-01-05", "--to", "2026-01-06", "--dest", "d"},
			want: DownloadOptions{Location: "s3://bkt/", Window: windowFlags{From: "2026-01-05", To: "2026-01-06"}, Dest: "d", Parallel: 8}},
		// The location may come from the flow log.
		{args: []string{"--flow-log-id", "fl-0abc", "--since", "1d", "--dest", "d"},
			want: DownloadOptions{FlowLogID: "fl-0abc", Window: windowFlags{Since: "1d"}, Dest: "d", Parallel: 8}},
		{args: []string{"--since", "2h", "--dest", "d"}, wantErr: "--location is required (or --flow-log-id, to read it from the flow log)"},
		{args: []string{"--location", "my-flow-logs", "--since", "2h", "--dest", "d"}, wantErr: `--location: location "my-flow-logs": want s3://bucket/ or s3://bucket/prefix/`},
		{args: []string{"--location", "s3://bkt/AWSLogs/", "--since", "2h", "--dest", "d"},
			wantErr: `--location: location "s3://bkt/AWSLogs/": give the folder that holds AWSLogs/ (s3://bkt/), not a folder inside it`},
		{args: []string{"--location", "s3://bkt/", "--dest", "d"}, wantErr: "a time window is required: --from and --to, or --since"},
		{args: []string{"--location", "s3://bkt/", "--from", "2026-01-05", "--dest", "d"}, wantErr: "--from needs --to (or use --since)"},
		{args: []string{"--location", "s3://bkt/", "--since", "2h"}, wantErr: "--dest is required: the folder to download into"},
		{args: []string{"--location", "s3://bkt/", "--since", "2h", "--dest", "d", "--accounts", "1111"}, wantErr: `--accounts: account "1111": want 12 digits`},
		{args: []string{"--location", "s3://bkt/", "--since", "2h", "--dest", "d", "--regions", "us-east"},
			wantErr: `--regions: region "us-east": want a region code like us-east-1, us-gov-west-1 or eusc-de-east-1`},
		{args: []string{"--location", "s3://bkt/", "--since", "2h", "--dest", "d", "--region", "Ireland"}, wantErr: `--region: region "Ireland": want`},
		{args: []string{"--location", "s3://bkt/", "--since", "2h", "--dest", "d", "--flow-log-id", "0abc"},
			wantErr: `--flow-log-id: flow log ID "0abc": want fl- and letters and digits`},
		{args: []string{"--location", "s3://bkt/", "--since", "2h", "--dest", "d", "--parallel", "0"}, wantErr: "--parallel 0: want 1 to 64"},
		{args: []string{"extra"}, wantErr: `unknown command "extra" for "download"`},
	})
}

// s3Sample uploads a day and a bit of sample flow logs below vpc/ of the
// fake's bucket flow-logs (default layout, daily folders) and returns the
// folder it was generated in.
func s3Sample(t *testing.T, srv *awsfake.Server, args ...string) string {
	t.Helper()
	dir := sampleDir(t, append([]string{"--records", "600", "--days", "2", "--scenario", "icmp", "--prefix", "vpc/"}, args...)...)
	srv.S3.Upload("flow-logs", "", dir)
	return dir
}

// inWindow are the sample's keys whose file time the window selects,
// sorted, and their size in all.
func inWindow(t *testing.T, dir string, w partitions.Window) ([]string, int64) {
	t.Helper()
	var keys []string
	var size int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		rel, _ := filepath.Rel(dir, p)
		if o, perr := partitions.ParseKey(filepath.ToSlash(rel)); err == nil && perr == nil && w.SelectsFile(o.Time) {
			info, _ := d.Info()
			keys, size = append(keys, filepath.ToSlash(rel)), size+info.Size()
		}
		return err
	})
	if len(keys) == 0 {
		t.Fatal("no sample file in the window")
	}
	return keys, size
}

// fakeAWS makes the factory's AWS configuration the fake's.
func fakeAWS(f *Factory, cfg aws.Config) {
	f.AWS = func(context.Context, string, string) (aws.Config, error) { return cfg, nil }
}

// TestDownloadRun: piped, the summary alone on stderr and nothing on stdout;
// on a terminal, the progress bar before it; a key that is not a log is
// named; a second run skips every file; a dry run prints the prefixes it
// listed on stdout and what it would fetch on stderr.
func TestDownloadRun(t *testing.T) {
	srv := awsfake.New(t)
	dir := s3Sample(t, srv)
	day := "vpc/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/05/"
	srv.S3.Put("flow-logs", day+"README.txt", []byte("not a log"))
	win := windowFlags{From: "2026-01-05T23:00", To: "2026-01-05T23:10"}
	keys, size := inWindow(t, dir, partitions.Window{From: time.Date(2026, 1, 5, 23, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 5, 23, 10, 0, 0, time.UTC)})
	if len(keys) != 6 {
		t.Fatalf("%d keys in the window, want 6 (22:55 to 23:20)", len(keys))
	}
	ignored := "ignored s3://flow-logs/" + day + "README.txt: file name \"README.txt\": want {account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz or .log.parquet\n"
	dest := filepath.Join(t.TempDir(), "flows")
	options := func(f *Factory) *DownloadOptions {
		fakeAWS(f, srv.Config())
		return &DownloadOptions{Factory: f, Context: context.Background(), Location: "s3://flow-logs/vpc/", Window: win, Dest: dest, Parallel: 1}
	}

	// Piped.
	f, out, errOut := testFactory(t)
	if err := downloadRun(options(f)); err != nil {
		t.Fatal(err)
	}
	want := ignored + "fetched 6 file(s) (" + byteSize(size) + "), skipped 0 already present (0 B), into " + dest + " in 0s\n"
	if out.Len() != 0 || errOut.String() != want {
		t.Errorf("piped: stdout %q\nstderr %q\nwant   %q", out, errOut, want)
	}
	for _, k := range keys {
		src, _ := os.ReadFile(filepath.Join(dir, k))
		if got, err := os.ReadFile(filepath.Join(dest, strings.TrimPrefix(k, "vpc/"))); err != nil || !bytes.Equal(got, src) {
			t.Errorf("%s: not downloaded as uploaded (%v)", k, err)
		}
	}

	// Again, on a terminal: nothing to fetch, so no bar.
	f, out, errOut = testFactory(t)
	f.IO.SetStderrTTY(true)
	srv.S3.Reset()
	if err := downloadRun(options(f)); err != nil {
		t.Fatal(err)
	}
	want = ignored + "fetched 0 file(s) (0 B), skipped 6 already present (" + byteSize(size) + "), into " + dest + " in 0s\n"
	if out.Len() != 0 || errOut.String() != want || srv.S3.Count("GetObject") != 0 {
		t.Errorf("again: stdout %q\nstderr %q\nwant   %q; %d GetObject", out, errOut, want, srv.S3.Count("GetObject"))
	}

	// A dry run after the first file was lost.
	os.Remove(filepath.Join(dest, strings.TrimPrefix(keys[0], "vpc/")))
	first, _ := os.Stat(filepath.Join(dir, keys[0]))
	f, out, errOut = testFactory(t)
	opts := options(f)
	opts.DryRun = true
	srv.S3.Reset()
	if err := downloadRun(opts); err != nil {
		t.Fatal(err)
	}
	wantOut := "s3://flow-logs/vpc/AWSLogs/\ns3://flow-logs/vpc/AWSLogs/111122223333/vpcflowlogs/\ns3://flow-logs/" + day + "\n"
	want = ignored + "dry run: 3 prefix(es) listed; would fetch 1 file(s) (" + byteSize(first.Size()) + "); 5 already present (" + byteSize(size-first.Size()) + ")\n"
	if out.String() != wantOut || errOut.String() != want || srv.S3.Count("GetObject") != 0 {
		t.Errorf("dry run: stdout %q\nwant   %q\nstderr %q\nwant   %q", out, wantOut, errOut, want)
	}

	// On a terminal, with a clock that ticks a second at each look, into a
	// new folder: the bar after each file, with the rate, then the summary.
	f, out, errOut = testFactory(t)
	f.IO.SetStderrTTY(true)
	tick := testNow
	f.Now = func() time.Time { tick = tick.Add(time.Second); return tick }
	opts = options(f)
	opts.Dest = t.TempDir()
	if err := downloadRun(opts); err != nil {
		t.Fatal(err)
	}
	// Clock: 1 the window, 2 the start, 3 the bar's first line, 4-9 each file, 10 the summary.
	want = ignored + "\r\x1b[K[....................] 0/6 files, 0 B of " + byteSize(size) + ", 0 B/s"
	var done int64
	for i, k := range keys {
		st, _ := os.Stat(filepath.Join(dir, k))
		done += st.Size()
		want += "\r\x1b[K[" + strings.Repeat("#", 20*(i+1)/6) + strings.Repeat(".", 20-20*(i+1)/6) + "] " + strconv.Itoa(i+1) + "/6 files, " +
			byteSize(done) + " of " + byteSize(size) + ", " + byteSize(done/int64(i+2)) + "/s"
	}
	want += "\r\x1b[Kfetched 6 file(s) (" + byteSize(size) + "), skipped 0 already present (0 B), into " + opts.Dest + " in 8s\n"
	if out.Len() != 0 || errOut.String() != want {
		t.Errorf("terminal: stdout %q\nstderr %q\nwant   %q", out, errOut, want)
	}
}

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 6649: "6.6 kB", 999_949: "999.9 kB", 999_950: "1.0 MB", 1_234_567_890: "1.2 GB"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %s, want %s", n, got, want)
		}
	}
}

// TestDownloadFailures: a damaged object is named and not kept, the others
// are downloaded and the exit code is 1; a window with no file is exit 3.
func TestDownloadFailures(t *testing.T) {
	srv := awsfake.New(t)
	dir := s3Sample(t, srv)
	keys, _ := inWindow(t, dir, partitions.Window{From: time.Date(2026, 1, 5, 23, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 5, 23, 10, 0, 0, time.UTC)})
	body, _ := os.ReadFile(filepath.Join(dir, keys[2]))
	srv.S3.Put("flow-logs", keys[2], body[:len(body)-8]) // no trailer
	f, out, errOut := testFactory(t)
	fakeAWS(f, srv.Config())
	dest := t.TempDir()
	code := run(context.Background(), []string{"download", "--location", "s3://flow-logs/vpc/", "--from", "2026-01-05T23:00", "--to", "2026-01-05T23:10", "--dest", dest}, f)
	var rest int64
	for i, k := range keys {
		if st, _ := os.Stat(filepath.Join(dir, k)); i != 2 {
			rest += st.Size()
		}
	}
	want := "fetched 5 file(s) (" + byteSize(rest) + "), skipped 0 already present (0 B), 1 not kept, into " + dest + " in 0s\n" +
		"flowq: 1 file(s) not downloaded:\n  s3://flow-logs/" + keys[2] + ": damaged, not kept: gzip: the stream ends before its trailer\n"
	if code != exitError || out.Len() != 0 || errOut.String() != want {
		t.Errorf("damaged: exit %d, stdout %q\nstderr %q\nwant   %q", code, out, errOut, want)
	}
	if _, err := os.Stat(filepath.Join(dest, strings.TrimPrefix(keys[2], "vpc/"))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the damaged file was kept: %v", err)
	}

	f, out, errOut = testFactory(t)
	fakeAWS(f, srv.Config())
	code = run(context.Background(), []string{"download", "--location", "s3://flow-logs/vpc/", "--from", "2026-02-01", "--to", "2026-02-02", "--dest", dest}, f)
	want = "flowq: no flow-log files can hold records of 2026-02-01T00:00:00Z to 2026-02-02T00:00:00Z under s3://flow-logs/vpc/AWSLogs/ (5 prefix(es) listed)\n"
	if code != exitNoData || out.Len() != 0 || errOut.String() != want {
		t.Errorf("no data: exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
}

// TestDownloadFlowLog: with --flow-log-id and no --location, the location
// comes from the flow log (EC2), the region is the client's, and only that
// flow log's files are fetched, though another delivers into the same
// folders.
func TestDownloadFlowLog(t *testing.T) {
	srv := awsfake.New(t)
	dir := s3Sample(t, srv)
	other := s3Sample(t, srv, "--seed", "2")
	id := flowLogOf(t, dir)
	if id == flowLogOf(t, other) {
		t.Fatal("both samples have one flow log")
	}
	ec2 := awsfake.NewEC2(t, awsfake.FlowLog{ID: id, DestinationType: "s3", Destination: "arn:aws:s3:::flow-logs/vpc", FileFormat: "plain-text"})
	// One endpoint for both fakes, as AWS_ENDPOINT_URL is, by the service
	// each request is signed for.
	both := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "/ec2/aws4_request") {
			ec2.ServeHTTP(w, r)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	defer both.Close()
	cfg := srv.Config()
	cfg.BaseEndpoint, cfg.HTTPClient, cfg.Region = aws.String(both.URL), both.Client(), "us-east-1"

	f, out, errOut := testFactory(t)
	fakeAWS(f, cfg)
	dest := t.TempDir()
	code := run(context.Background(), []string{"download", "--flow-log-id", id, "--from", "2026-01-05T23:00", "--to", "2026-01-05T23:10", "--dest", dest}, f)
	keys, size := inWindow(t, dir, partitions.Window{From: time.Date(2026, 1, 5, 23, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 5, 23, 10, 0, 0, time.UTC)})
	want := "flow log " + id + " delivers to s3://flow-logs/vpc/\nfetched 6 file(s) (" + byteSize(size) + "), skipped 0 already present (0 B), into " + dest + " in 0s\n"
	if code != 0 || out.Len() != 0 || errOut.String() != want || len(ec2.Calls) != 1 {
		t.Fatalf("exit %d, stdout %q\nstderr %q\nwant   %q; EC2 calls %v", code, out, errOut, want, ec2.Calls)
	}
	var got []string
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != athenadb.DownloadJournal {
			rel, _ := filepath.Rel(dest, p)
			got = append(got, "vpc/"+filepath.ToSlash(rel))
		}
		return err
	})
	if !slices.Equal(got, keys) {
		t.Errorf("fetched %q\nwant %q", got, keys)
	}
	// The region came from the client: no region folder was listed for it.
	for _, c := range srv.S3.Calls() {
		if c.Op == "ListObjectsV2" && strings.HasSuffix(c.Key, "/vpcflowlogs/") {
			t.Errorf("listed the regions: %s", c.Key)
		}
	}
}

// flowLogOf is the flow log of a sample's files.
func flowLogOf(t *testing.T, dir string) string {
	keys, _ := inWindow(t, dir, partitions.Window{From: time.Date(2026, 1, 5, 23, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 5, 23, 10, 0, 0, time.UTC)})
	o, _ := partitions.ParseKey(keys[0])
	return o.FlowLogID
}

// TestDownloadStandardChain: the command as a user runs it, with the
// standard AWS configuration chain reading the endpoint, credentials and
// region from the environment (no flag), in the hourly Hive layout; the
// local engine then reads the download as it is and finds every record of
// the files fetched.
func TestDownloadStandardChain(t *testing.T) {
	srv := awsfake.New(t)
	dir := s3Sample(t, srv, "--layout", "hive", "--per-hour", "--records", "6000")
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	f, out, errOut := testFactory(t)
	f.AWS = loadAWS
	dest := t.TempDir()
	code := run(context.Background(), []string{"download", "--location", "s3://flow-logs/vpc/", "--from", "2026-01-05T22:00", "--to", "2026-01-06T02:00", "--dest", dest}, f)
	keys, size := inWindow(t, dir, partitions.Window{From: time.Date(2026, 1, 5, 22, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC)})
	want := "fetched " + strconv.Itoa(len(keys)) + " file(s) (" + byteSize(size) + "), skipped 0 already present (0 B), into " + dest + " in 0s\n"
	if code != 0 || out.Len() != 0 || errOut.String() != want {
		t.Fatalf("exit %d, stdout %q\nstderr %q\nwant   %q", code, out, errOut, want)
	}
	records := 0
	for _, k := range keys {
		records += countRecords(t, filepath.Join(dir, k))
	}
	db, err := localdb.Open(context.Background(), []string{dest}, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.RunSQL(context.Background(), "SELECT count(*) AS n, count(DISTINCT hour) AS hours FROM flow_logs")
	if err != nil {
		t.Fatal(err)
	}
	if len(db.Files()) != len(keys) || len(res.Rows) != 1 || res.Rows[0][0] != int64(records) || res.Rows[0][1] != int64(6) {
		t.Errorf("local engine: %d files, %v; want %d files, %d records in 6 hours (21 to 02)", len(db.Files()), res.Rows, len(keys), records)
	}
}

// countRecords counts the lines of a .log.gz after its header.
func countRecords(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	n := -1
	for sc := bufio.NewScanner(zr); sc.Scan(); {
		n++
	}
	return n
}
