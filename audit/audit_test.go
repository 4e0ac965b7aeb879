package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/audit"
	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// The audit's unit tests run it on a recording stub of an engine: it
// records each statement and its bound values, and answers the queries it
// recognises from a list of denies. The answers of the real engines are
// proven in pack_test.go (localdb) and cmd/flowq (the Athena fake).

// stubDeny is a deny the stub holds.
type stubDeny struct {
	start, end time.Time
	iface      string
	src, dst   string
	packets    int64
}

// call is one statement the stub ran.
type call struct {
	SQL  string
	Args []any
}

// stub is a recording engine over a window.
type stub struct {
	window partitions.Window
	denies []stubDeny
	calls  *[]call
	// perDayExtra is added to denies-per-day's count of the first day: an
	// engine whose queries disagree.
	perDayExtra int64
	// closed counts the stubs Close was called on.
	closed *int
	ids    *int // Athena-like execution IDs handed out
}

var day1 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

func newStub(w partitions.Window, denies []stubDeny) *stub {
	return &stub{window: w, denies: denies, calls: new([]call), closed: new(int), ids: new(int)}
}

func (s *stub) Dataset() queries.Dataset {
	v2, _ := flowlog.Preset("default")
	return queries.Dataset{Dialect: queries.DuckDB, Table: "flow_logs", Window: &s.window, Formats: []flowlog.Format{v2}}
}

func (s *stub) Close() error { *s.closed++; return nil }

// over returns a stub of the same data over another window (Options.Slice).
func (s *stub) over(w partitions.Window) *stub {
	c := *s
	c.window = w
	return &c
}

func (s *stub) Query(ctx context.Context, sql string, args []any, page func(queries.Page) error) (queries.EngineProvenance, error) {
	*s.calls = append(*s.calls, call{SQL: sql, Args: args})
	*s.ids++
	prov := queries.EngineProvenance{Engine: "stub", ExecutionID: fmt.Sprintf("exec-%d", *s.ids), ScannedBytes: 1000}
	cols := func(names ...string) []queries.Column {
		var out []queries.Column
		for _, n := range names {
			out = append(out, queries.Column{Name: n})
		}
		return out
	}
	// The counts and the export bind the window's days (text), its from
	// and to (Unix seconds), then the limit.
	in := func(d stubDeny) bool {
		var ints []int64
		for _, a := range args {
			if n, ok := a.(int64); ok {
				ints = append(ints, n)
			}
		}
		from, to := time.Unix(ints[0], 0).UTC(), time.Unix(ints[1], 0).UTC()
		return !d.end.Before(from) && d.start.Before(to)
	}
	limit := len(s.denies) + 1
	if n, ok := args[len(args)-1].(int64); ok {
		limit = int(n)
	}
	var p queries.Page
	switch {
	case strings.Contains(sql, "FROM rejected"): // denies-per-day
		p.Columns = cols("day", "account_id", "vpc_id", "interface_id", "rejects", "packets", "bytes", "sources", "destinations")
		type key struct {
			day   time.Time
			iface string
		}
		counts := map[key][]int64{}
		var keys []key
		for _, d := range s.denies {
			if in(d) {
				k := key{d.start.Truncate(24 * time.Hour), d.iface}
				if counts[k] == nil {
					keys = append(keys, k)
					counts[k] = make([]int64, 2)
				}
				counts[k][0]++
				counts[k][1] += d.packets
			}
		}
		slices.SortFunc(keys, func(a, b key) int { return a.day.Compare(b.day)*2 + strings.Compare(a.iface, b.iface) })
		for i, k := range keys {
			n := counts[k][0]
			if i == 0 {
				n += s.perDayExtra
			}
			p.Rows = append(p.Rows, []any{k.day, "111122223333", nil, k.iface, n, counts[k][1], counts[k][1] * 40, int64(1), int64(1)})
		}
	case strings.Contains(sql, "AS start_time"): // deny-export
		p.Columns = cols("start_time", "end_time", "account_id", "interface_id", "srcaddr", "dstaddr", "packets", "bytes", "action")
		for _, d := range s.denies {
			if in(d) {
				p.Rows = append(p.Rows, []any{d.start, d.end, "111122223333", d.iface, d.src, d.dst, d.packets, d.packets * 40, "REJECT"})
			}
		}
	case strings.Contains(sql, "AS ports"): // top-rejected-sources
		p.Columns = cols("srcaddr", "rejects", "packets", "destinations", "ports", "first_seen", "last_seen")
		p.Rows = [][]any{{"203.0.113.9", int64(2), int64(2), int64(1), int64(1), day1, day1}}
	case strings.Contains(sql, "sources_approx"):
		p.Columns = cols("dstaddr", "rejects", "packets", "sources_approx", "first_seen", "last_seen")
		p.Rows = [][]any{{"10.0.0.5", int64(2), int64(2), int64(1), day1, day1}}
	case strings.Contains(sql, "GROUP BY dstaddr, dstport, protocol"):
		p.Columns = cols("dstaddr", "dstport", "protocol", "rejects", "sources", "packets", "first_seen", "last_seen")
		p.Rows = [][]any{{"10.0.0.5", int64(22), int64(6), int64(2), int64(1), int64(2), day1, day1}}
	case strings.Contains(sql, "AS direction"):
		p.Columns = cols("interface_id", "direction", "rejects", "packets", "sources", "destinations", "first_seen", "last_seen")
		p.Rows = [][]any{{"eni-1", nil, int64(2), int64(2), int64(1), int64(1), day1, day1}}
	case strings.Contains(sql, "prev_end"): // logging-coverage
		p.Columns = cols("day", "interface_id", "records", "nodata", "skipdata", "first_record", "last_record", "gaps", "gap_seconds",
			"longest_gap_seconds", "first_gap_from")
		p.Rows = [][]any{{day1, "eni-1", int64(100), int64(3), int64(1), day1, day1, int64(1), int64(1200), int64(1200), day1}}
	case strings.Contains(sql, "new_run"): // nodata-skipdata
		p.Columns = cols("interface_id", "log_status", "run_start", "run_end", "records", "seconds")
		p.Rows = [][]any{{"eni-1", "SKIPDATA", day1, day1.Add(time.Minute), int64(1), int64(60)}}
	default:
		return prov, fmt.Errorf("the stub does not know this query:\n%s", sql)
	}
	if len(p.Rows) > limit {
		p.Rows = p.Rows[:limit]
	}
	return prov, page(p)
}

