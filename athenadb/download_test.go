package athenadb_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/internal/awsfake"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/sample"
)

// The bucket and prefix the download tests upload to.
const (
	testBucket = "flow-logs"
	testPrefix = "vpc/"
	location   = "s3://" + testBucket + "/" + testPrefix
)

// testWindow crosses midnight, so that it needs two day folders and, with
// the slack, the hour folders 22 to 01.
var testWindow = partitions.Window{From: time.Date(2026, 1, 5, 23, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 6, 1, 30, 0, 0, time.UTC)}

// upload writes sample flow logs for each option (two days, a file every 5
// minutes, a flow log a seed) below testPrefix in one folder, uploads the
// folder to testBucket as it is (truth.json at the bucket's root), and
// returns the folder and the keys.
func upload(t *testing.T, srv *awsfake.Server, opts ...sample.Options) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	for _, o := range opts {
		o.Root, o.Days, o.Records, o.Scenarios = testPrefix, 2, 600, []string{"icmp"}
		if _, err := sample.Generate(context.Background(), dir, o); err != nil {
			t.Fatal(err)
		}
	}
	return dir, srv.S3.Upload(testBucket, "", dir)
}

// selected are the keys a download must fetch, worked out from the keys
// alone: flow-log files below testPrefix whose time the window selects, of
// the flow log if one is named.
func selected(t *testing.T, keys []string, w partitions.Window, flowLogID string) []string {
	var out []string
	for _, k := range keys {
		o, err := partitions.ParseKey(k)
		if err != nil || o.Root != testPrefix || !w.SelectsFile(o.Time) || flowLogID != "" && o.FlowLogID != flowLogID {
			continue
		}
		out = append(out, k)
	}
	slices.Sort(out)
	if len(out) == 0 {
		t.Fatal("no key in the window: the test would prove nothing")
	}
	return out
}

func keysOf(files []athenadb.DownloadFile) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Key)
	}
	return out
}

func plan(t *testing.T, client *athenadb.S3, opts athenadb.DownloadOptions) *athenadb.DownloadPlan {
	t.Helper()
	p, err := client.PlanDownload(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sameFiles checks that dest holds exactly the files of keys (and the
// journal), each byte for byte the file uploaded from dir.
func sameFiles(t *testing.T, dir, dest string, keys []string) {
	t.Helper()
	var got []string
	filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dest, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return err
	})
	want := []string{athenadb.DownloadJournal}
	for _, k := range keys {
		want = append(want, strings.TrimPrefix(k, testPrefix))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("dest holds %d files, want %d:\n got %q\nwant %q", len(got), len(want), got, want)
	}
	for _, k := range keys {
		src, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(k)))
		if b, _ := os.ReadFile(filepath.Join(dest, filepath.FromSlash(strings.TrimPrefix(k, testPrefix)))); !bytes.Equal(b, src) {
			t.Errorf("%s: %d bytes differ from the %d uploaded", k, len(b), len(src))
		}
	}
}

// checkListings checks that every listing was of a folder below the
// prefix's AWSLogs/ with the delimiter: never the bucket, never every key.
func checkListings(t *testing.T, srv *awsfake.Server) {
	t.Helper()
	for _, c := range srv.S3.Calls() {
		if c.Op == "ListObjectsV2" && (c.Delimiter != "/" || !strings.HasPrefix(c.Key, testPrefix+partitions.LogsFolder)) {
			t.Errorf("listed %q with delimiter %q", c.Key, c.Delimiter)
		}
	}
}

// listed are the prefixes the fake was asked to list, sorted.
func listed(srv *awsfake.Server) []string {
	var out []string
	for _, c := range srv.S3.Calls() {
		if c.Op == "ListObjectsV2" {
			out = append(out, c.Key)
		}
	}
	slices.Sort(out)
	return out
}

