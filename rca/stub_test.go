package rca_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// stub is a recording engine, as golang-migrate's stub driver: it records
// each statement it is asked to run, tells which library query it is (by
// rendering every query as Run would for its dataset), and answers with the
// rows the test gave for that query. Tests assert which queries ran with
// which parameters; the answers themselves are proven through localdb.
type stub struct {
	t       *testing.T
	ds      queries.Dataset
	answers map[string]answer
	calls   []call
	known   map[string]string // rendered SQL → name@version
}

// answer is a query's canned result: its columns and rows, each row a map
// by column (a missing column is NULL).
type answer struct {
	cols []string
	rows []map[string]any
	// many, when set, is a row repeated to make a long result: the stub
	// answers with limit+1 of them when the query has a limit (a result
	// the limit cuts), or with many copies otherwise.
	many  map[string]any
	times int
}

type call struct {
	ref  string
	sql  string
	args []any
}

var window = func() partitions.Window {
	w, _ := partitions.NewWindow(time.Date(2026, 1, 5, 14, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 15, 0, 0, 0, time.UTC))
	return w
}()

func newStub(t *testing.T, preset string, answers map[string]answer) *stub {
	t.Helper()
	f, ok := flowlog.Preset(preset)
	if !ok {
		t.Fatalf("no preset %s", preset)
	}
	w := window
	s := &stub{t: t, ds: queries.Dataset{Dialect: queries.DuckDB, Table: "flow_logs", Window: &w, Formats: []flowlog.Format{f}},
		answers: answers, known: map[string]string{}}
	for _, q := range queries.Default().All() {
		if q.CheckFields(s.ds.Formats) != nil {
			continue
		}
		r := s.render(q, placeholders(q))
		s.known[r.SQL] = q.Ref()
	}
	return s
}

func (s *stub) Dataset() queries.Dataset { return s.ds }
func (s *stub) Close() error             { return nil }

func (s *stub) Query(_ context.Context, sql string, args []any, page func(queries.Page) error) (queries.EngineProvenance, error) {
	ref, ok := s.known[sql]
	if !ok {
		s.t.Fatalf("the stub was asked to run SQL that is no library query's:\n%s", sql)
	}
	s.calls = append(s.calls, call{ref: ref, sql: sql, args: args})
	a := s.answers[ref]
	cols := a.cols
	if cols == nil {
		cols = columnsOf[ref]
	}
	p := queries.Page{}
	for _, c := range cols {
		p.Columns = append(p.Columns, queries.Column{Name: c, Type: "VARCHAR"})
	}
	row := func(m map[string]any) []any {
		out := make([]any, len(cols))
		for i, c := range cols {
			out[i] = m[c]
		}
		return out
	}
	for _, m := range a.rows {
		p.Rows = append(p.Rows, row(m))
	}
	if a.many != nil {
		n := a.times
		if limit, ok := args[len(args)-1].(int64); ok && n == 0 {
			n = int(limit) // the SQL asks for one more than the limit
		}
		r := row(a.many)
		for range n {
			p.Rows = append(p.Rows, r)
		}
	}
	return queries.EngineProvenance{Engine: "stub", Files: 3}, page(p)
}