// expected is a query the audit must run: name@version, its parameters as
// text, and the window it reads.
type expected struct {
	ref    string
	params map[string]string
	window partitions.Window
}

// checkCalls asserts that the stub ran exactly the expected queries, in
// order: each statement is the query rendered with those parameters over
// that window, with the same bound values.
func checkCalls(t *testing.T, got []call, want []expected) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d statements ran, want %d", len(got), len(want))
	}
	v2, _ := flowlog.Preset("default")
	for i := range min(len(got), len(want)) {
		w := want[i]
		q, err := queries.Default().Get(w.ref)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := q.Resolve(w.params)
		if err != nil {
			t.Fatal(err)
		}
		r, err := q.Render(queries.RenderOptions{Dialect: queries.DuckDB, Table: "flow_logs", Window: &w.window, Params: vals, Formats: []flowlog.Format{v2}})
		if err != nil {
			t.Fatal(err)
		}
		if got[i].SQL != r.SQL || !reflect.DeepEqual(got[i].Args, r.Args) {
			t.Errorf("statement %d is not %s %v over %s to %s:\n%s\n%v", i, w.ref, w.params, w.window.From, w.window.To, got[i].SQL, got[i].Args)
		}
	}
}

func window(t testing.TB, from, to time.Time) partitions.Window {
	w, err := partitions.NewWindow(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// readDenies reads denies.csv's rows, less the header.
func readDenies(t testing.TB, dir string) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, audit.DeniesFile))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

var maxLimit = strconv.Itoa(queries.MaxLimit)