// TestDownloadLayouts: in each layout, a download fetches exactly the files
// the window selects, byte for byte, in the bucket's folders; it lists only
// AWSLogs/, the service folder and the window's day and hour folders; a
// second run fetches nothing.
func TestDownloadLayouts(t *testing.T) {
	for _, layout := range partitions.Layouts() {
		t.Run(layout.String(), func(t *testing.T) {
			srv := awsfake.New(t)
			dir, keys := upload(t, srv, sample.Options{Seed: 1, Layout: layout})
			want := selected(t, keys, testWindow, "")
			client := athenadb.NewS3(srv.Config())
			dest := t.TempDir()
			opts := athenadb.DownloadOptions{Location: location, Window: testWindow, Dest: dest}
			p := plan(t, client, opts)
			if got := keysOf(p.Files); !slices.Equal(got, want) || len(p.Present) != 0 || len(p.Ignored) != 0 || len(p.Warnings) != 0 {
				t.Fatalf("plan: %d files, %d present, ignored %v, warnings %v; want the %d keys of the window", len(got), len(p.Present), p.Ignored, p.Warnings, len(want))
			}
			// What was listed, from the layout's own folders: the days, and
			// the hours in them when the folders are hourly.
			daily := partitions.Layout{Hive: layout.Hive}
			acct, region := "111122223333", "us-east-1"
			service := strings.TrimSuffix(daily.Folder(testPrefix, acct, region, testWindow.From), "2026/01/05/")
			service = strings.TrimSuffix(service, "year=2026/month=01/day=05/")
			service = service[:strings.LastIndex(strings.TrimSuffix(service, "/"), "/")+1]
			wantListed := append([]string{testPrefix + "AWSLogs/", service}, daily.Prefixes(testPrefix, []string{acct}, []string{region}, testWindow)...)
			if layout.PerHour {
				wantListed = append(wantListed, layout.Prefixes(testPrefix, []string{acct}, []string{region}, testWindow)...)
			}
			slices.Sort(wantListed)
			if !slices.Equal(p.Listed, wantListed) || !slices.Equal(listed(srv), wantListed) {
				t.Errorf("listed %q\n(fake %q)\nwant %q", p.Listed, listed(srv), wantListed)
			}
			if p.FetchBytes() == 0 {
				t.Error("no bytes to fetch")
			}

			res, err := client.Download(context.Background(), p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Fetched != len(want) || res.FetchedBytes != p.FetchBytes() || res.Skipped != 0 || srv.S3.Count("GetObject") != len(want) {
				t.Errorf("result %+v, %d GetObject; want %d files, %d bytes", res, srv.S3.Count("GetObject"), len(want), p.FetchBytes())
			}
			sameFiles(t, dir, dest, want)
			checkListings(t, srv)

			srv.S3.Reset()
			again := plan(t, client, opts)
			res, err = client.Download(context.Background(), again, nil)
			if err != nil || len(again.Files) != 0 || len(again.Present) != len(want) || res.Fetched != 0 ||
				res.Skipped != len(want) || res.SkippedBytes != p.FetchBytes() || srv.S3.Count("GetObject") != 0 {
				t.Errorf("second run: %v, plan %d to fetch %d present, result %+v, %d GetObject; want all %d present",
					err, len(again.Files), len(again.Present), res, srv.S3.Count("GetObject"), len(want))
			}
		})
	}
}

// TestDownloadMixed: one prefix where six flow logs deliver in all four
// layouts: daily files and hour folders side by side in one day folder, more
// than a page of keys in one listing, both kinds of prefixes. The download
// fetches exactly the window's files of all of them, or of the one flow log
// asked for; it reports a stray key and a stray folder, and skips a folder
// marker.
func TestDownloadMixed(t *testing.T) {
	srv := awsfake.New(t)
	var opts []sample.Options
	for seed, l := range []partitions.Layout{{}, {PerHour: true}, {Hive: true}, {Hive: true, PerHour: true}, {}, {}, {}} {
		opts = append(opts, sample.Options{Seed: uint64(seed + 1), Layout: l})
	}
	dir, keys := upload(t, srv, opts...)
	day := testPrefix + "AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/06/"
	srv.S3.Put(testBucket, day+"README.txt", []byte("not a log"))
	srv.S3.Put(testBucket, day+"tmp/x.log.gz", []byte("not in an hour folder"))
	srv.S3.Put(testBucket, day, nil) // a folder marker

	client := athenadb.NewS3(srv.Config())
	dest := t.TempDir()
	p := plan(t, client, athenadb.DownloadOptions{Location: location, Window: testWindow, Dest: dest, Parallel: 3})
	want := selected(t, keys, testWindow, "")
	ignored := []athenadb.IgnoredKey{
		{Key: day + "README.txt", Reason: `file name "README.txt": want {account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log.gz or .log.parquet`},
		{Key: day + "tmp/", Reason: "not an hour folder of " + day},
	}
	if got := keysOf(p.Files); !slices.Equal(got, want) || !slices.Equal(p.Ignored, ignored) {
		t.Fatalf("plan: %d files, ignored %q; want %d, %q", len(got), p.Ignored, len(want), ignored)
	}
	// Four daily flow logs deliver 4×288 keys into the day folder: two pages.
	pages := 0
	for _, k := range listed(srv) {
		if k == day {
			pages++
		}
	}
	if pages != 2 {
		t.Errorf("the day folder was listed %d times, want 2 pages", pages)
	}
	if _, err := client.Download(context.Background(), p, nil); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, dir, dest, want)
	checkListings(t, srv)

	// One flow log: the hourly one whose hour folders sit among the daily
	// ones' files.
	var hourly string
	for _, k := range keys {
		if o, err := partitions.ParseKey(k); err == nil && o.Layout == (partitions.Layout{PerHour: true}) {
			hourly = o.FlowLogID
		}
	}
	one := plan(t, client, athenadb.DownloadOptions{Location: location, Window: testWindow, FlowLogID: hourly, Dest: t.TempDir()})
	if got, want := keysOf(one.Files), selected(t, keys, testWindow, hourly); !slices.Equal(got, want) {
		t.Errorf("--flow-log-id %s: %d files, want %d", hourly, len(got), len(want))
	}
}

