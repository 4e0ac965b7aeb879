package localdb_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/sample"
)

func defaultFormat(t *testing.T) flowlog.Format {
	f, _ := flowlog.Preset("default")
	return f
}

// generate writes sample data into a new folder of dir.
func generate(t *testing.T, dir string, opts sample.Options) *sample.Truth {
	t.Helper()
	truth, err := sample.Generate(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return truth
}

// TestColdEqualsWarm: a dataset mixing layouts (daily, hourly, Hive), a flat
// folder of AWS-named files, renamed files, files with bad lines, headers
// inside and records before a header gives the same rows, partition columns
// and bad lines on its first run (files read through flowq's reader) as on
// later runs (files checked before, read by DuckDB's CSV reader).
func TestColdEqualsWarm(t *testing.T) {
	root := t.TempDir()
	generate(t, filepath.Join(root, "daily"), sample.Options{Days: 1, Seed: 1, Records: 3000})
	generate(t, filepath.Join(root, "hourly"), sample.Options{Days: 1, Seed: 2, Records: 3000, Layout: partitions.Layout{PerHour: true}})
	generate(t, filepath.Join(root, "hive"), sample.Options{Days: 1, Seed: 3, Records: 3000, Layout: partitions.Layout{Hive: true}})
	flat := filepath.Join(root, "flat")
	writeGzip(t, filepath.Join(flat, fileName("fl-9", 0)), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n"+
		rec("2", "10.0.0.2", "DROP")+"\n"+header2+"\n"+rec("2", "10.0.0.3", "REJECT")+"\n")
	writeGzip(t, filepath.Join(flat, "renamed.log.gz"), rec("2", "10.0.0.4", "ACCEPT")+"\n"+header2+"\n"+rec("2", "10.0.0.5", "ACCEPT")+"\n")
	def := defaultFormat(t)
	cache := t.TempDir()
	queries := []string{
		"SELECT count(*), sum(bytes), count(DISTINCT srcaddr) FROM flow_logs",
		"SELECT aws_account_id, aws_region, day, count(*) FROM flow_logs GROUP BY ALL ORDER BY ALL",
		"SELECT srcaddr, action FROM flow_logs WHERE srcaddr LIKE '10.0.0._' ORDER BY ALL",
	}
	var first []string
	for _, when := range []string{"cold", "warm"} {
		db := open(t, []string{root}, localdb.Options{CheckCache: cache, Format: def})
		var got []string
		for _, q := range queries {
			got = append(got, strings.Join(rows(t, db, q), "|"))
		}
		got = append(got, fmt.Sprint(db.BadLineCount(), db.BadLines()))
		db.Close()
		if first == nil {
			first = got
			continue
		}
		for i := range got {
			if got[i] != first[i] {
				t.Errorf("%s differs from cold:\n%s\nwant\n%s", when, got[i], first[i])
			}
		}
	}
	if !strings.Contains(first[2], "10.0.0.4 ACCEPT|10.0.0.5 ACCEPT") || !strings.Contains(first[3], "1 [") {
		t.Errorf("rows %s, bad lines %s", first[2], first[3])
	}
}

// TestExplainAnalyzeIsAQueryOnly: EXPLAIN ANALYZE runs what it explains, so
// only the EXPLAIN of a query runs; nothing is written or dropped.
func TestExplainAnalyzeIsAQueryOnly(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, name), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n")
	db := open(t, []string{dir}, localdb.Options{})
	evil := filepath.Join(dir, strings.Replace(name, "fe123456", "evil0001", 1))
	for _, sql := range []string{
		"EXPLAIN ANALYZE COPY (SELECT 1) TO '" + evil + "'",
		"EXPLAIN (ANALYZE) COPY (SELECT 1) TO '" + evil + "'",
		"EXPLAIN (ANALYZE true, FORMAT json) DROP VIEW flow_logs",
		"/* c */ EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1",
		"explain analyse drop view flow_logs",
	} {
		if _, err := db.RunSQL(context.Background(), sql); !errors.As(err, new(*queries.RefusedError)) {
			t.Errorf("%s: %v, want a RefusedError", sql, err)
		}
	}
	if _, err := os.Stat(evil); err == nil {
		t.Error("a file was written")
	}
	for _, sql := range []string{"EXPLAIN SELECT count(*) FROM flow_logs", "EXPLAIN ANALYZE SELECT count(*) FROM flow_logs"} {
		if _, err := db.RunSQL(context.Background(), sql); err != nil {
			t.Errorf("%s: %v", sql, err)
		}
	}
	if n, err := count(t, db, ""); err != nil || n != 1 {
		t.Errorf("count %d %v", n, err)
	}
}

