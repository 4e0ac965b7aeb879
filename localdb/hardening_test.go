package localdb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/sample"
)

const header2 = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"

// rec is a default-format record from src to dst with the given version and action.
func rec(version, src, action string) string {
	return fmt.Sprintf("%s 123456789012 eni-1 %s 10.0.0.9 443 49152 6 10 840 1529511600 1529511660 %s OK", version, src, action)
}

// fileName is the name of an object of flow log fl, delivered at 16:20 plus minute.
func fileName(fl string, minute int) string {
	return fmt.Sprintf("123456789012_vpcflowlogs_us-east-1_%s_20180620T16%02dZ_fe123456.log.gz", fl, 20+minute)
}

// rows runs SQL through RunSQL and returns its rows as text.
func rows(t *testing.T, db *localdb.DB, sql string) []string {
	t.Helper()
	res, err := db.RunSQL(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	var out []string
	for _, r := range res.Rows {
		var cells []string
		for _, v := range r {
			cells = append(cells, fmt.Sprint(v))
		}
		out = append(out, strings.Join(cells, " "))
	}
	return out
}

// TestReaderAndDuckDBAgree is the repro: a version wider than the
// column's INTEGER passed flowq's check, then DuckDB (reading with
// ignore_errors) counted the row but dropped it from SELECT version.
// Now the line is bad, and every query sees the same rows, cold or warm.
func TestReaderAndDuckDBAgree(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, name), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n"+rec("3000000000", "10.0.0.2", "ACCEPT")+"\n")
	cache := t.TempDir()
	for _, when := range []string{"cold", "warm"} {
		db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
		n, err := count(t, db, "")
		got := rows(t, db, "SELECT version, dstaddr FROM flow_logs")
		if err != nil || n != 1 || len(got) != 1 {
			t.Errorf("%s: count %d (%v), SELECT version returns %v: want one row both ways", when, n, err, got)
		}
		if bad := db.BadLines(); len(bad) != 1 || !strings.Contains(bad[0].Err, `field version: "3000000000": out of range 0..2147483647`) {
			t.Errorf("%s: bad lines %v", when, bad)
		}
		db.Close()
	}
}

// TestLinesJudged: an action other than ACCEPT, REJECT or '-' is a bad line;
// a byte-order mark before the header is ignored; a plain .log file (gunzipped
// by a user) is read like its .log.gz twin.
func TestLinesJudged(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 0)), "\ufeff"+header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n"+rec("2", "10.0.0.2", "DROP")+"\n")
	plain := filepath.Join(dir, strings.TrimSuffix(fileName("fl-1", 5), ".gz"))
	os.WriteFile(plain, []byte(header2+"\n"+rec("2", "10.0.0.3", "REJECT")+"\n"), 0o644)
	cache := t.TempDir()
	for _, when := range []string{"cold", "warm"} {
		db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
		if got := rows(t, db, "SELECT srcaddr, action FROM flow_logs ORDER BY srcaddr"); strings.Join(got, "|") != "10.0.0.1 ACCEPT|10.0.0.3 REJECT" {
			t.Errorf("%s: rows %v", when, got)
		}
		if bad := db.BadLines(); len(bad) != 1 || !strings.Contains(bad[0].Err, `field action: "DROP": not one of ACCEPT, REJECT or -`) {
			t.Errorf("%s: bad lines %v", when, bad)
		}
		db.Close()
	}
}

// TestSecondHeader: files concatenated by hand have a header inside; the
// records after it are read (in its format, by field name), by run and by
// import alike. A later header with a field the first one lacks makes the
// lines after it bad, counted and named.
func TestSecondHeader(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 0)), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n"+
		header2+"\n"+rec("2", "10.0.0.2", "REJECT")+"\n"+
		"version srcaddr action\n2 10.0.0.3 ACCEPT\n"+
		"version srcaddr action vpc-id\n2 10.0.0.4 ACCEPT vpc-1\n")
	cache := t.TempDir()
	for _, when := range []string{"cold", "warm"} {
		db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
		got := rows(t, db, "SELECT srcaddr, action, coalesce(dstaddr, 'NULL') FROM flow_logs ORDER BY srcaddr")
		if strings.Join(got, "|") != "10.0.0.1 ACCEPT 10.0.0.9|10.0.0.2 REJECT 10.0.0.9|10.0.0.3 ACCEPT NULL" {
			t.Errorf("%s: rows %v", when, got)
		}
		if bad := db.BadLines(); len(bad) != 1 || bad[0].Line != 8 || !strings.Contains(bad[0].Err, "the header at line 7 has field(s) vpc-id") {
			t.Errorf("%s: bad lines %v", when, bad)
		}
		db.Close()
	}
	st, err := localdb.Import(context.Background(), []string{dir}, filepath.Join(t.TempDir(), "pq"), localdb.Options{CheckCache: cache})
	if err != nil || st.Records != 3 || st.BadLineCount != 1 {
		t.Fatalf("import: %+v %v", st, err)
	}
}