// rehome moves a key to another account and region, in its folders and its
// name, as that account's flow log would have written it.
func rehome(key, account, region string) string {
	return strings.NewReplacer("111122223333", account, "us-east-1", region).Replace(key)
}

// TestDownloadScope: accounts and regions given are read without listing
// AWSLogs/ (accounts) or the service folders (regions); without them, every
// account and region found is read; an account given that has no folder is
// a warning.
func TestDownloadScope(t *testing.T) {
	srv := awsfake.New(t)
	dir, keys := upload(t, srv, sample.Options{Seed: 1}, sample.Options{Seed: 2, Layout: partitions.Layout{Hive: true, PerHour: true}})
	var all []string
	for _, k := range keys {
		all = append(all, k)
		for _, to := range [][2]string{{"444455556666", "us-east-1"}, {"111122223333", "eu-west-1"}} {
			if strings.HasPrefix(k, testPrefix) {
				moved := rehome(k, to[0], to[1])
				body, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(k)))
				srv.S3.Put(testBucket, moved, body)
				all = append(all, moved)
			}
		}
	}
	client := athenadb.NewS3(srv.Config())
	inScope := func(accounts, regions []string) []string {
		var out []string
		for _, k := range selected(t, all, testWindow, "") {
			o, _ := partitions.ParseKey(k)
			if (accounts == nil || slices.Contains(accounts, o.Account)) && (regions == nil || slices.Contains(regions, o.Region)) {
				out = append(out, k)
			}
		}
		return out
	}
	// Nothing under the location: a warning says where it looked.
	p := plan(t, client, athenadb.DownloadOptions{Location: "s3://flow-logs/elsewhere/", Window: testWindow, Dest: t.TempDir()})
	if want := []string{"no account folders under s3://flow-logs/elsewhere/AWSLogs/: is the location the folder the flow logs deliver to?"}; len(p.Files) != 0 || !slices.Equal(p.Warnings, want) {
		t.Errorf("elsewhere: %d files, warnings %q; want %q", len(p.Files), p.Warnings, want)
	}
	for _, tc := range []struct {
		accounts, regions []string
		warnings          []string
	}{
		{},
		{accounts: []string{"444455556666", "999999999999"}, warnings: []string{"account 999999999999: no region folders under s3://flow-logs/vpc/AWSLogs/"}},
		{regions: []string{"eu-west-1"}},
		{accounts: []string{"111122223333", "111122223333"}, regions: []string{"us-east-1", "eu-west-1"}},
	} {
		srv.S3.Reset()
		p := plan(t, client, athenadb.DownloadOptions{Location: location, Window: testWindow, Accounts: tc.accounts, Regions: tc.regions, Dest: t.TempDir()})
		accounts := slices.Compact(slices.Clone(tc.accounts))
		if got, want := keysOf(p.Files), inScope(accounts, tc.regions); !slices.Equal(got, want) || !slices.Equal(p.Warnings, tc.warnings) {
			t.Errorf("accounts %v regions %v: %d files, warnings %q; want %d, %q", tc.accounts, tc.regions, len(got), p.Warnings, len(want), tc.warnings)
		}
		for _, c := range listed(srv) {
			service := strings.HasSuffix(c, "/vpcflowlogs/") || strings.HasSuffix(c, "/aws-service=vpcflowlogs/")
			if tc.accounts != nil && c == testPrefix+"AWSLogs/" || tc.regions != nil && service {
				t.Errorf("accounts %v regions %v: listed %s", tc.accounts, tc.regions, c)
			}
		}
		checkListings(t, srv)
	}
}

