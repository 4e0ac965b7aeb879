package localdb

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/flowq/flowq/flowlog"
)

// sharedDuck is one DuckDB for the fuzz target's iterations.
var sharedDuck = sync.OnceValues(func() (*sql.DB, error) { return sql.Open("duckdb", "") })

// FuzzCSVAgreesWithReader: any file flowq's reader finds plain (every line a
// good record) is read by DuckDB's CSV reader, as the view reads it, with the
// same values: no row dropped, none changed. Run it with make fuzz; go test
// runs the seeds.
func FuzzCSVAgreesWithReader(f *testing.F) {
	// Each input is a record with five fields to vary, then free text: the
	// record keeps its 14 fields most of the time, so that most inputs reach
	// DuckDB, and the free text tries line breaks, blank lines and headers.
	for _, seed := range [][6]string{
		{"2", "123456789010", "20", "ACCEPT", "OK", ""},
		{"2", "-", "-", "-", "NODATA", "2 1 eni-1 - - - - - - - 1 2 - NODATA"},
		{"3000000000", "1", "1", "REJECT", "OK", ""},
		{"2147483647", "1", "9223372036854775807", "REJECT", "SKIPDATA", ""},
		{"007", "00000000000000000000001", "0000000000000000000000000001", "ACCEPT", "OK", ""},
		{"2", "e\ti", "1", "ACCEPT", "OK", ""},
		{"2", "\"x\"", "1", "ACCEPT", "'y'", ""},
		{"2", "\u00e9\u2028\ufeff", "1", "ACCEPT", "OK", ""},
		{"2", "a", "1", "DROP", "OK", ""},
		{"2", "a\rb", "1", "ACCEPT", "OK", ""},
		{"2", "\\N", "1", "ACCEPT", "NULL", ""},
		{"+2", "a", "1_0", "ACCEPT", "OK", ""},
		{"2", "a", "0x10", "ACCEPT", "OK", ""},
		{"2", "a", "1e3", "ACCEPT", "OK", ""},
		{"2", "\xff", "1", "ACCEPT", "OK", ""},
		{"2", "a", "1", "ACCEPT", "OK", "\n"},
		{"2", "a", "1", "ACCEPT", "OK\r", "2 a eni-1 10.0.0.1 10.0.0.2 443 49152 6 1 840 1 2 ACCEPT OK\r"},
		{"2", "a", "1", "ACCEPT", "OK", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"},
		{"2", "a", "1", "ACCEPT", "OK", "2 a eni-1 10.0.0.1 10.0.0.2 443 49152 6 1 840 1 2 ACCEPT OK"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3], seed[4], seed[5])
	}
	def, _ := flowlog.Preset("default")
	f.Fuzz(func(t *testing.T, version, account, packets, action, status, extra string) {
		line := strings.Join([]string{version, account, "eni-1", "10.0.0.1", "10.0.0.2", "443", "49152", "6", packets, "840", "1", "2", action, status}, " ")
		content := def.Header() + "\n" + line + "\n" + extra
		rd := flowlog.NewReader(strings.NewReader(content), flowlog.Format{})
		var want []flowlog.Record
		bad := 0
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				var le *flowlog.LineError
				if !errors.As(err, &le) {
					t.Fatalf("reader error %T: %v", err, err)
				}
				bad++
				continue
			}
			want = append(want, rec)
		}
		if !plain(rd, bad) || len(want) == 0 {
			return // read through flowq's reader, never by DuckDB's CSV reader
		}
		path := filepath.Join(t.TempDir(), "flows.log")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		db, err := sharedDuck()
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.QueryContext(context.Background(), csvSelect(want[0].Format, []string{path}, true, false, nil))
		if err != nil {
			t.Fatalf("DuckDB cannot read what flowq's reader accepted, %q: %v", line, err)
		}
		defer rows.Close()
		fields := want[0].Format.Fields()
		got := 0
		for rows.Next() {
			vals := make([]any, len(fields))
			ptrs := make([]any, len(fields))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			if got >= len(want) {
				t.Fatalf("DuckDB read more rows than flowq's reader from %q", line)
			}
			for i, fd := range fields {
				w := want[got].Values[i]
				switch v := vals[i].(type) {
				case nil:
					if !w.Null {
						t.Fatalf("%q: field %s: DuckDB NULL, flowq %v", line, fd.Name, w)
					}
				case string:
					if w.Null || w.Str != v {
						t.Fatalf("%q: field %s: DuckDB %q, flowq %+v", line, fd.Name, v, w)
					}
				case int32:
					if w.Null || w.Int != int64(v) {
						t.Fatalf("%q: field %s: DuckDB %d, flowq %+v", line, fd.Name, v, w)
					}
				case int64:
					if w.Null || w.Int != v {
						t.Fatalf("%q: field %s: DuckDB %d, flowq %+v", line, fd.Name, v, w)
					}
				default:
					t.Fatalf("field %s: unexpected %T", fd.Name, v)
				}
			}
			got++
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("DuckDB cannot read what flowq's reader accepted, %q: %v", line, err)
		}
		if got != len(want) {
			t.Fatalf("%q: DuckDB read %d rows, flowq's reader %d", line, got, len(want))
		}
	})
}