// TestUnknownHeaderField: a header field flowq does not know is read as text
// and named in a warning, with what it may have meant and which column is NULL
// because of it.
func TestUnknownHeaderField(t *testing.T) {
	dir := t.TempDir()
	for i := range 2 {
		writeGzip(t, filepath.Join(dir, fileName("fl-1", 5*i)), "version srcaddr log-statos\n2 10.0.0.1 OK\n")
	}
	db := open(t, []string{dir}, localdb.Options{})
	if got := rows(t, db, "SELECT log_statos FROM flow_logs LIMIT 1"); len(got) != 1 || got[0] != "OK" {
		t.Errorf("rows %v", got)
	}
	want := "log-statos in 2 file(s), e.g. " + filepath.Join(dir, fileName("fl-1", 0)) +
		": not a known field; did you mean log-status? Column log_status is NULL in those files; it is read as text column log_statos"
	if w := db.Warnings(); len(w) != 1 || w[0] != want {
		t.Errorf("warnings %q\nwant %q", w, want)
	}
}

// TestDuplicates: one flow-log object reached twice is refused, naming both
// copies: two copies under one root, a .log beside its .log.gz, a Parquet
// cache read with its source. An import into its own input is refused.
func TestDuplicates(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	truth := generate(t, src, sample.Options{Days: 1, Seed: 1, Records: 2000})
	var first string
	filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if first == "" && strings.HasSuffix(p, ".log.gz") {
			first = p
		}
		return nil
	})
	copyTo := func(dst string) {
		b, _ := os.ReadFile(first)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		os.WriteFile(dst, b, 0o644)
	}
	t.Run("two copies under one root", func(t *testing.T) {
		root := t.TempDir()
		copyTo(filepath.Join(root, "a", filepath.Base(first)))
		copyTo(filepath.Join(root, "b", filepath.Base(first)))
		_, err := localdb.Open(ctx, []string{root}, localdb.Options{})
		var de *localdb.DuplicateError
		if !errors.As(err, &de) || de.First != filepath.Join(root, "a", filepath.Base(first)) || de.Second != filepath.Join(root, "b", filepath.Base(first)) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a .log beside its .log.gz", func(t *testing.T) {
		root := t.TempDir()
		copyTo(filepath.Join(root, filepath.Base(first)))
		os.WriteFile(filepath.Join(root, strings.TrimSuffix(filepath.Base(first), ".gz")), []byte(header2+"\n"), 0o644)
		if _, err := localdb.Open(ctx, []string{root}, localdb.Options{}); !errors.As(err, new(*localdb.DuplicateError)) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a cache and its source", func(t *testing.T) {
		cache := filepath.Join(t.TempDir(), "pq")
		if _, err := localdb.Import(ctx, []string{src}, cache, localdb.Options{}); err != nil {
			t.Fatal(err)
		}
		_, err := localdb.Open(ctx, []string{src, cache}, localdb.Options{})
		var de *localdb.DuplicateError
		if !errors.As(err, &de) || !de.Cache || !strings.Contains(err.Error(), "a Parquet cache made by flowq import") {
			t.Errorf("error %v", err)
		}
		// The same path twice is one input, not a duplicate.
		db := open(t, []string{cache, cache}, localdb.Options{})
		if n, err := count(t, db, ""); err != nil || n != truth.Records {
			t.Errorf("cache given twice: %d %v", n, err)
		}
	})
	t.Run("import into its input", func(t *testing.T) {
		for _, dest := range []string{src, filepath.Join(src, "pq"), filepath.Dir(src)} {
			_, err := localdb.Import(ctx, []string{src}, dest, localdb.Options{})
			if err == nil || !strings.Contains(err.Error(), "the cache would be read as input") {
				t.Errorf("import --to %s: %v", dest, err)
			}
		}
	})
}