// TestDownloadResume: a download cancelled after a few files leaves only
// whole files under their names and no partial file; the next run fetches
// only the rest.
func TestDownloadResume(t *testing.T) {
	srv := awsfake.New(t)
	dir, keys := upload(t, srv, sample.Options{Seed: 1, Layout: partitions.Layout{Hive: true}})
	want := selected(t, keys, testWindow, "")
	client := athenadb.NewS3(srv.Config())
	dest := t.TempDir()
	opts := athenadb.DownloadOptions{Location: location, Window: testWindow, Dest: dest, Parallel: 4}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := client.Download(ctx, plan(t, client, opts), func(p athenadb.DownloadProgress) {
		if p.Done == 5 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || res.Fetched < 5 || res.Fetched >= len(want) {
		t.Fatalf("cancelled: %v, %d fetched; want context.Canceled after 5 of %d", err, res.Fetched, len(want))
	}
	var kept []string
	filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != athenadb.DownloadJournal {
			rel, _ := filepath.Rel(dest, p)
			kept = append(kept, testPrefix+filepath.ToSlash(rel))
		}
		return err
	})
	slices.Sort(kept)
	if len(kept) != res.Fetched {
		t.Errorf("after the cancel, dest holds %q, want the %d files fetched", kept, res.Fetched)
	}
	sameFiles(t, dir, dest, kept) // whole, byte for byte, and nothing else

	srv.S3.Reset()
	p := plan(t, client, opts)
	res, err = client.Download(context.Background(), p, nil)
	left := slices.DeleteFunc(slices.Clone(want), func(k string) bool { return slices.Contains(kept, k) })
	if err != nil || !slices.Equal(keysOf(p.Present), kept) || !slices.Equal(keysOf(p.Files), left) || res.Fetched != len(left) {
		t.Fatalf("rerun: %v, %d present, %d to fetch, %+v; want the %d files left", err, len(p.Present), len(p.Files), res, len(left))
	}
	// The objects asked for: the ones left. (A GET the cancel cut may reach
	// the fake after Reset: it is for one of those too.)
	var got []string
	for _, c := range srv.S3.Calls() {
		if c.Op == "GetObject" && !slices.Contains(got, c.Key) {
			got = append(got, c.Key)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, left) {
		t.Errorf("rerun got %d objects, want the %d left", len(got), len(left))
	}
	sameFiles(t, dir, dest, want)
}

// TestDownloadFaults: throttled and failing listings and GETs are retried by
// the SDK; transfers cut short are started again, and one cut short every
// time fails alone, naming its key, without leaving a partial file; the
// next run fetches it.
func TestDownloadFaults(t *testing.T) {
	srv := awsfake.New(t)
	dir, keys := upload(t, srv, sample.Options{Seed: 1, Layout: partitions.Layout{PerHour: true}})
	want := selected(t, keys, testWindow, "")
	client := athenadb.NewS3(srv.Config())
	dest := t.TempDir()
	opts := athenadb.DownloadOptions{Location: location, Window: testWindow, Dest: dest, Parallel: 1} // one at a time: the faults hit known files

	srv.S3.Inject("ListObjectsV2", 1, awsfake.Throttle)
	srv.S3.Inject("ListObjectsV2", 1, awsfake.ServerError)
	p := plan(t, client, opts)
	if !slices.Equal(keysOf(p.Files), want) {
		t.Fatalf("plan after faults: %d files, want %d", len(p.Files), len(want))
	}
	// The first file: two 500s (the SDK retries). The second: dropped twice
	// (started again). The third: dropped on each of the three attempts.
	srv.S3.Inject("GetObject", 2, awsfake.ServerError)
	srv.S3.Reset()
	res, err := client.Download(context.Background(), p, func(p athenadb.DownloadProgress) {
		switch p.Done {
		case 1:
			srv.S3.Inject("GetObject", 2, awsfake.Drop)
		case 2:
			srv.S3.Inject("GetObject", 3, awsfake.Drop)
		}
	})
	var de *athenadb.DownloadError
	if !errors.As(err, &de) || len(de.Failed) != 1 || de.Failed[0].URL != "s3://"+testBucket+"/"+want[2] || de.Failed[0].Damaged {
		t.Fatalf("faults: %v; want the third file failed", err)
	}
	size := p.Files[2].Size
	wantErr := "1 file(s) not downloaded:\n  s3://" + testBucket + "/" + want[2] + ": transfer cut short after " +
		itoa(size/2) + " of " + itoa(size) + " bytes: unexpected EOF (3 attempts)"
	if err.Error() != wantErr {
		t.Errorf("error:\n%s\nwant\n%s", err, wantErr)
	}
	if res.Fetched != len(want)-1 || res.Retried != 4 || srv.S3.Count("GetObject") != len(want)+6 {
		t.Errorf("result %+v, %d GetObject", res, srv.S3.Count("GetObject"))
	}
	sameFiles(t, dir, dest, slices.Delete(slices.Clone(want), 2, 3))

	srv.S3.Reset()
	p = plan(t, client, opts)
	if _, err := client.Download(context.Background(), p, nil); err != nil || !slices.Equal(keysOf(p.Files), want[2:3]) || srv.S3.Count("GetObject") != 1 {
		t.Fatalf("rerun: %v, fetched %q", err, keysOf(p.Files))
	}
	sameFiles(t, dir, dest, want)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestDownloadDamaged: objects that arrive whole but are damaged (a gzip
// stream corrupted or cut short in the bucket, a Parquet file without its
// end) are reported by key and not kept; the others are downloaded, and a
// sound Parquet file is kept. A rerun tries the damaged ones again.
func TestDownloadDamaged(t *testing.T) {
	srv := awsfake.New(t)
	dir, keys := upload(t, srv, sample.Options{Seed: 1})
	want := selected(t, keys, testWindow, "")
	body, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(want[3])))
	corrupt := slices.Clone(body)
	corrupt[len(corrupt)-6] ^= 0xff // the trailer's CRC-32
	srv.S3.Put(testBucket, want[3], corrupt)
	srv.S3.Put(testBucket, want[5], body[:len(body)/2]) // stored cut short: whole as S3 has it
	parquet := func(minute int) string {
		return partitions.Object{Root: testPrefix, Account: "111122223333", Region: "us-east-1", FlowLogID: "fl-0parquet",
			Time: time.Date(2026, 1, 6, 0, minute, 0, 0, time.UTC), Hash: "abcd1234", Format: partitions.Parquet}.Key()
	}
	good := []byte("PAR1 row groups and a footer PAR1")
	srv.S3.Put(testBucket, parquet(5), good)
	srv.S3.Put(testBucket, parquet(10), []byte("PAR1 cut before its footer"))

	client := athenadb.NewS3(srv.Config())
	dest := t.TempDir()
	opts := athenadb.DownloadOptions{Location: location, Window: testWindow, Dest: dest}
	res, err := client.Download(context.Background(), plan(t, client, opts), nil)
	url := func(k string) string { return "s3://" + testBucket + "/" + k }
	wantErr := "3 file(s) not downloaded:\n" +
		"  " + url(want[3]) + ": damaged, not kept: gzip: the CRC-32 or size in the trailer does not match the content\n" +
		"  " + url(want[5]) + ": damaged, not kept: gzip: the stream ends before its trailer\n" +
		"  " + url(parquet(10)) + ": damaged, not kept: parquet: not a Parquet file: no PAR1 at its start and its end"
	if err == nil || err.Error() != wantErr {
		t.Fatalf("error:\n%v\nwant\n%s", err, wantErr)
	}
	if res.Fetched != len(want)-2+1 || res.Retried != 0 {
		t.Errorf("result %+v", res)
	}
	kept := append(slices.Delete(slices.Delete(slices.Clone(want), 5, 6), 3, 4), parquet(5))
	os.WriteFile(filepath.Join(dir, filepath.FromSlash(parquet(5))), good, 0o644) // the source sameFiles compares with
	sameFiles(t, dir, dest, kept)

	p := plan(t, client, opts)
	if got := keysOf(p.Files); !slices.Equal(got, []string{want[3], want[5], parquet(10)}) || len(p.Present) != len(kept) {
		t.Errorf("rerun plans %q, %d present", got, len(p.Present))
	}
}

// TestDownloadOpaqueETags: with ETags that are not the content's MD5 (SSE-KMS,
// multipart), files are recorded and skipped by the ETag S3 gives; an object
// replaced by another of the same size is fetched again.
func TestDownloadOpaqueETags(t *testing.T) {
	srv := awsfake.New(t)
	srv.S3.OpaqueETags()
	dir, keys := upload(t, srv, sample.Options{Seed: 1})
	want := selected(t, keys, testWindow, "")
	client := athenadb.NewS3(srv.Config())
	dest := t.TempDir()
	opts := athenadb.DownloadOptions{Location: location, Window: testWindow, Dest: dest}
	p := plan(t, client, opts)
	body, _ := os.ReadFile(filepath.Join(dir, filepath.FromSlash(want[0])))
	sum := md5.Sum(body)
	if p.Files[0].ETag == `"`+hex.EncodeToString(sum[:])+`"` || len(p.Files[0].ETag) != 34 {
		t.Fatalf("ETag %s: want one that is not the MD5", p.Files[0].ETag)
	}
	if _, err := client.Download(context.Background(), p, nil); err != nil {
		t.Fatal(err)
	}
	journal, _ := os.ReadFile(filepath.Join(dest, athenadb.DownloadJournal))
	if line := `{"path":"` + strings.TrimPrefix(want[0], testPrefix) + `","source":"s3://` + testBucket + "/" + want[0] + `","size":` + itoa(int64(len(body))) +
		`,"etag":"\"` + strings.Trim(p.Files[0].ETag, `"`) + `\""}` + "\n"; !strings.Contains(string(journal), line) {
		t.Errorf("journal %.300s…\nlacks %s", journal, line)
	}

	// Same size, other content: another gzip member of the same length.
	other := regzip(t, body)
	srv.S3.Put(testBucket, want[1], other)
	srv.S3.Reset()
	p = plan(t, client, opts)
	if _, err := client.Download(context.Background(), p, nil); err != nil || !slices.Equal(keysOf(p.Files), want[1:2]) || srv.S3.Count("GetObject") != 1 {
		t.Fatalf("after replacing %s: %v, fetched %q", want[1], err, keysOf(p.Files))
	}
	if b, _ := os.ReadFile(filepath.Join(dest, filepath.FromSlash(strings.TrimPrefix(want[1], testPrefix)))); !bytes.Equal(b, other) {
		t.Error("the replaced object was not fetched")
	}
}

// regzip returns a gzip stream as long as gz whose content differs: the same
// text compressed with another header time.
func regzip(t *testing.T, gz []byte) []byte {
	out := slices.Clone(gz)
	out[4] ^= 1 // MTIME: the header is not in the CRC-32, so the stream stays sound
	zr, err := gzip.NewReader(bytes.NewReader(out))
	if err == nil {
		_, err = zr.Read(make([]byte, 1))
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseS3Location(t *testing.T) {
	for _, tc := range []struct{ in, bucket, prefix, err string }{
		{in: "s3://b-1.x/", bucket: "b-1.x"},
		{in: "s3://bucket", bucket: "bucket"},
		{in: "s3://bucket/vpc/logs", bucket: "bucket", prefix: "vpc/logs/"},
		{in: "bucket/vpc/", err: `location "bucket/vpc/": want s3://bucket/ or s3://bucket/prefix/`},
		{in: "s3:///vpc/", err: `location "s3:///vpc/": want s3://bucket/ or s3://bucket/prefix/`},
		{in: "s3://My_Bucket/", err: `location "s3://My_Bucket/": "My_Bucket" is not an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens)`},
		{in: "s3://bucket//x", err: `location "s3://bucket//x": the prefix has an empty folder name`},
		{in: "s3://bucket/AWSLogs/", err: `location "s3://bucket/AWSLogs/": give the folder that holds AWSLogs/ (s3://bucket/), not a folder inside it`},
		{in: "s3://bucket/vpc/AWSLogs/111122223333/", err: `location "s3://bucket/vpc/AWSLogs/111122223333/": give the folder that holds AWSLogs/ (s3://bucket/vpc/), not a folder inside it`},
	} {
		b, p, err := athenadb.ParseS3Location(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: %v, want %s", tc.in, err, tc.err)
			}
		} else if err != nil || b != tc.bucket || p != tc.prefix {
			t.Errorf("%s: %q %q %v", tc.in, b, p, err)
		}
	}
}

// TestPlanDownloadOptions: options a download cannot start from are refused
// before anything is listed.
func TestPlanDownloadOptions(t *testing.T) {
	srv := awsfake.New(t)
	client := athenadb.NewS3(srv.Config())
	ok := athenadb.DownloadOptions{Location: location, Window: testWindow, Dest: "d"}
	for _, tc := range []struct {
		change func(*athenadb.DownloadOptions)
		err    string
	}{
		{func(o *athenadb.DownloadOptions) { o.Location = "vpc/" }, `plan download: location "vpc/": want s3://bucket/ or s3://bucket/prefix/`},
		{func(o *athenadb.DownloadOptions) { o.Window = partitions.Window{} }, "plan download: no time window: a download reads the folders of a window"},
		{func(o *athenadb.DownloadOptions) { o.Accounts = []string{"1234"} }, `plan download: account "1234": want 12 digits`},
		{func(o *athenadb.DownloadOptions) { o.Regions = []string{"mars"} }, `plan download: region "mars": want a region code like us-east-1, us-gov-west-1 or eusc-de-east-1`},
		{func(o *athenadb.DownloadOptions) { o.FlowLogID = "fl_1" }, `plan download: flow log ID "fl_1": want fl- and letters and digits`},
		{func(o *athenadb.DownloadOptions) { o.Dest = "" }, "plan download: no destination folder"},
		{func(o *athenadb.DownloadOptions) { o.Parallel = -1 }, "plan download: parallel -1: want 0 (the default) or more"},
	} {
		o := ok
		tc.change(&o)
		if _, err := client.PlanDownload(context.Background(), o); err == nil || err.Error() != tc.err {
			t.Errorf("%v, want %s", err, tc.err)
		}
	}
	if len(srv.S3.Calls()) != 0 {
		t.Errorf("calls %v", srv.S3.Calls())
	}
	// A listing that fails every attempt names the prefix and says what AWS said.
	srv.S3.Inject("ListObjectsV2", 3, awsfake.ServerError)
	_, err := client.PlanDownload(context.Background(), ok)
	if want := "list " + location + "AWSLogs/: InternalError: We encountered an internal error. Please try again. (request fake-request)"; err == nil || err.Error() != want {
		t.Errorf("failing listing: %v\nwant %s", err, want)
	}
}

// TestJournalTornLine: after a run that stopped while writing the journal's
// last line, the next run's entries still count: a download over a torn
// journal leaves nothing to fetch.
func TestJournalTornLine(t *testing.T) {
	srv := awsfake.New(t)
	upload(t, srv, sample.Options{Seed: 1})
	client, dest := athenadb.NewS3(srv.Config()), t.TempDir()
	if err := os.WriteFile(filepath.Join(dest, athenadb.DownloadJournal), []byte(`{"path":"AWSLogs/x","sour`), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := athenadb.DownloadOptions{Location: location, Window: testWindow, Dest: dest}
	first := plan(t, client, opts)
	if _, err := client.Download(context.Background(), first, nil); err != nil {
		t.Fatal(err)
	}
	if again := plan(t, client, opts); len(again.Files) != 0 || len(again.Present) != len(first.Files) {
		t.Errorf("after a torn journal: %d to fetch again, %d present of %d", len(again.Files), len(again.Present), len(first.Files))
	}
}

// TestDownloadListingPages: a folder of more keys than a listing page holds
// (1,000) is listed page by page, and every key of it is planned.
func TestDownloadListingPages(t *testing.T) {
	srv := awsfake.New(t)
	var body bytes.Buffer
	zw := gzip.NewWriter(&body)
	zw.Write([]byte("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n"))
	zw.Close()
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	want := 0
	for fl := range 4 {
		for tm := day; tm.Before(day.AddDate(0, 0, 1)); tm = tm.Add(5 * time.Minute) {
			o := partitions.Object{Root: testPrefix, Account: "111122223333", Region: "us-east-1", FlowLogID: "fl-0" + strconv.Itoa(fl) + "abc",
				Time: tm, Hash: "a1b2", Format: partitions.Text}
			srv.S3.Put(testBucket, o.Key(), body.Bytes())
			want++
		}
	}
	w, _ := partitions.NewWindow(day, day.AddDate(0, 0, 1))
	p := plan(t, athenadb.NewS3(srv.Config()), athenadb.DownloadOptions{Location: location, Window: w, Dest: t.TempDir()})
	folder := testPrefix + "AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/01/05/"
	pages := 0
	for _, c := range srv.S3.Calls() {
		if c.Op == "ListObjectsV2" && c.Key == folder {
			pages++
		}
	}
	if len(p.Files) != want || want <= 1000 || pages < 2 {
		t.Errorf("%d files planned of %d, the folder listed in %d pages", len(p.Files), want, pages)
	}
}