// TestRenamedCopies: files whose names say nothing are the same object when
// their records are: a .log beside its .log.gz, a renamed copy, a copy
// compressed again, a cache of them read with them.
func TestRenamedCopies(t *testing.T) {
	text := header2 + "\n" + rec("2", "10.0.0.1", "ACCEPT") + "\n" + rec("2", "10.0.0.2", "REJECT") + "\n"
	for name, files := range map[string]map[string]string{
		"a .log beside its .log.gz": {"flows.log.gz": text, "flows.log": text},
		"a renamed copy":            {"flows.log.gz": text, "copy of flows.log.gz": text},
		"another folder":            {"a/flows.log.gz": text, "b/x.log.gz": text},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			for f, content := range files {
				if strings.HasSuffix(f, ".gz") {
					writeGzip(t, filepath.Join(dir, f), content)
				} else {
					os.WriteFile(filepath.Join(dir, f), []byte(content), 0o644)
				}
			}
			if _, err := localdb.Open(context.Background(), []string{dir}, localdb.Options{}); !errors.As(err, new(*localdb.DuplicateError)) {
				t.Errorf("error %v, want a DuplicateError", err)
			}
		})
	}
	// A renamed copy of a delivered file.
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, name), text)
	writeGzip(t, filepath.Join(dir, "copy of it.log.gz"), text)
	if _, err := localdb.Open(context.Background(), []string{dir}, localdb.Options{}); !errors.As(err, new(*localdb.DuplicateError)) {
		t.Errorf("a renamed copy of a delivered file: %v", err)
	}
	// Different records under one name in two folders are two objects.
	dir = t.TempDir()
	writeGzip(t, filepath.Join(dir, "a", "flows.log.gz"), text)
	writeGzip(t, filepath.Join(dir, "b", "flows.log.gz"), header2+"\n"+rec("2", "10.0.0.9", "ACCEPT")+"\n")
	db := open(t, []string{dir}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != 3 {
		t.Errorf("two objects: %d %v", n, err)
	}
	// A cache of renamed files, read with them.
	src := filepath.Join(t.TempDir(), "src")
	writeGzip(t, filepath.Join(src, "flows.log.gz"), text)
	pq := filepath.Join(t.TempDir(), "pq")
	if _, err := localdb.Import(context.Background(), []string{src}, pq, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := localdb.Open(context.Background(), []string{src, pq}, localdb.Options{}); !errors.As(err, new(*localdb.DuplicateError)) {
		t.Errorf("a cache with its unplaced source: %v", err)
	}
}

// TestOldCacheRefused: a folder cache made before caches recorded their
// sources could be read with its source unnoticed: it is refused.
func TestOldCacheRefused(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20",
		"123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T0000Z_flowqfolder1a2b3c4d.log.parquet")
	os.MkdirAll(filepath.Dir(old), 0o755)
	raw, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec("COPY (SELECT 2::INTEGER AS version, '10.0.0.1' AS srcaddr) TO '" + old + "' (FORMAT parquet)"); err != nil {
		t.Fatal(err)
	}
	_, err = localdb.Open(context.Background(), []string{dir}, localdb.Options{})
	if err == nil || !strings.Contains(err.Error(), "made by an older flowq import") {
		t.Errorf("error %v", err)
	}
}

