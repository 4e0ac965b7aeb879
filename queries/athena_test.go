package queries

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// TestAthenaRenderings reviews every rendering of the library for Athena
// against what Athena accepts ("Use parameterized queries"; Trino's
// functions), in each layout, with and without a window and a scope:
//   - a ? only in a WHERE clause, one per ExecutionParameter;
//   - addresses cast with TRY_CAST, never CAST, which fails on '-';
//   - the scope's accounts and regions as literals, in every WHERE that
//     reads the table (an injected projection needs them there);
//   - inline, no ? at all, and the same SQL with the values in place.
func TestAthenaRenderings(t *testing.T) {
	w, _ := partitions.NewWindow(time.Date(2026, 1, 5, 22, 0, 0, 0, time.UTC), time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC))
	for _, q := range Default().All() {
		vals, err := q.Resolve(exampleParams(q))
		if err != nil {
			t.Fatal(err)
		}
		for _, layout := range partitions.Layouts() {
			for _, opts := range []RenderOptions{
				{Window: &w},
				{},
				{Window: &w, Accounts: []string{"111122223333", "444455556666"}, Regions: []string{"eu-west-1"}},
			} {
				opts.Dialect, opts.Layout, opts.Params, opts.Table = Athena, layout, vals, "vpc_flow_logs.flow_logs"
				r, err := q.Render(opts)
				if err != nil {
					t.Fatal(err)
				}
				at := Placeholders(r.SQL)
				if len(at) != len(r.Args) {
					t.Errorf("%s %s: %d placeholders for %d values", q.Ref(), layout, len(at), len(r.Args))
				}
				for _, i := range at {
					if c := clauseAt(r.SQL[:i]); c != WhereClause {
						t.Errorf("%s %s: a ? in %q, which Athena refuses: …%s", q.Ref(), layout, c, r.SQL[max(i-60, 0):i+1])
					}
				}
				if n := strings.Count(r.SQL, "CAST(") - strings.Count(r.SQL, "TRY_CAST("); n > 0 {
					t.Errorf("%s: %d CAST( where TRY_CAST( is needed:\n%s", q.Ref(), n, r.SQL)
				}
				if opts.Accounts != nil {
					scans := strings.Count(r.SQL, "FROM vpc_flow_logs.flow_logs")
					scoped := strings.Count(r.SQL, "aws_account_id IN ('111122223333', '444455556666') AND aws_region = 'eu-west-1'")
					if scans == 0 || scoped != scans {
						t.Errorf("%s: %d scans of the table, %d scoped:\n%s", q.Ref(), scans, scoped, r.SQL)
					}
				}

				opts.Inline = true
				in, err := q.Render(opts)
				if err != nil {
					t.Fatal(err)
				}
				if len(Placeholders(in.SQL)) != 0 || len(in.Args) != 0 {
					t.Errorf("%s inline: placeholders left:\n%s", q.Ref(), in.SQL)
				}
				lits, _ := r.ExecutionParameters()
				filled := r.SQL
				for _, lit := range lits {
					i := Placeholders(filled)[0]
					if strings.HasPrefix(lit, "-") {
						lit = "(" + lit + ")"
					}
					filled = filled[:i] + lit + filled[i+1:]
				}
				if r.Limit > 0 {
					// Inline asks for the limit as given, not one row more.
					filled = strings.Replace(filled, "LIMIT "+strconv.FormatInt(r.Limit+1, 10)+"\n", "LIMIT "+strconv.FormatInt(r.Limit, 10)+"\n", 1)
				}
				if filled != in.SQL || in.Limit != 0 {
					t.Errorf("%s: inline is not the SQL with its values in place:\n%s\n%s", q.Ref(), in.SQL, filled)
				}
			}
		}
	}
}

// TestRenderChecksFields: given the table's formats, a query that reads a
// field one lacks is refused before it is rendered; a Transit Gateway table
// has no action.
func TestRenderChecksFields(t *testing.T) {
	tgw, _ := flowlog.ParseFormat("tgw")
	v2, _ := flowlog.ParseFormat("default")
	q, _ := Default().Get("rejects-on-port")
	vals, _ := q.Resolve(map[string]string{"port": "22"})
	_, err := q.Render(RenderOptions{Dialect: Athena, Params: vals, Formats: []flowlog.Format{tgw}})
	if err == nil || !strings.Contains(err.Error(), "needs field(s) interface-id (v2), action (v2)") {
		t.Errorf("tgw: %v", err)
	}
	if _, err := q.Render(RenderOptions{Dialect: Athena, Params: vals, Formats: []flowlog.Format{v2}}); err != nil {
		t.Error(err)
	}
}

// TestScope: accounts and regions are checked, and written as literals in
// both dialects, with or without a window.
func TestScope(t *testing.T) {
	q, _ := Default().Get("rejects-on-port@1")
	vals, _ := q.Resolve(map[string]string{"port": "22"})
	for _, tc := range []struct {
		accounts, regions []string
		want, err         string
	}{
		{[]string{"111122223333"}, nil, "aws_account_id = '111122223333'", ""},
		{nil, []string{"us-east-1", "eu-west-1"}, "aws_region IN ('us-east-1', 'eu-west-1')", ""},
		{[]string{"1111'22223333"}, nil, "", `account "1111'22223333": want 12 digits`},
		{nil, []string{"us east"}, "", `region "us east": want a region code`},
	} {
		for _, d := range Dialects {
			r, err := q.Render(RenderOptions{Dialect: d, Params: vals, Accounts: tc.accounts, Regions: tc.regions})
			switch {
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("%v %v: %v, want %s", tc.accounts, tc.regions, err, tc.err)
				}
			case err != nil:
				t.Error(err)
			case !strings.Contains(r.SQL, "AND "+tc.want+"\n"):
				t.Errorf("%s: want %s in\n%s", d.Name(), tc.want, r.SQL)
			}
		}
	}
}