// TestImportKeepsCacheTrue: a cache that lost files is made whole again, and a
// cache file whose sources were deleted is removed, so the cache never
// answers with data its source no longer has.
func TestImportKeepsCacheTrue(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	truth := generate(t, src, sample.Options{Days: 2, Seed: 1, Records: 4000})
	dest := filepath.Join(t.TempDir(), "pq")
	if _, err := localdb.Import(ctx, []string{src}, dest, localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	var cacheFiles []string
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if strings.HasSuffix(p, ".parquet") {
			cacheFiles = append(cacheFiles, p)
		}
		return nil
	})
	if len(cacheFiles) < 2 {
		t.Fatalf("cache files %v", cacheFiles)
	}
	os.Remove(cacheFiles[0])
	st, err := localdb.Import(ctx, []string{src}, dest, localdb.Options{})
	if err != nil || st.Written != 1 || st.UpToDate != len(cacheFiles)-1 {
		t.Fatalf("import after losing a cache file: %+v %v", st, err)
	}
	db := open(t, []string{dest}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != truth.Records {
		t.Errorf("cache holds %d records (%v), want %d", n, err, truth.Records)
	}
	db.Close()

	// Delete the source's first day.
	day := filepath.Dir(firstFile(t, src))
	dayDB := open(t, []string{day}, localdb.Options{})
	gone, err := count(t, dayDB, "")
	dayDB.Close()
	if err != nil || gone == 0 {
		t.Fatalf("the first day holds %d records (%v)", gone, err)
	}
	os.RemoveAll(day)
	st, err = localdb.Import(ctx, []string{src}, dest, localdb.Options{})
	if err != nil || st.Removed != 1 {
		t.Fatalf("import after deleting a day: %+v %v", st, err)
	}
	db = open(t, []string{dest}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != truth.Records-gone {
		t.Errorf("cache holds %d records (%v), want %d", n, err, truth.Records-gone)
	}
}

// firstFile is the first log file below root, in walking order.
func firstFile(t *testing.T, root string) string {
	var first string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if first == "" && err == nil && !d.IsDir() && flowlog.IsLogFile(d.Name()) {
			first = p
		}
		return nil
	})
	if first == "" {
		t.Fatal("no file")
	}
	return first
}

