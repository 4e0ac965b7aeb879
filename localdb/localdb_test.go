package localdb_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/sample"
)

func open(t *testing.T, paths []string, opts localdb.Options) *localdb.DB {
	t.Helper()
	db, err := localdb.Open(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestSampleLayouts opens sample data in each layout and checks the view against
// the truth: totals, '-' as NULL, and partition columns from the keys.
func TestSampleLayouts(t *testing.T) {
	v5, _ := flowlog.Preset("v5")
	for _, layout := range partitions.Layouts() {
		t.Run(layout.String(), func(t *testing.T) {
			dir := t.TempDir()
			truth := generate(t, dir, sample.Options{Days: 2, Format: v5, Layout: layout, Seed: 5, Records: 20000})
			db := open(t, []string{dir}, localdb.Options{})
			var rows, rejects, nulls, bytes int64
			err := db.Conn().QueryRowContext(context.Background(), `SELECT count(*), count(*) FILTER (action = 'REJECT'),
				count(*) FILTER (srcaddr IS NULL AND packets IS NULL AND action IS NULL), sum(bytes) FROM flow_logs`).Scan(&rows, &rejects, &nulls, &bytes)
			if err != nil {
				t.Fatal(err)
			}
			if rows != truth.Records || rejects != truth.ByAction["REJECT"] || nulls != truth.ByLogStatus["NODATA"]+truth.ByLogStatus["SKIPDATA"] || bytes != truth.Bytes {
				t.Errorf("rows %d rejects %d nulls %d bytes %d; truth %d %d %d %d", rows, rejects, nulls, bytes,
					truth.Records, truth.ByAction["REJECT"], truth.ByLogStatus["NODATA"]+truth.ByLogStatus["SKIPDATA"], truth.Bytes)
			}
			if n := len(db.BadLines()); n != 0 {
				t.Errorf("%d bad lines: %v", n, db.BadLines()[0])
			}
			// The partition column of a record's file agrees with its end time.
			var mismatched int64
			q := `SELECT count(*) FROM flow_logs WHERE day <> strftime(make_timestamp(("end" - "end" % 300) * 1000000), '%Y/%m/%d')`
			if layout.Hive {
				q = `SELECT count(*) FROM flow_logs WHERE year || month || day <> strftime(make_timestamp(("end" - "end" % 300) * 1000000), '%Y%m%d')`
			}
			if err := db.Conn().QueryRowContext(context.Background(), q).Scan(&mismatched); err != nil || mismatched != 0 {
				t.Errorf("partition values: %d mismatched, %v", mismatched, err)
			}
			var acct string
			if err := db.Conn().QueryRowContext(context.Background(), "SELECT DISTINCT aws_account_id FROM flow_logs").Scan(&acct); err != nil || acct != truth.Account {
				t.Errorf("aws_account_id = %q %v", acct, err)
			}
		})
	}
}

func TestWindowPruning(t *testing.T) {
	dir := t.TempDir()
	generate(t, dir, sample.Options{Days: 3, Seed: 1, Records: 3000, Layout: partitions.Layout{PerHour: true}})
	from := sample.DefaultStart.Add(30 * time.Hour)
	w, _ := partitions.NewWindow(from, from.Add(time.Hour))
	db := open(t, []string{dir}, localdb.Options{Window: &w})
	// An hour of 5-minute files, widened by 5 minutes before and 15 after: 16 files.
	if n := len(db.Files()); n != 16 {
		t.Errorf("%d files read for a 1-hour window, want 16", n)
	}
}

func writeGzip(t *testing.T, path string, text string) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(text))
	zw.Close()
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const name = "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz"

// count runs SELECT count(*) through RunSQL, the checked path.
func count(t *testing.T, db *localdb.DB, where string) (int64, error) {
	t.Helper()
	res, err := db.RunSQL(context.Background(), "SELECT count(*) FROM flow_logs "+where)
	if err != nil {
		return 0, err
	}
	return res.Rows[0][0].(int64), nil
}

// TestCorruptGzip: a damaged gzip stream fails the query that reads it, with
// an error naming the file, every time (it is never remembered as checked).
func TestCorruptGzip(t *testing.T) {
	text := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
		strings.Repeat("2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 49152 6 10 840 1529511600 1529511660 ACCEPT OK\n", 2000)
	for _, tt := range []struct {
		name string
		cut  func([]byte) []byte
	}{
		{"missing CRC trailer", func(b []byte) []byte { return b[:len(b)-8] }},
		{"cut short", func(b []byte) []byte { return b[:len(b)/2] }},
		{"cut in the middle of a line", func(b []byte) []byte { return b[:len(b)-3] }},
		{"corrupt byte", func(b []byte) []byte { b[len(b)/2] ^= 0xff; return b }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, name)
			whole := writeGzip(t, path, text)
			os.WriteFile(path, tt.cut(whole), 0o644)
			cache := t.TempDir()
			for range 2 {
				db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
				_, err := count(t, db, "")
				var ce *localdb.CorruptFileError
				if !errors.As(err, &ce) || ce.File != path {
					t.Fatalf("error = %v, want a CorruptFileError naming %s", err, path)
				}
				db.Close()
			}
		})
	}
}

