package rca

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/queries"
)

// diag is one diagnosis while it runs: the request, the engine, what the
// data can tell, the queries run so far and the findings.
type diag struct {
	ctx   context.Context
	eng   queries.Engine
	lib   *queries.Library
	limit int64

	req    Request
	a, b   netip.Prefix // Src, Dst
	proto  int64        // 0: any
	data   Data
	runs   []Run
	out    Diagnosis
	steps  map[string]string
	cannot []string
	// caveats qualify a verdict of flows normally: what did not flow.
	caveats []string
}

func newDiag(ctx context.Context, eng queries.Engine, req Request, opts Options) *diag {
	d := &diag{ctx: ctx, eng: eng, lib: opts.Library, limit: opts.Limit, req: req, steps: map[string]string{}}
	if d.lib == nil {
		d.lib = queries.Default()
	}
	if d.limit <= 0 {
		d.limit = DefaultLimit
	}
	d.limit = min(d.limit, queries.MaxLimit)
	d.a, _ = parseEndpoint(req.Src)
	d.b, _ = parseEndpoint(req.Dst)
	d.proto = Protocols[req.Protocol]
	d.data = dataOf(eng.Dataset().Formats)
	return d
}

// dataOf says what formats can tell.
func dataOf(formats []flowlog.Format) Data {
	d := Data{Kind: "vpc"}
	tgw, vpc := 0, 0
	for _, f := range formats {
		d.Versions = append(d.Versions, f.Version())
		d.Fields = append(d.Fields, f.Len())
		if f.Has("tgw-attachment-id") {
			tgw++
		}
		if f.Has("interface-id") && f.Has("action") {
			vpc++
		}
	}
	switch {
	case tgw > 0 && tgw == len(formats):
		d.Kind = "tgw"
	case tgw > 0 || vpc < len(formats):
		d.Kind = "mixed"
	}
	every := func(field string) bool {
		return len(formats) > 0 && !slices.ContainsFunc(formats, func(f flowlog.Format) bool { return !f.Has(field) })
	}
	d.TCPFlags, d.FlowDirection, d.RejectReason = every("tcp-flags"), every("flow-direction"), every("reject-reason")
	return d
}

// table is what diagnose kept of a query's result: its columns and the rows
// of this connection.
type table struct {
	ref   string
	cols  []string
	idx   map[string]int
	rows  [][]any
	total int  // rows the query returned
	cut   bool // the limit cut the result even at queries.MaxLimit
}

// keepFunc says whether a row of a result is of this connection.
type keepFunc func(t *table, row []any) bool

// run runs a library query for a step of the checklist, keeping the rows
// keep accepts (every row when keep is nil), and records the run. A query
// with a limit parameter that given does not set is first run at d.limit,
// then, when that limit cut its result, again at queries.MaxLimit: a verdict
// never rests on a result cut unsaid.
func (d *diag) run(step, ref string, given map[string]string, keep keepFunc) (*table, error) {
	q, err := d.lib.Get(ref)
	if err != nil {
		return nil, fmt.Errorf("diagnose: %s: %w", step, err)
	}
	limits := []int64{0}
	if _, set := given[queries.LimitParam]; q.Param(queries.LimitParam) != nil && !set {
		limits = []int64{d.limit}
		if d.limit < queries.MaxLimit {
			limits = append(limits, queries.MaxLimit)
		}
	}
	for i, limit := range limits {
		params := map[string]string{}
		for k, v := range given {
			params[k] = v
		}
		if limit > 0 {
			params[queries.LimitParam] = strconv.FormatInt(limit, 10)
		}
		vals, err := q.Resolve(params)
		if err != nil {
			return nil, fmt.Errorf("diagnose: %s: %w", step, err)
		}
		t := &table{ref: q.Ref()}
		prov, err := queries.Stream(d.ctx, d.eng, q, vals, func(p queries.Page) error {
			if t.idx == nil {
				t.columns(p.Columns)
			}
			for _, row := range p.Rows {
				t.total++
				if keep == nil || keep(t, row) {
					t.rows = append(t.rows, row)
				}
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("diagnose: %s: %w", step, err)
		}
		d.runs = append(d.runs, Run{Step: step, Kept: len(t.rows), Provenance: prov})
		if !prov.Truncated || i == len(limits)-1 {
			t.cut = prov.Truncated && limit > 0
			if t.cut {
				d.cannot = append(d.cannot, fmt.Sprintf("%s was cut at its limit of %d rows: rows of this connection beyond them were not read, and the verdict rests on the rest; narrow the window",
					q.Ref(), limit))
			}
			return t, nil
		}
	}
	panic("unreachable")
}

func (t *table) columns(cols []queries.Column) {
	t.idx = map[string]int{}
	for i, c := range cols {
		t.cols = append(t.cols, c.Name)
		t.idx[c.Name] = i
	}
}

// get is a row's value of a column; nil when the result has no such column.
func (t *table) get(row []any, col string) any {
	if i, ok := t.idx[col]; ok && i < len(row) {
		return row[i]
	}
	return nil
}

// str is a value as text: "" for NULL.
func (t *table) str(row []any, col string) string {
	switch v := t.get(row, col).(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	default:
		return fmt.Sprint(v)
	}
}

// int is an integer value: 0 for NULL or what is not a number.
func (t *table) int(row []any, col string) int64 {
	n, _ := toInt(t.get(row, col))
	return n
}

// null reports whether a value is NULL.
func (t *table) null(row []any, col string) bool { return t.get(row, col) == nil }

// time is a timestamp value; the zero time for NULL.
func (t *table) time(row []any, col string) time.Time {
	switch v := t.get(row, col).(type) {
	case time.Time:
		return v.UTC()
	case string:
		tm, _ := time.Parse(time.RFC3339, v)
		return tm
	}
	return time.Time{}
}

// toInt reads the integer types an engine hands over.
func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case *big.Int:
		return n.Int64(), n.IsInt64()
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// in reports whether an address, as a record writes it, lies in a network.
func in(p netip.Prefix, s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && p.Contains(a.Unmap())
}

// evidence is the rows kept of a table, as the verdict shows them.
func (t *table) evidence() Evidence {
	rows := t.rows
	if rows == nil {
		rows = [][]any{}
	}
	cols := t.cols
	if cols == nil {
		cols = []string{}
	}
	return Evidence{Query: t.ref, Columns: cols, Rows: rows, Cut: t.cut}
}