// TestCheckCacheShared: concurrent runs over different folders share one
// cache folder without failing or losing each other's entries; entries of
// deleted files are dropped; a cache that cannot be written is a warning.
func TestCheckCacheShared(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	generate(t, src, sample.Options{Days: 8, Seed: 1, Records: 8000})
	days, _ := filepath.Glob(filepath.Join(filepath.Dir(filepath.Dir(firstFile(t, src))), "*"))
	if len(days) < 8 {
		t.Fatalf("days %v", days)
	}
	cache := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, len(days))
	for _, day := range days {
		wg.Go(func() {
			db, err := localdb.Open(ctx, []string{day}, localdb.Options{CheckCache: cache})
			if err == nil {
				_, err = db.RunSQL(ctx, "SELECT count(*) FROM flow_logs")
				if w := db.Warnings(); err == nil && len(w) > 0 {
					err = errors.New(w[0])
				}
				db.Close()
				if w := db.Warnings(); err == nil && len(w) > 0 {
					err = errors.New(w[0])
				}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// Every folder's files were remembered: the whole tree now reads by read_csv.
	db := open(t, []string{src}, localdb.Options{CheckCache: cache})
	if strings.Contains(viewSQL(t, db), "flowq_scan(") {
		t.Errorf("files read by concurrent runs were forgotten")
	}
	db.Close()
	entries, _ := filepath.Glob(filepath.Join(cache, "*.json"))
	if len(entries) != len(days) {
		t.Errorf("%d cache entries for %d folders", len(entries), len(days))
	}
	// A deleted file's entry goes when its folder is written again.
	victim := firstFile(t, days[0])
	os.Remove(victim)
	// A new file dirties the folder.
	writeGzip(t, filepath.Join(days[0], strings.Replace(filepath.Base(victim), ".log.gz", "0.log.gz", 1)), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n")
	db = open(t, []string{days[0]}, localdb.Options{CheckCache: cache})
	rows(t, db, "SELECT count(*) FROM flow_logs WHERE srcaddr IS NOT NULL")
	db.Close()
	for _, e := range entries {
		if b, _ := os.ReadFile(e); strings.Contains(string(b), filepath.Base(victim)) {
			t.Errorf("the deleted file's entry is still in %s", e)
		}
	}
	// A cache folder that cannot be written: the query works, with a warning.
	blocked := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocked, nil, 0o644)
	db = open(t, []string{days[1]}, localdb.Options{CheckCache: filepath.Join(blocked, "cache")})
	if n, err := count(t, db, ""); err != nil || n == 0 {
		t.Errorf("query with an unwritable cache: %d %v", n, err)
	}
	if w := db.Warnings(); len(w) != 1 || !strings.Contains(w[0], "remember checked files in") {
		t.Errorf("warnings %v", w)
	}
}

// TestReadOnlySQL: only queries run, and they read the dataset's files only.
func TestReadOnlySQL(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, name), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n")
	db := open(t, []string{dir}, localdb.Options{})
	outside := filepath.Join(t.TempDir(), "out.csv")
	for sql, want := range map[string]string{
		"CREATE TABLE t AS SELECT 1":                               "only queries run over flow_logs",
		"COPY (SELECT 1) TO '" + outside + "'":                     "only queries run over flow_logs",
		"COPY (SELECT 1) TO '" + filepath.Join(dir, "x.csv") + "'": "only queries run over flow_logs",
		"ATTACH '" + outside + "' AS x":                            "only queries run over flow_logs",
		"EXPORT DATABASE '" + filepath.Dir(outside) + "'":          "only queries run over flow_logs",
		"INSTALL httpfs":                                           "INSTALL and LOAD are refused",
		"LOAD httpfs":                                              "INSTALL and LOAD are refused",
		"SET enable_external_access = true":                        "only queries run over flow_logs",
		"PRAGMA enable_profiling":                                  "only queries run over flow_logs",
		"SELECT 1; CREATE TABLE t AS SELECT 1":                     "one SQL statement at a time",
		"SELECT * FROM read_text('/etc/passwd')":                   "Permission Error",
		"SELECT * FROM read_csv('" + outside + "')":                "Permission Error",
		"SELECT * FROM glob('/etc/*')":                             "Permission Error",
		"SELECT * FROM flowq_scan(99)":                             "no such group",
	} {
		_, err := db.RunSQL(context.Background(), sql)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", sql, err, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); err == nil {
		t.Error("a file was written into the input")
	}
	for _, sql := range []string{
		"SELECT count(*) FROM flow_logs",
		"WITH a AS (SELECT srcaddr FROM flow_logs) SELECT * FROM a",
		"VALUES (1)",
		"DESCRIBE flow_logs",
		"SUMMARIZE flow_logs",
		"SHOW TABLES",
		"EXPLAIN SELECT * FROM flow_logs",
		"SELECT count(*) FROM read_csv('" + filepath.Join(dir, name) + "')",
	} {
		if _, err := db.RunSQL(context.Background(), sql); err != nil {
			t.Errorf("%s: %v", sql, err)
		}
	}
}

// TestGlobCharactersInPaths: a folder whose name has glob characters is a
// path; a pattern that names no existing path is a glob; a folder named by a
// symbolic link is read.
func TestGlobCharactersInPaths(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "flows [copy]")
	writeGzip(t, filepath.Join(dir, name), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n")
	db := open(t, []string{dir}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != 1 {
		t.Errorf("folder with brackets: %d %v", n, err)
	}
	db = open(t, []string{filepath.Join(root, "flows*", "*.log.gz")}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != 1 {
		t.Errorf("glob: %d %v", n, err)
	}
	// A folder named by a symbolic link is read.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	db = open(t, []string{link}, localdb.Options{})
	if n, err := count(t, db, ""); err != nil || n != 1 {
		t.Errorf("symbolic link: %d %v", n, err)
	}
}

// TestFileUnlikeItsFlowLog: one file per flow log tells the format of the
// others; a file whose header differs (fields the first lacks) makes the DB
// read the headers of the whole flow log and run the query again, so no
// record is lost.
func TestFileUnlikeItsFlowLog(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 0)), "version srcaddr action\n2 10.0.0.1 ACCEPT\n")
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 5)), "version srcaddr action vpc-id\n2 10.0.0.2 ACCEPT vpc-2\n")
	writeGzip(t, filepath.Join(dir, fileName("fl-1", 10)), "action srcaddr\nREJECT 10.0.0.3\n")
	db := open(t, []string{dir}, localdb.Options{})
	got := rows(t, db, "SELECT srcaddr, action, coalesce(vpc_id, '-') FROM flow_logs ORDER BY srcaddr")
	if strings.Join(got, "|") != "10.0.0.1 ACCEPT -|10.0.0.2 ACCEPT vpc-2|10.0.0.3 REJECT -" {
		t.Errorf("rows %v", got)
	}
	if n := len(db.Formats()); n != 3 {
		t.Errorf("%d formats", n)
	}
}