func TestBadLinesAndStrict(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, name), "version srcaddr dstport action\n2 10.0.0.1 22 REJECT\n2 10.0.0.2 NaN REJECT\n2 10.0.0.3\n2 10.0.0.4 80 ACCEPT\n")
	cache := t.TempDir()
	check := func(db *localdb.DB) {
		t.Helper()
		if n, err := count(t, db, ""); err != nil || n != 2 {
			t.Errorf("rows = %d %v, want 2", n, err)
		}
		bad := db.BadLines()
		if len(bad) != 2 || bad[0].Line != 3 || !strings.Contains(bad[0].Err, `field dstport: "NaN": not an integer`) || bad[1].Line != 4 ||
			db.BadLineCount() != 2 {
			t.Errorf("bad lines = %+v (%d)", bad, db.BadLineCount())
		}
	}
	// Not checked before: the query finds them; checked before: from the cache.
	for _, when := range []string{"cold", "warm"} {
		t.Run(when, func(t *testing.T) {
			db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
			check(db)
			db.Close()
		})
	}
	// Strict, cold: the query fails on the first bad line; warm: Open refuses.
	db := open(t, []string{dir}, localdb.Options{Strict: true})
	if _, err := count(t, db, ""); err == nil || !strings.Contains(err.Error(), "bad line (--strict stops at the first one): ") || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("strict, cold: %v", err)
	}
	_, err := localdb.Open(context.Background(), []string{dir}, localdb.Options{Strict: true, CheckCache: cache})
	if err == nil || !strings.Contains(err.Error(), "2 bad line(s) (--strict); first: ") {
		t.Errorf("strict, warm: %v", err)
	}
}

// viewSQL is the SQL DuckDB holds for the view.
func viewSQL(t *testing.T, db *localdb.DB) string {
	t.Helper()
	var sql string
	if err := db.Conn().QueryRowContext(context.Background(), "SELECT sql FROM duckdb_views() WHERE view_name = 'flow_logs'").Scan(&sql); err != nil {
		t.Fatal(err)
	}
	return sql
}

// TestCheckCache: a file read whole once is read by DuckDB's CSV reader the
// next time; a changed file is read through flowq's reader again.
func TestCheckCache(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, name)
	writeGzip(t, path, "version srcaddr\n2 10.0.0.1\n")
	cache := t.TempDir()
	db := open(t, []string{dir}, localdb.Options{CheckCache: cache})
	if !strings.Contains(viewSQL(t, db), "flowq_scan(") {
		t.Errorf("a file never read is not read through flowq's reader:\n%s", viewSQL(t, db))
	}
	if n, err := count(t, db, ""); err != nil || n != 1 {
		t.Fatalf("count = %d %v", n, err)
	}
	db.Close()
	db = open(t, []string{dir}, localdb.Options{CheckCache: cache})
	if sql := viewSQL(t, db); !strings.Contains(sql, "read_csv(") || strings.Contains(sql, "flowq_scan(") {
		t.Errorf("a checked file is not read by read_csv:\n%s", sql)
	}
	db.Close()
	// A changed file (other size) is checked again, and its damage found.
	whole := writeGzip(t, path, "version srcaddr\n2 10.0.0.1\n2 10.0.0.2\n")
	os.WriteFile(path, whole[:len(whole)-8], 0o644)
	db = open(t, []string{dir}, localdb.Options{CheckCache: cache})
	if _, err := count(t, db, ""); err == nil {
		t.Error("a changed, truncated file was trusted from the cache")
	}
}

// TestMixedFormats: text files of two formats and a Parquet file, unioned by
// column name; columns a file lacks are NULL.
func TestMixedFormats(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, "a", name), "version srcaddr dstaddr action\n2 10.0.0.1 10.0.0.2 ACCEPT\n")
	writeGzip(t, filepath.Join(dir, "b", strings.Replace(name, "fl-1234abcd", "fl-5678abcd", 1)), "version vpc-id srcaddr tcp-flags\n3 vpc-1 10.0.0.3 2\n")
	// A third flow log, of a third format, as a Parquet cache in the same tree.
	src := t.TempDir()
	writeGzip(t, filepath.Join(src, strings.Replace(name, "fl-1234abcd", "fl-9abcdef0", 1)), "version srcaddr tcp-flags action\n5 10.0.0.4 18 REJECT\n")
	if _, err := localdb.Import(context.Background(), []string{src}, filepath.Join(dir, "c"), localdb.Options{}); err != nil {
		t.Fatal(err)
	}
	db := open(t, []string{dir}, localdb.Options{})
	rows, err := db.Conn().QueryContext(context.Background(), "SELECT srcaddr, dstaddr, vpc_id, tcp_flags FROM flow_logs ORDER BY srcaddr")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var src string
		var dst, vpc *string
		var flags *int32
		rows.Scan(&src, &dst, &vpc, &flags)
		got = append(got, strings.Join([]string{src, str(dst), str(vpc), num(flags)}, " "))
	}
	if strings.Join(got, "|") != "10.0.0.1 10.0.0.2 NULL NULL|10.0.0.3 NULL vpc-1 2|10.0.0.4 NULL NULL 18" {
		t.Errorf("rows = %v", got)
	}
	if len(db.Formats()) != 3 {
		t.Errorf("formats = %d", len(db.Formats()))
	}
}

func str(s *string) string {
	if s == nil {
		return "NULL"
	}
	return *s
}

func num(n *int32) string {
	if n == nil {
		return "NULL"
	}
	return strconv.Itoa(int(*n))
}

// TestInNetwork: flowq_in_network holds IPv4 and IPv6 addresses to a
// network, and gives NULL for what is not an address, as Athena's TRY_CAST
// does: NOT flowq_in_network(…) must not take garbage for a public address.
func TestInNetwork(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, "a.log.gz"), "version srcaddr dstaddr start end\n2 10.0.0.1 10.0.0.2 1 2\n")
	db := open(t, []string{dir}, localdb.Options{})
	for addr, want := range map[string]string{"10.1.2.3": "true", "11.0.0.1": "false", "::ffff:10.0.0.9": "true", "2600::1": "false", "garbage": "<nil>"} {
		res, err := db.RunSQL(context.Background(), "SELECT flowq_in_network('10.0.0.0/8', ?)", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(res.Rows[0][0]); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
}