// TestImportFromAnotherFolder: the manifest keeps absolute paths, so an
// import run from another working folder does not take sources for gone.
func TestImportFromAnotherFolder(t *testing.T) {
	root := t.TempDir()
	writeGzip(t, filepath.Join(root, "x", "d1", fileName("fl-1", 0)), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n")
	writeGzip(t, filepath.Join(root, "x", "d2", fileName("fl-2", 0)), header2+"\n"+rec("2", "10.0.0.2", "ACCEPT")+"\n")
	pq := filepath.Join(root, "pq")
	t.Chdir(filepath.Join(root, "x"))
	if _, err := localdb.Import(context.Background(), []string{"d1"}, pq, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	st, err := localdb.Import(context.Background(), []string{"x/d2"}, pq, localdb.Options{})
	if err != nil || st.Removed != 0 {
		t.Fatalf("%+v %v", st, err)
	}
	db := open(t, []string{pq}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != 2 {
		t.Errorf("cache holds %d (%v), want 2", n, err)
	}
}

// TestImportPartOfAFolder: importing one hour of a day already in the cache
// rewrites the day's file with the day's other files, which still exist.
func TestImportPartOfAFolder(t *testing.T) {
	src := t.TempDir()
	truth := generate(t, src, sample.Options{Days: 1, Seed: 1, Records: 3000})
	pq := filepath.Join(t.TempDir(), "pq")
	if _, err := localdb.Import(context.Background(), []string{src}, pq, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	day := filepath.Dir(firstFile(t, src))
	if _, err := localdb.Import(context.Background(), []string{filepath.Join(day, "*T12*.log.gz")}, pq, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	db := open(t, []string{pq}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != truth.Records {
		t.Errorf("cache holds %d (%v), want %d", n, err, truth.Records)
	}
}

// TestIncompleteCacheRefused: a cache whose import failed answers from part
// of its source: reading it is refused until an import completes it.
func TestIncompleteCacheRefused(t *testing.T) {
	src := t.TempDir()
	generate(t, src, sample.Options{Days: 2, Seed: 1, Records: 3000})
	var last string
	filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if strings.HasSuffix(p, ".log.gz") {
			last = p
		}
		return nil
	})
	whole, _ := os.ReadFile(last)
	os.WriteFile(last, whole[:len(whole)/2], 0o644)
	pq := filepath.Join(t.TempDir(), "pq")
	if _, err := localdb.Import(context.Background(), []string{src}, pq, localdb.Options{}); err == nil {
		t.Fatal("import of a damaged file succeeded")
	}
	// Given itself, a folder holding it, or one of its own folders.
	for _, path := range []string{pq, filepath.Dir(pq), filepath.Dir(firstFile(t, pq))} {
		_, err := localdb.Open(context.Background(), []string{path}, localdb.Options{})
		if err == nil || !strings.Contains(err.Error(), "whose last import did not finish") {
			t.Errorf("%s: error %v", path, err)
		}
	}
	os.WriteFile(last, whole, 0o644)
	if _, err := localdb.Import(context.Background(), []string{src}, pq, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	open(t, []string{pq}, localdb.Options{})
}

// TestTamperedFileRecheckedEvenWithSameSizeAndTime: a check holds only while
// the file is untouched: rewriting it with its size and modification time put
// back still makes the next run read it through flowq's reader.
func TestTamperedFileRecheckedEvenWithSameSizeAndTime(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	whole := writeGzip(t, path, header2+"\n"+strings.Repeat(rec("2", "10.0.0.1", "ACCEPT")+"\n", 500))
	cache := t.TempDir()
	db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
	count(t, db, "")
	db.Close()
	info, _ := os.Stat(path)
	damaged := append([]byte(nil), whole...)
	clear(damaged[len(damaged)/2:])
	time.Sleep(10 * time.Millisecond) // a change time that differs
	os.WriteFile(path, damaged, 0o644)
	os.Chtimes(path, info.ModTime(), info.ModTime())
	db = open(t, []string{dir}, localdb.Options{CheckCache: cache})
	if _, err := count(t, db, ""); !errors.As(err, new(*localdb.CorruptFileError)) {
		t.Errorf("error %v, want the damage found", err)
	}
}

// TestLinks: a folder or a file reached through a symbolic link is read, on
// the first run and later ones.
func TestLinks(t *testing.T) {
	root, elsewhere := t.TempDir(), t.TempDir()
	truth := generate(t, filepath.Join(root, "s"), sample.Options{Days: 2, Seed: 1, Records: 3000})
	day := filepath.Dir(filepath.Dir(firstFile(t, root))) // …/2026/01
	moved := filepath.Join(elsewhere, "06")
	os.Rename(filepath.Join(day, "06"), moved)
	os.Symlink(moved, filepath.Join(day, "06"))
	links := filepath.Join(root, "links")
	os.MkdirAll(links, 0o755)
	var linked int64
	entries, _ := os.ReadDir(moved)
	for _, e := range entries[:3] {
		os.Symlink(filepath.Join(moved, e.Name()), filepath.Join(links, e.Name()))
	}
	cache := t.TempDir()
	for _, when := range []string{"cold", "warm"} {
		db := open(t, []string{filepath.Join(root, "s")}, localdb.Options{CheckCache: cache})
		if n, err := count(t, db, ""); err != nil || n != truth.Records {
			t.Errorf("%s: a linked day folder: %d %v, want %d", when, n, err, truth.Records)
		}
		db.Close()
		db = open(t, []string{links}, localdb.Options{CheckCache: cache})
		n, err := count(t, db, "")
		if err != nil || (linked != 0 && n != linked) || n == 0 {
			t.Errorf("%s: linked files: %d %v", when, n, err)
		}
		linked = n
		db.Close()
	}
}

// TestGlobCharactersInFileNames: DuckDB reads paths as patterns; flowq's
// paths mean themselves, cold and warm.
func TestGlobCharactersInFileNames(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, "a[1].log.gz"), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n"+rec("2", "10.0.0.2", "ACCEPT")+"\n")
	writeGzip(t, filepath.Join(dir, "a1.log.gz"), header2+"\n"+rec("2", "10.0.0.3", "ACCEPT")+"\n")
	writeGzip(t, filepath.Join(dir, "b?.log.gz"), header2+"\n"+rec("2", "10.0.0.4", "ACCEPT")+"\n")
	writeGzip(t, filepath.Join(dir, "bx.log.gz"), header2+"\n"+rec("2", "10.0.0.5", "ACCEPT")+"\n")
	cache := t.TempDir()
	for _, when := range []string{"cold", "warm"} {
		db := open(t, []string{filepath.Join(dir, "a[1].log.gz"), filepath.Join(dir, "b?.log.gz"), filepath.Join(dir, "bx.log.gz")},
			localdb.Options{CheckCache: cache})
		if got := strings.Join(rows(t, db, "SELECT srcaddr FROM flow_logs ORDER BY 1"), " "); got != "10.0.0.1 10.0.0.2 10.0.0.4 10.0.0.5" {
			t.Errorf("%s: %s", when, got)
		}
		db.Close()
	}
}

// TestBadHeaderIsBadLines: a header flowq cannot read makes that file's
// lines bad, counted; it does not fail the dataset as a damaged file.
func TestBadHeaderIsBadLines(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 0)), "version srcaddr srcaddr\n2 10.0.0.1 10.0.0.2\n")
	writeGzip(t, filepath.Join(dir, fileName("fl-2", 0)), header2+"\n"+rec("2", "10.0.0.3", "ACCEPT")+"\n")
	cache := t.TempDir()
	for _, when := range []string{"cold", "warm"} {
		db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
		n, err := count(t, db, "")
		if err != nil || n != 1 || db.BadLineCount() != 2 || !strings.Contains(db.BadLines()[0].Err, "duplicate field srcaddr") {
			t.Errorf("%s: count %d %v, bad lines %v", when, n, err, db.BadLines())
		}
		db.Close()
	}
}

// TestQueryErrorOnFirstRun: a query that fails at run time over files never
// read before fails, once, with DuckDB's reason; it does not loop.
func TestQueryErrorOnFirstRun(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, sample.Options{Days: 1, Seed: 1, Records: 2000})
	db := open(t, []string{dir}, localdb.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := db.RunSQL(ctx, "SELECT CAST(action AS INTEGER) FROM flow_logs")
	if !errors.As(err, new(*localdb.SQLError)) || !strings.Contains(err.Error(), "Conversion Error") {
		t.Errorf("error %v", err)
	}
}

// TestBadLinesCountedOnceAfterReplan: when a query is planned again during a
// first run (a file unlike its flow log), its bad lines are counted once.
func TestBadLinesCountedOnceAfterReplan(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 0)), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\nbad line here\n")
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 5)), header2+" vpc-id\n"+rec("2", "10.0.0.2", "ACCEPT")+" vpc-1\n")
	db := open(t, []string{dir}, localdb.Options{})
	res, err := db.RunSQL(context.Background(), "SELECT count(*) FROM flow_logs")
	if err != nil || res.Rows[0][0] != int64(2) || db.BadLineCount() != 1 || len(db.BadLines()) != 1 || res.Provenance.BadLines != 1 {
		t.Errorf("%v %v: bad lines %d %v", res, err, db.BadLineCount(), db.BadLines())
	}
	// A query that reads the view twice reports each bad line once.
	if _, err := db.RunSQL(context.Background(), "SELECT count(*) FROM flow_logs a, flow_logs b"); err != nil || db.BadLineCount() != 1 {
		t.Errorf("self-join: %v, %d bad lines", err, db.BadLineCount())
	}
}

