package localdb_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flowq/flowq/localdb"
)

func corpusDir(t *testing.T) string {
	dir := os.Getenv("FLOWQ_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.md")); err != nil {
		t.Skipf("conformance corpus not found at %s (set FLOWQ_CORPUS): %v", dir, err)
	}
	return dir
}

// TestCorpusParquet loads the corpus's Parquet file (written by flowlogs-reader's
// tests) and checks every value against its expectation.
func TestCorpusParquet(t *testing.T) {
	dir := corpusDir(t)
	db := open(t, []string{filepath.Join(dir, "flowlogs-reader", "flows.parquet")}, localdb.Options{})
	var want []map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "flowlogs-reader", "flows.parquet.expected.json"))
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	compareRows(t, db, "SELECT * FROM flow_logs ORDER BY interface_id, srcaddr NULLS FIRST", want)
}

// TestCorpusText loads header-bearing corpus files, one with a bad last line,
// and checks their values against flowlogs-reader's expectations.
func TestCorpusText(t *testing.T) {
	dir := corpusDir(t)
	for _, name := range []string{"v3-s3-file", "v4-s3-file", "v5-s3-file", "v6-tgw-s3-file"} {
		t.Run(name, func(t *testing.T) {
			db := open(t, []string{filepath.Join(dir, "flowlogs-reader", name+".log")}, localdb.Options{})
			var want []map[string]any
			b, _ := os.ReadFile(filepath.Join(dir, "flowlogs-reader", name+".expected.json"))
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			compareRows(t, db, "SELECT * FROM flow_logs", want)
			if name == "v5-s3-file" && (len(db.BadLines()) != 1 || db.BadLines()[0].Line != 4) {
				t.Errorf("bad lines = %+v", db.BadLines())
			}
		})
	}
}

func compareRows(t *testing.T, db *localdb.DB, query string, want []map[string]any) {
	t.Helper()
	rows, err := db.Conn().QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	i := 0
	for ; rows.Next(); i++ {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for j := range vals {
			ptrs[j] = &vals[j]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		for j, c := range cols {
			got[c] = vals[j]
		}
		if i >= len(want) {
			break
		}
		for k, w := range want[i] {
			g, ok := got[k]
			if !ok {
				t.Errorf("row %d: no column %s", i, k)
				continue
			}
			if ws, isStr := w.(string); isStr && (k == "start" || k == "end") {
				ts, _ := time.Parse(time.RFC3339, ws)
				w = float64(ts.Unix())
			}
			if !sameValue(g, w) {
				t.Errorf("row %d %s: got %v (%T), want %v", i, k, g, g, w)
			}
		}
	}
	if i != len(want) {
		t.Errorf("%d rows, want %d", i, len(want))
	}
}

func sameValue(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case float64:
		switch g := got.(type) {
		case int32:
			return float64(g) == w
		case int64:
			return float64(g) == w
		}
		return false
	case string:
		g, ok := got.(string)
		return ok && g == w
	}
	return false
}