// fakeEngine hands over fixed rows in pages of a given size. With learn,
// it finds that format while it reads.
type fakeEngine struct {
	rows    int
	size    int
	pages   int
	learn   string
	reading bool
}

func (e *fakeEngine) Dataset() Dataset {
	v2, _ := flowlog.ParseFormat("default")
	formats := []flowlog.Format{v2}
	if e.reading && e.learn != "" {
		f, _ := flowlog.ParseFormat(e.learn)
		formats = append(formats, f)
	}
	return Dataset{Dialect: DuckDB, Table: "flow_logs", Formats: formats}
}

func (e *fakeEngine) Query(_ context.Context, _ string, _ []any, page func(Page) error) (EngineProvenance, error) {
	e.reading = true
	cols := []Column{{Name: "n", Type: "BIGINT"}}
	for i := 0; i == 0 || i < e.rows; i += e.size {
		var rows [][]any
		for j := i; j < min(i+e.size, e.rows); j++ {
			rows = append(rows, []any{int64(j)})
		}
		e.pages++
		if err := page(Page{Columns: cols, Rows: rows}); err != nil {
			return EngineProvenance{}, err
		}
	}
	return EngineProvenance{Engine: "fake", ScannedBytes: 7}, nil
}

func (e *fakeEngine) Close() error { return nil }

// TestStream: rows reach the page func as the engine's pages arrive, cut at
// the limit across pages, and said to be cut only when more came.
func TestStream(t *testing.T) {
	q, _ := Default().Get("top-rejected-destinations@2")
	for _, tc := range []struct {
		engine, limit, size, want int
		truncated                 bool
	}{
		{6, 5, 2, 5, true}, {5, 5, 2, 5, false}, {0, 5, 2, 0, false}, {2500, 1000, 1000, 1000, true}, {11, 10, 1, 10, true},
	} {
		vals, _ := q.Resolve(map[string]string{"limit": strconv.Itoa(tc.limit)})
		eng := &fakeEngine{rows: tc.engine, size: tc.size}
		var got []int64
		calls := 0
		p, err := Stream(context.Background(), eng, q, vals, func(pg Page) error {
			calls++
			if len(pg.Columns) != 1 {
				t.Errorf("page without columns")
			}
			for _, r := range pg.Rows {
				got = append(got, r[0].(int64))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tc.want || p.Rows != tc.want || p.Truncated != tc.truncated || calls != eng.pages || p.ScannedBytes != 7 || p.Query != q.Ref() {
			t.Errorf("%+v: %d rows in %d calls (engine pages %d), provenance %+v", tc, len(got), calls, eng.pages, p)
		}
		for i, n := range got {
			if n != int64(i) {
				t.Fatalf("%+v: row %d is %d", tc, i, n)
			}
		}
	}
}

// TestPlaceholders: a ? in a string, a quoted name or a comment is not one.
func TestPlaceholders(t *testing.T) {
	sql := "SELECT '?', \"a?\", ? -- ?\n/* ? */ x = ?"
	if got := Placeholders(sql); len(got) != 2 || sql[got[0]] != '?' || got[1] != len(sql)-1 {
		t.Errorf("placeholders %v", got)
	}
}

// TestStreamFormatsFoundWhileReading: a format the engine finds while it
// reads, without a field the query needs, fails the query before any row
// reaches page.
func TestStreamFormatsFoundWhileReading(t *testing.T) {
	q, _ := Default().Get("top-rejected-destinations@2")
	vals, _ := q.Resolve(nil)
	rows := 0
	_, err := Stream(context.Background(), &fakeEngine{rows: 5, size: 2, learn: "${version} ${srcaddr} ${dstaddr}"}, q, vals, func(p Page) error {
		rows += len(p.Rows)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "(found while reading)") || rows != 0 {
		t.Errorf("%d rows, error %v", rows, err)
	}
}

// TestEveryScanHasPartitionPredicate: in every Athena rendering of the
// library, in every layout, each read of the table has the window's
// partition predicate: a query without one would scan the whole table.
func TestEveryScanHasPartitionPredicate(t *testing.T) {
	const table = "vpc_flow_logs.flow_logs"
	scan := regexp.MustCompile(`\b(FROM|JOIN)\s+` + regexp.QuoteMeta(table) + `\b`)
	w, _ := partitions.NewWindow(time.Date(2026, 1, 5, 22, 0, 0, 0, time.UTC), time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC))
	for _, q := range Default().All() {
		vals, err := q.Resolve(exampleParams(q))
		if err != nil {
			t.Fatal(err)
		}
		for _, layout := range partitions.Layouts() {
			cond, err := Athena.Window(layout, w, func(any) (string, error) { return "?", nil })
			if err != nil {
				t.Fatal(err)
			}
			predicate, _, _ := strings.Cut(cond, ` AND "end" >=`)
			r, err := q.Render(RenderOptions{Dialect: Athena, Table: table, Layout: layout, Window: &w, Params: vals})
			if err != nil {
				t.Fatal(err)
			}
			scans, predicates := len(scan.FindAllString(r.SQL, -1)), strings.Count(r.SQL, predicate)
			if scans == 0 || predicates < scans {
				t.Errorf("%s %s: %d reads of the table, %d partition predicates (%s):\n%s", q.Ref(), layout, scans, predicates, predicate, r.SQL)
			}
		}
	}
}