// render renders a query for the stub's dataset, as queries.Stream does.
func (s *stub) render(q *queries.Query, params map[string]string) *queries.Rendered {
	s.t.Helper()
	vals, err := q.Resolve(params)
	if err != nil {
		s.t.Fatal(err)
	}
	r, err := q.Render(queries.RenderOptions{Dialect: s.ds.Dialect, Table: s.ds.Table, Layout: s.ds.Layout, Window: s.ds.Window,
		Params: vals, Formats: s.ds.Formats})
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

// ran is a query the test wants run, with its parameters as flowq run
// takes them.
type ran struct {
	ref    string
	params map[string]string
}

// wantCalls checks that the stub ran exactly these queries, in order, each
// with these parameters bound.
func (s *stub) wantCalls(want ...ran) {
	s.t.Helper()
	var got, exp []string
	for _, c := range s.calls {
		got = append(got, c.ref)
	}
	for _, w := range want {
		exp = append(exp, w.ref)
	}
	if !slices.Equal(got, exp) {
		s.t.Fatalf("queries run:\n got %v\nwant %v", got, exp)
	}
	for i, w := range want {
		q, err := queries.Default().Get(w.ref)
		if err != nil {
			s.t.Fatal(err)
		}
		r := s.render(q, w.params)
		if c := s.calls[i]; c.sql != r.SQL || fmt.Sprint(c.args) != fmt.Sprint(r.Args) {
			s.t.Errorf("%s: bound %v, want %v (params %v)", w.ref, c.args, r.Args, w.params)
		}
	}
}

// placeholders are values for a query's required parameters: the rendered
// SQL does not depend on them (DuckDB binds every value).
func placeholders(q *queries.Query) map[string]string {
	out := map[string]string{}
	for _, p := range q.Params {
		if !p.Required() {
			continue
		}
		out[p.Name] = map[queries.Type]string{queries.IP: "10.0.0.1", queries.CIDR: "10.0.0.0/8", queries.Port: "1",
			queries.Protocol: "tcp", queries.Timestamp: "2026-01-05", queries.Duration: "1h", queries.Int: "1", queries.String: "x"}[p.Type]
		if p.Type == queries.Enum {
			out[p.Name] = p.Values[0]
		}
	}
	return out
}

// columnsOf are the columns of the queries diagnose reads, as their SQL
// names them.
var columnsOf = map[string][]string{
	"pair-summary@1": {"direction", "interface_id", "action", "flow_direction", "reject_reason", "protocol", "records", "packets", "bytes",
		"client_port_min", "client_port_max", "client_ports", "server_port_min", "server_port_max", "server_ports", "first_seen", "last_seen"},
	"return-path-rejects@1": {"server", "server_port", "client", "interface_id", "rejected_replies", "client_ports", "packets", "first_seen", "last_seen"},
	"unanswered-syns@1": {"client", "server", "port", "unanswered", "refused", "reply_rejected", "rejected", "answered", "unanswered_syn_packets",
		"first_seen", "last_seen"},
	"one-way-flows@1": {"srcaddr", "dstaddr", "dstport", "protocol", "records", "packets", "bytes", "interfaces", "first_seen", "last_seen"},
	"host-traffic@1":  {"srcaddr", "dstaddr", "dstport", "protocol", "records", "packets", "bytes", "accepted", "rejected", "first_seen", "last_seen"},
	"bpa-rejects@1":   {"interface_id", "srcaddr", "dstaddr", "dstport", "protocol", "rejects", "packets", "first_seen", "last_seen"},
	"tgw-lost-flows@1": {"tgw_attachment_id", "tgw_pair_attachment_id", "srcaddr", "dstaddr", "dstport", "protocol", "reason", "packets_lost",
		"records", "packets", "first_seen", "last_seen"},
	"tgw-packet-loss@1": {"tgw_attachment_id", "reason", "packets_lost", "records", "sources", "destinations", "first_seen", "last_seen",
		"attachment_packets"},
	"logging-coverage@1": {"day", "interface_id", "records", "nodata", "skipdata", "first_record", "last_record", "gaps", "gap_seconds",
		"longest_gap_seconds", "first_gap_from"},
	"nodata-skipdata@1": {"interface_id", "log_status", "run_start", "run_end", "records", "seconds"},
}

// pair is a row of pair-summary: direction, interface, action,
// flow-direction and reject-reason ("" for NULL), protocol, records, the
// client's ports and the server's port.
func pair(dir, iface, action, flowDir, reason string, proto, records, clientFrom, clientTo, server int64) map[string]any {
	m := map[string]any{"direction": dir, "protocol": proto, "records": records, "packets": 3 * records, "bytes": 180 * records,
		"client_port_min": clientFrom, "client_port_max": clientTo, "client_ports": min(records, clientTo-clientFrom+1),
		"server_port_min": server, "server_port_max": server, "server_ports": int64(1),
		"first_seen": window.From.Add(5 * time.Minute), "last_seen": window.From.Add(35 * time.Minute)}
	for k, v := range map[string]string{"interface_id": iface, "action": action, "flow_direction": flowDir, "reject_reason": reason} {
		if v != "" {
			m[k] = v
		}
	}
	return m
}
