package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"time"

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// QueryRun is one query the audit ran, as the manifest records it: what it
// was for, its parameters as given, and its provenance (name@version, the
// SQL's SHA-256 and the rendered SQL's, the engine, the window, Athena's
// QueryExecutionId and data scanned or the files read, rows and times).
type QueryRun struct {
	Purpose string            `json:"purpose"`
	Params  map[string]string `json:"params"`
	// Kept is, for a slice of denies.csv, how many of its rows went into the
	// file: a deny that began before the slice is in the slice before it.
	Kept *int `json:"kept,omitempty"`
	// Discarded says that the run's rows were not used: the limit cut them,
	// and the slice was run again in smaller slices.
	Discarded bool `json:"discarded,omitempty"`
	queries.Provenance
}

// stream runs a library query, pinned by name@version, with parameters
// given as text (validated and bound by the library), handing its rows to
// page, and records the run.
func (a *auditor) stream(ctx context.Context, eng queries.Engine, ref, purpose string, given map[string]string, page func(queries.Page) error) (*QueryRun, error) {
	q, err := queries.Default().Get(ref)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	vals, err := q.Resolve(given)
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	prov, err := queries.Stream(ctx, eng, q, vals, page)
	if err != nil {
		return nil, fmt.Errorf("audit: %s: %w", purpose, err)
	}
	params := map[string]string{}
	for _, p := range q.Params {
		params[p.Name] = p.Default
		if v, ok := given[p.Name]; ok {
			params[p.Name] = v
		}
	}
	a.runs = append(a.runs, QueryRun{Purpose: purpose, Params: params, Provenance: prov})
	return &a.runs[len(a.runs)-1], nil
}

// table is a whole (small) result: a ranking, the coverage.
type table struct {
	cols map[string]int
	rows [][]any
}

// collect runs a query and keeps its rows; a result the limit cut is an
// error unless cut is true (a ranking's top rows).
func (a *auditor) collect(ctx context.Context, ref, purpose string, given map[string]string, cut bool) (*table, error) {
	t := &table{}
	run, err := a.stream(ctx, a.eng, ref, purpose, given, func(p queries.Page) error {
		if t.cols == nil {
			t.cols = map[string]int{}
			for i, c := range p.Columns {
				t.cols[c.Name] = i
			}
		}
		t.rows = append(t.rows, p.Rows...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if run.Truncated && !cut {
		return nil, fmt.Errorf("audit: %s: %s returned more than its limit of %d rows: the audit needs them all; give a shorter window",
			purpose, ref, run.Limit)
	}
	return t, nil
}

// value is a row's value of a column; a column the result lacks is an error
// of the library, which the tests of each query rule out.
func (t *table) value(row []any, col string) any {
	i, ok := t.cols[col]
	if !ok {
		return nil
	}
	return row[i]
}

func (t *table) int(row []any, col string) int64       { return toInt(t.value(row, col)) }
func (t *table) str(row []any, col string) string      { return toString(t.value(row, col)) }
func (t *table) time(row []any, col string) *time.Time { return toTime(t.value(row, col)) }

// toInt reads a count or a sum, whichever type the engine gave it in.
func toInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i
		}
		f, _ := v.Float64()
		return int64(f)
	case *big.Int:
		if v.IsInt64() {
			return v.Int64()
		}
		return math.MaxInt64
	case string:
		i, _ := strconv.ParseInt(v, 10, 64)
		return i
	}
	return 0
}

func toString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	return textValue(v)
}

// timeLayouts are the ways an engine may give a timestamp as text (Athena's
// CSV results, if a column comes back untyped).
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999 UTC", "2006-01-02 15:04:05.999999999"}

func toTime(v any) *time.Time {
	switch v := v.(type) {
	case time.Time:
		t := v.UTC()
		return &t
	case string:
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, v); err == nil {
				t = t.UTC()
				return &t
			}
		}
	}
	return nil
}

// textValue writes a value as the report package's text formats do (flowq
// run -o csv): NULL is empty, times are RFC 3339 in UTC.
func textValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// narrowed is the audit's engine over a slice of its window: the queries
// rendered for it read only the slice (Athena prunes its partitions).
type narrowed struct {
	queries.Engine
	window partitions.Window
}

func (n narrowed) Dataset() queries.Dataset {
	ds := n.Engine.Dataset()
	ds.Window = &n.window
	return ds
}

// Close leaves the audit's engine open: it is the caller's.
func (n narrowed) Close() error { return nil }