// TestImportCancelled: a cancelled import says so with the context's error,
// not DuckDB's, and leaves no partial file.
func TestImportCancelled(t *testing.T) {
	src := t.TempDir()
	generate(t, src, sample.Options{Days: 1, Seed: 1, Records: 2000})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dest := filepath.Join(t.TempDir(), "pq")
	_, err := localdb.Import(ctx, []string{src}, dest, localdb.Options{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v", err)
	}
	var tmp []string
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if strings.HasSuffix(p, ".tmp") {
			tmp = append(tmp, p)
		}
		return nil
	})
	if len(tmp) > 0 {
		t.Errorf("left %v", tmp)
	}
}

// TestFolderGlobs: a folder whose files are all read by DuckDB's CSV reader
// is named by a glob; a file that arrives in it after Open is not read
// unchecked (the query runs again over the files planned).
func TestFolderGlobs(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		writeGzip(t, filepath.Join(dir, fileName("fl-1", 5*i)), header2+"\n"+rec("2", fmt.Sprintf("10.0.0.%d", i), "ACCEPT")+"\n")
	}
	cache := t.TempDir()
	db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
	count(t, db, "")
	db.Close()
	db = open(t, []string{dir}, localdb.Options{CheckCache: cache})
	if sql := viewSQL(t, db); !strings.Contains(sql, filepath.Join(dir, "*.log.gz")) {
		t.Errorf("no folder glob:\n%s", sql)
	}
	// A file arrives, damaged, after Open: it is not read by the glob.
	whole := writeGzip(t, filepath.Join(dir, fileName("fl-1", 20)), header2+"\n"+rec("2", "10.0.0.9", "ACCEPT")+"\n")
	os.WriteFile(filepath.Join(dir, fileName("fl-1", 20)), whole[:len(whole)/2], 0o644)
	if n, err := count(t, db, ""); err != nil || n != 3 {
		t.Errorf("count %d %v, want the 3 records planned", n, err)
	}
	if sql := viewSQL(t, db); strings.Contains(sql, "*.log.gz") {
		t.Errorf("the changed folder is still globbed:\n%s", sql)
	}
}

// TestRelativePaths: paths relative to the working folder work, confined.
func TestRelativePaths(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, "flows", name), header2+"\n"+rec("2", "10.0.0.1", "ACCEPT")+"\n")
	t.Chdir(dir)
	cache := t.TempDir()
	for _, when := range []string{"cold", "warm"} {
		db := open(t, []string{"flows"}, localdb.Options{CheckCache: cache})
		if n, err := count(t, db, ""); err != nil || n != 1 {
			t.Errorf("%s: count %d %v", when, n, err)
		}
		db.Close()
	}
	db := open(t, []string{filepath.Join("flows", name)}, localdb.Options{CheckCache: cache})
	if n, err := count(t, db, ""); err != nil || n != 1 {
		t.Errorf("a file by its relative path: count %d %v", n, err)
	}
}