// TestAuditQueries: the audit runs the pinned library queries and nothing
// else, each with its parameters over its window: the counts per day, then
// the export a day at a time, then the rankings and the coverage. A deny
// that spans midnight is returned by both days' runs and written once, in
// the day of its start; one that began before the window is in the first.
func TestAuditQueries(t *testing.T) {
	w := window(t, day1, day1.Add(48*time.Hour))
	midnight := day1.Add(24 * time.Hour)
	denies := []stubDeny{
		{start: day1.Add(-2 * time.Minute), end: day1.Add(3 * time.Minute), iface: "eni-1", src: "203.0.113.9", dst: "10.0.0.5", packets: 1},
		{start: day1.Add(time.Hour), end: day1.Add(time.Hour + time.Minute), iface: "eni-1", src: "203.0.113.9", dst: "10.0.0.5", packets: 2},
		{start: midnight.Add(-2 * time.Minute), end: midnight.Add(3 * time.Minute), iface: "eni-2", src: "203.0.113.10", dst: "10.0.0.6", packets: 3},
		{start: midnight.Add(5 * time.Hour), end: midnight.Add(5*time.Hour + time.Minute), iface: "eni-2", src: "198.51.100.7", dst: "10.0.0.6", packets: 4},
	}
	eng := newStub(w, denies)
	var progress []string
	pack, err := audit.Write(context.Background(), eng, filepath.Join(t.TempDir(), "pack"),
		audit.Options{FlowqVersion: "v9.9.9", Progress: func(m string) { progress = append(progress, m) }})
	if err != nil {
		t.Fatal(err)
	}
	top := map[string]string{"limit": "20"}
	checkCalls(t, *eng.calls, []expected{
		{audit.DeniesPerDay, map[string]string{"limit": maxLimit}, w},
		{audit.DenyExport, map[string]string{"limit": maxLimit}, window(t, day1, midnight)},
		{audit.DenyExport, map[string]string{"limit": maxLimit}, window(t, midnight, w.To)},
		{audit.TopRejectedSources, top, w},
		{audit.TopRejectedDestinations, top, w},
		{audit.TopRejectedPorts, top, w},
		{audit.InterfaceRejects, top, w},
		{audit.LoggingCoverage, map[string]string{"gap": "15m", "limit": maxLimit}, w},
		{audit.NodataSkipdata, map[string]string{}, w},
	})
	if *eng.closed != 0 {
		t.Errorf("the audit closed the caller's engine")
	}
	rows := readDenies(t, pack.Dir)
	var starts []string
	for _, r := range rows {
		starts = append(starts, r[0])
	}
	if want := []string{"2026-01-04T23:58:00Z", "2026-01-05T01:00:00Z", "2026-01-05T23:58:00Z", "2026-01-06T05:00:00Z"}; !slices.Equal(starts, want) {
		t.Errorf("denies.csv starts %v, want %v", starts, want)
	}
	s := pack.Summary
	if s.Denies != 4 || s.Packets != 10 || s.Bytes != 400 || s.Sources != 3 || s.Destinations != 2 || s.Interfaces != 2 || s.Accounts != 1 ||
		len(s.PerDay) != 3 || s.PerDay[0] != (audit.DayTotal{Day: "2026-01-04", Denies: 1, Packets: 1, Bytes: 40}) ||
		s.PerDay[1].Denies != 2 || s.PerDay[2].Denies != 1 {
		t.Errorf("summary %+v", s)
	}
	if s.TopSources[0].Address != "203.0.113.9" || s.TopPorts[0].Port != 22 || s.Coverage.SkipData != 1 || len(s.Coverage.SkipDataRuns) != 1 ||
		s.Coverage.Gaps != 1 || len(s.Coverage.GapDays) != 1 || s.Coverage.Interfaces != 1 {
		t.Errorf("rankings and coverage %+v", s)
	}
	// The manifest records every run, with what the engine said of it.
	m := pack.Manifest
	if len(m.Queries) != 9 || len(m.ExecutionIDs) != 9 || m.ExecutionIDs[0] != "exec-1" || m.ScannedBytes != 9000 || m.FlowqVersion != "v9.9.9" {
		t.Errorf("manifest: %d queries, execution IDs %v, scanned %d", len(m.Queries), m.ExecutionIDs, m.ScannedBytes)
	}
	if k := m.Queries[2].Kept; k == nil || *k != 1 || m.Queries[2].Rows != 2 || m.Queries[2].Params["limit"] != maxLimit {
		t.Errorf("the second day's slice: %+v", m.Queries[2])
	}
	if len(progress) == 0 {
		t.Errorf("no progress")
	}
}