// TestUnknownParquetColumns: a Parquet file's columns named like fields
// flowq does not know are kept as text, with a warning, as in text files.
func TestUnknownParquetColumns(t *testing.T) {
	src := t.TempDir()
	writeGzip(t, filepath.Join(src, fileName("fl-1", 0)), header2+" foo-bar\n"+rec("2", "10.0.0.1", "ACCEPT")+" x\n")
	pq := filepath.Join(t.TempDir(), "pq")
	if _, err := localdb.Import(context.Background(), []string{src}, pq, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	db := open(t, []string{pq}, localdb.Options{})
	if got := rows(t, db, "SELECT foo_bar FROM flow_logs"); len(got) != 1 || got[0] != "x" {
		t.Errorf("rows %v", got)
	}
	if w := db.Warnings(); len(w) != 1 || !strings.HasPrefix(w[0], "foo-bar in 1 file(s)") {
		t.Errorf("warnings %v", w)
	}
}

// TestCacheReadsLikeItsSource: SELECT * over a Parquet cache gives the
// columns, in the same order, and the rows its text files give.
func TestCacheReadsLikeItsSource(t *testing.T) {
	src := t.TempDir()
	generate(t, src, sample.Options{Days: 1, Seed: 4, Records: 2000})
	pq := filepath.Join(t.TempDir(), "pq")
	if _, err := localdb.Import(context.Background(), []string{src}, pq, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	var want string
	for _, p := range []string{src, pq} {
		db := open(t, []string{p}, localdb.Options{})
		res, err := db.RunSQL(context.Background(), "SELECT * FROM flow_logs ORDER BY ALL")
		if err != nil {
			t.Fatal(err)
		}
		got := fmt.Sprint(res.Columns, res.Rows)
		if want == "" {
			want = got
		} else if got != want {
			t.Errorf("the cache reads otherwise than its source: %.300s\nwant %.300s", got, want)
		}
	}
}

// TestOlderManifest: a manifest of another shape (an older flowq's) is not a
// JSON error: the cache reads, its files saying their own sources, and an
// import rewrites it whole.
func TestOlderManifest(t *testing.T) {
	src := t.TempDir()
	truth := generate(t, src, sample.Options{Days: 1, Seed: 1, Records: 2000})
	pq := filepath.Join(t.TempDir(), "pq")
	if _, err := localdb.Import(context.Background(), []string{src}, pq, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	// What the first flowq import wrote: sources as strings, no version.
	os.WriteFile(filepath.Join(pq, ".flowq-import.json"), []byte(`{"AWSLogs/x.log.parquet": ["a 1 2"]}`), 0o644)
	db := open(t, []string{pq}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != truth.Records {
		t.Errorf("count %d %v", n, err)
	}
	st, err := localdb.Import(context.Background(), []string{src}, pq, localdb.Options{})
	if err != nil || st.UpToDate != 0 {
		t.Errorf("import over an older manifest: %+v %v", st, err)
	}
}

// TestValueTypes: every value a query returns is one of the result's Go
// types, with its exact value: a DECIMAL is its digits, not its unscaled
// integer; a sum beyond int64 is exact.
func TestValueTypes(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 0)), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n")
	db := open(t, []string{dir}, localdb.Options{})
	res, err := db.RunSQL(context.Background(), `SELECT 2366192710.95::DECIMAL(18,2) AS dec, -0.05::DECIMAL(4,2) AS small,
		NULL::DECIMAL(10,1) AS nodec, INTERVAL '1 year 2 months 3 days 04:05:06.5' AS iv, INTERVAL '0 seconds' AS zero,
		INTERVAL '-90 minutes' AS neg, '4ac7a9e9-607c-4c8a-84f3-843f0191e3fd'::UUID AS id,
		sum(9223372036854775807::BIGINT) + 1 AS huge, 42::TINYINT AS tiny, 1.5::FLOAT AS f, true AS b, 'x'::BLOB AS blob
		FROM flow_logs`)
	if err != nil {
		t.Fatal(err)
	}
	huge, _ := new(big.Int).SetString("9223372036854775808", 10)
	want := []any{json.Number("2366192710.95"), json.Number("-0.05"), nil, "1 year 2 months 3 days 04:05:06.5", "00:00:00",
		"-01:30:00", "4ac7a9e9-607c-4c8a-84f3-843f0191e3fd", huge, int64(42), float64(1.5), true, "x"}
	for i, w := range want {
		got := res.Rows[0][i]
		if fmt.Sprintf("%T %v", got, got) != fmt.Sprintf("%T %v", w, w) {
			t.Errorf("%s = %T %v, want %T %v", res.Columns[i].Name, got, got, w, w)
		}
	}
}