// TestAuditSlicesFiner: a day that denies-per-day says holds more than a
// run may return is exported hour by hour from the start; an hour that
// still holds too many is run again 5 minutes at a time, its cut run
// discarded; a 5-minute slice with too many fails the audit, naming it,
// and leaves no pack.
func TestAuditSlicesFiner(t *testing.T) {
	w := window(t, day1, day1.Add(48*time.Hour))
	var denies []stubDeny
	add := func(at time.Time, n int) {
		for i := range n {
			s := at.Add(time.Duration(i) * 10 * time.Minute)
			denies = append(denies, stubDeny{start: s, end: s.Add(time.Minute), iface: "eni-1", src: "203.0.113.9", dst: "10.0.0.5", packets: 1})
		}
	}
	// Day 1: 5 denies, one an hour from 01:00 (more than the limit of 3,
	// so hour by hour); at 10:00, an hour of 6 (10 minutes apart: the hour
	// is cut, its 5-minute slices are not). Day 2: 2 denies (one run).
	for h := range 5 {
		add(day1.Add(time.Duration(h+1)*time.Hour), 1)
	}
	add(day1.Add(10*time.Hour), 6)
	add(day1.Add(30*time.Hour), 2)
	eng := newStub(w, denies)
	pack, err := audit.Write(context.Background(), eng, filepath.Join(t.TempDir(), "pack"), audit.Options{MaxSliceRows: 3})
	if err != nil {
		t.Fatal(err)
	}
	var runs []string
	for _, r := range pack.Manifest.Queries {
		if r.Query == audit.DenyExport && (r.Discarded || *r.Kept > 0 || r.To.Sub(*r.From) != 5*time.Minute) {
			mark := ""
			if r.Discarded {
				mark = " discarded"
			}
			runs = append(runs, fmt.Sprintf("%s %s%s", r.From.Format("02T15:04"), r.To.Sub(*r.From), mark))
		}
	}
	want := []string{"05T00:00 1h0m0s", "05T01:00 1h0m0s", "05T02:00 1h0m0s", "05T03:00 1h0m0s", "05T04:00 1h0m0s", "05T05:00 1h0m0s",
		"05T06:00 1h0m0s", "05T07:00 1h0m0s", "05T08:00 1h0m0s", "05T09:00 1h0m0s", "05T10:00 1h0m0s discarded",
		"05T10:00 5m0s", "05T10:10 5m0s", "05T10:20 5m0s", "05T10:30 5m0s", "05T10:40 5m0s", "05T10:50 5m0s",
		"05T11:00 1h0m0s", "05T12:00 1h0m0s", "05T13:00 1h0m0s", "05T14:00 1h0m0s", "05T15:00 1h0m0s", "05T16:00 1h0m0s", "05T17:00 1h0m0s",
		"05T18:00 1h0m0s", "05T19:00 1h0m0s", "05T20:00 1h0m0s", "05T21:00 1h0m0s", "05T22:00 1h0m0s", "05T23:00 1h0m0s", "06T00:00 24h0m0s"}
	if !slices.Equal(runs, want) {
		t.Errorf("deny-export runs (but the empty 5-minute ones):\n%q\nwant\n%q", runs, want)
	}
	if rows := readDenies(t, pack.Dir); len(rows) != len(denies) || pack.Summary.Denies != int64(len(denies)) {
		t.Errorf("%d rows, %d denies; want %d", len(rows), pack.Summary.Denies, len(denies))
	}

	// 4 denies in one 5-minute slice, with a limit of 3: refused.
	denies = nil
	for i := range 4 {
		s := day1.Add(time.Hour + time.Duration(i)*time.Minute)
		denies = append(denies, stubDeny{start: s, end: s, iface: "eni-1", src: "203.0.113.9", dst: "10.0.0.5", packets: 1})
	}
	out := filepath.Join(t.TempDir(), "pack")
	_, err = audit.Write(context.Background(), newStub(w, denies), out, audit.Options{MaxSliceRows: 3})
	if want := "audit: deny-export@1: more than 3 denies from 2026-01-05T01:00:00Z to 2026-01-05T01:05:00Z: a slice of 5m0s is the shortest the audit runs, and it will not cut one"; err == nil || err.Error() != want {
		t.Errorf("error %v\nwant  %s", err, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed audit left %s", out)
	}
}

// TestAuditSliceOpener: with Options.Slice, each slice of the export runs
// on an engine opened over that slice, which the audit closes.
func TestAuditSliceOpener(t *testing.T) {
	w := window(t, day1.Add(12*time.Hour), day1.Add(36*time.Hour))
	eng := newStub(w, []stubDeny{{start: day1.Add(13 * time.Hour), end: day1.Add(13 * time.Hour), iface: "eni-1", src: "a", dst: "b", packets: 1}})
	var opened []partitions.Window
	_, err := audit.Write(context.Background(), eng, filepath.Join(t.TempDir(), "pack"), audit.Options{
		Slice: func(ctx context.Context, sw partitions.Window) (queries.Engine, error) {
			opened = append(opened, sw)
			return eng.over(sw), nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	midnight := day1.Add(24 * time.Hour)
	if want := []partitions.Window{{From: w.From, To: midnight}, {From: midnight, To: w.To}}; !slices.Equal(opened, want) || *eng.closed != 2 {
		t.Errorf("opened %v (closed %d), want %v", opened, *eng.closed, want)
	}
}

// TestAuditCrossCheck: when the denies written do not add up to
// denies-per-day's count (the data changed while the audit ran), the audit
// fails and leaves no pack.
func TestAuditCrossCheck(t *testing.T) {
	w := window(t, day1, day1.Add(24*time.Hour))
	eng := newStub(w, []stubDeny{{start: day1.Add(time.Hour), end: day1.Add(time.Hour), iface: "eni-1", src: "a", dst: "b", packets: 1}})
	eng.perDayExtra = 1
	out := filepath.Join(t.TempDir(), "pack")
	_, err := audit.Write(context.Background(), eng, out, audit.Options{})
	if want := "audit: the evidence disagrees on 2026-01-05: denies.csv holds 1 denies (1 packets, 40 bytes), denies-per-day@1 counts 2 (1 packets, 40 bytes); did the data change while the audit ran?"; err == nil || err.Error() != want {
		t.Errorf("error %v\nwant  %s", err, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed audit left %s", out)
	}
}
