// Package enginetest is the conformance suite for query engines: it runs every
// query of the library, every version, over sample data and checks the answers against
// the data's truth. Each engine's tests call Run.
package enginetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/sample"
)

// Opener opens the engine under test over one of the suite's datasets (see
// Datasets), with a window (nil: all of it). The suite closes what it opens.
type Opener func(dataset string, w *partitions.Window) (queries.Engine, error)

// Dataset is a sample the suite runs queries over: its name and how to
// generate it.
type Dataset struct {
	Name    string
	Options sample.Options
}

// Datasets are the samples the suite expects, in a layout: two days in the
// default format (v2), in the format of every VPC field (all), and of a
// Transit Gateway flow log (tgw), each with every scenario its format tells.
// A query runs over the first whose format has its fields. Generate each
// into a folder, have the Opener open the engine over it by name, then call
// Run with the truths Generate returned, by name.
func Datasets(layout partitions.Layout) []Dataset {
	var out []Dataset
	for _, name := range []string{"default", "all", "tgw"} {
		format, _ := flowlog.Preset(name)
		out = append(out, Dataset{Name: name, Options: sample.Options{Days: 2, Seed: 7, Records: 30000, Layout: layout, Format: format}})
	}
	return out
}

// Options are the default-format dataset's options (Datasets' first).
func Options(layout partitions.Layout) sample.Options { return Datasets(layout)[0].Options }

// datasetFor is the first dataset whose format has the query's fields.
func datasetFor(q *queries.Query) (string, error) {
	for _, d := range Datasets(partitions.Layout{}) {
		if q.CheckFields([]flowlog.Format{d.Options.Format}) == nil {
			return d.Name, nil
		}
	}
	return "", fmt.Errorf("%s: no dataset of the suite has its fields %v", q.Ref(), q.Fields)
}

// Table is a result with rows addressed by column name.
type Table struct {
	*queries.Result
}

// Get returns row i's value of the named column; the test fails when the
// column does not exist.
func (t Table) Get(tb testing.TB, i int, col string) any {
	tb.Helper()
	for j, c := range t.Columns {
		if c.Name == col {
			return t.Rows[i][j]
		}
	}
	tb.Fatalf("no column %s in %v", col, t.Columns)
	return nil
}

// Int returns an integer cell.
func (t Table) Int(tb testing.TB, i int, col string) int64 {
	tb.Helper()
	v, ok := t.Get(tb, i, col).(int64)
	if !ok {
		tb.Fatalf("row %d %s = %#v, not an integer", i, col, t.Get(tb, i, col))
	}
	return v
}

// Str returns a string cell.
func (t Table) Str(tb testing.TB, i int, col string) string {
	tb.Helper()
	return fmt.Sprint(t.Get(tb, i, col))
}

// Time returns a timestamp cell.
func (t Table) Time(tb testing.TB, i int, col string) time.Time {
	tb.Helper()
	v, ok := t.Get(tb, i, col).(time.Time)
	if !ok {
		tb.Fatalf("row %d %s = %#v, not a time", i, col, t.Get(tb, i, col))
	}
	return v.UTC()
}

// suite is one run of the conformance suite over one dataset: its truth,
// and the engines opened, shared by every dataset's suite, by dataset and
// window.
type suite struct {
	open    Opener
	engines map[string]queries.Engine
	dataset string
	truth   *sample.Truth
	truths  map[string]*sample.Truth
}

// in is the suite over another dataset: for a check that also proves a
// query over a richer format (its optional fields) or a poorer one.
func (s *suite) in(t *testing.T, dataset string) *suite {
	t.Helper()
	truth := s.truths[dataset]
	if truth == nil {
		t.Fatalf("no truth for the dataset %s: generate every one of Datasets", dataset)
	}
	return &suite{open: s.open, engines: s.engines, dataset: dataset, truth: truth, truths: s.truths}
}

// engine opens (once) the engine over the suite's dataset and a window.
func (s *suite) engine(t *testing.T, w *partitions.Window) queries.Engine {
	t.Helper()
	key := s.dataset + " all"
	if w != nil {
		key = s.dataset + " " + w.From.String() + " " + w.To.String()
	}
	if eng, ok := s.engines[key]; ok {
		return eng
	}
	eng, err := s.open(s.dataset, w)
	if err != nil {
		t.Fatal(err)
	}
	s.engines[key] = eng
	return eng
}

// run runs a library query and checks the provenance every result carries.
func (s *suite) run(t *testing.T, ref string, params map[string]string, w *partitions.Window) Table {
	t.Helper()
	q, err := queries.Default().Get(ref)
	if err != nil {
		t.Fatal(err)
	}
	vals, err := q.Resolve(params)
	if err != nil {
		t.Fatal(err)
	}
	res, err := queries.Run(context.Background(), s.engine(t, w), q, vals)
	if err != nil {
		t.Fatal(err)
	}
	// The query is named by name@version and the hash of its published
	// source, as library.lock holds it; the rendered SQL has its own hash.
	p := res.Provenance
	if p.Query != q.Ref() || p.Rows != len(res.Rows) || p.SQLSHA256 != q.SourceSHA256() ||
		len(p.RenderedSQLSHA256) != 64 || p.RenderedSQLSHA256 == p.SQLSHA256 || p.SQL != "" {
		t.Errorf("provenance %+v", p)
	}
	if (w == nil) != (p.From == nil) || w != nil && (!p.From.Equal(w.From) || !p.To.Equal(w.To)) {
		t.Errorf("provenance window %v %v, want the engine's %v", p.From, p.To, w)
	}
	// A limit is reported with the parameter that raises it, and the rows
	// never exceed it.
	if limit, ok := vals[queries.LimitParam].(int64); ok {
		if p.Limit != limit || p.LimitParam != queries.LimitParam || int64(len(res.Rows)) > limit {
			t.Errorf("%d rows, limit %d: provenance %+v", len(res.Rows), limit, p)
		}
	} else if p.Limit != 0 || p.Truncated {
		t.Errorf("no limit parameter: provenance %+v", p)
	}
	return Table{res}
}

// scenario is a scenario's truth and its window.
func (s *suite) scenario(t *testing.T, name string) (sample.ScenarioTruth, *partitions.Window) {
	t.Helper()
	for _, sc := range s.truth.Scenarios {
		if sc.Name == name {
			w, err := partitions.NewWindow(sc.From, sc.To)
			if err != nil {
				t.Fatal(err)
			}
			return sc, &w
		}
	}
	t.Fatalf("no scenario %s in the truth", name)
	return sample.ScenarioTruth{}, nil
}

// all is the window of the whole sample.
func (s *suite) all(t *testing.T) *partitions.Window {
	w, err := partitions.NewWindow(s.truth.Start, s.truth.End)
	if err != nil {
		t.Fatal(err)
	}
	return &w
}

func fact(sc sample.ScenarioTruth, k string) string { return fmt.Sprint(sc.Facts[k]) }

// Run checks every query of the library, every version, on the engine
// against the truth of the sample data (truths holds each dataset's, by
// name), over the first dataset whose format has the query's fields, and
// fails for a query that has no truth check here: no query ships without
// one.
func Run(t *testing.T, open Opener, truths map[string]*sample.Truth) {
	engines := map[string]queries.Engine{}
	t.Cleanup(func() {
		for _, eng := range engines {
			eng.Close()
		}
	})
	on := func(dataset string) *suite {
		truth := truths[dataset]
		if truth == nil {
			t.Fatalf("no truth for the dataset %s: generate every one of Datasets", dataset)
		}
		return &suite{open: open, engines: engines, dataset: dataset, truth: truth, truths: truths}
	}
	for _, q := range queries.Default().All() {
		check, ok := checks()[q.Ref()]
		if !ok {
			t.Errorf("%s has no truth check: add one to enginetest's checks", q.Ref())
			continue
		}
		dataset, err := datasetFor(q)
		if err != nil {
			t.Error(err)
			continue
		}
		t.Run(q.Ref(), func(t *testing.T) { check(t, on(dataset), q.Ref()) })
	}
	t.Run("limit", func(t *testing.T) { checkLimit(t, on("default")) })
	t.Run("ad-hoc-sql", func(t *testing.T) { checkAdHoc(t, on("default")) })
}

// check is a truth check of one published query.
type check = func(t *testing.T, s *suite, ref string)

// checks are the truth checks, one per published query, group by group,
// each group in a file of its own.
func checks() map[string]check {
	all := map[string]check{}
	for _, group := range []map[string]check{baseChecks, everydayChecks, rcaChecks, tgwChecks, securityChecks, diagnoseChecks} {
		for ref, c := range group {
			if _, dup := all[ref]; dup {
				panic("enginetest: two checks for " + ref) // a broken build, which any run shows
			}
			all[ref] = c
		}
	}
	return all
}

// baseChecks are the first release's queries'.
var baseChecks = map[string]check{
	"top-rejected-destinations@1": checkTopRejected1,
	"top-rejected-destinations@2": checkTopRejected2,
	"traffic-between@1":           checkTrafficBetween1,
	"traffic-between@2":           checkTrafficBetween2,
	"rejects-on-port@1":           checkRejectsOnPort,
	"conversation-summary@1":      checkConversationSummary1,
	"conversation-summary@2":      checkConversationSummary2,
	"return-path-rejects@1":       checkReturnPathRejects,
	"one-way-flows@1":             checkOneWayFlows,
	"nodata-skipdata@1":           checkNodataSkipdata,
	"rejects-over-time@1":         checkRejectsOverTime1,
	"rejects-over-time@2":         checkRejectsOverTime2,
}

// checkTopRejected1: the truth's top rejected destinations, row for row,
// cut at the default limit of 10, and said to be cut.
func checkTopRejected1(t *testing.T, s *suite, ref string) { topRejected(t, s, ref) }

func topRejected(t *testing.T, s *suite, ref string) Table {
	res := s.run(t, ref, nil, s.all(t))
	if len(res.Rows) != len(s.truth.TopRejectedDestinations) {
		t.Fatalf("%d rows, want %d", len(res.Rows), len(s.truth.TopRejectedDestinations))
	}
	for i, want := range s.truth.TopRejectedDestinations {
		if res.Str(t, i, "dstaddr") != want.Dstaddr || res.Int(t, i, "rejects") != want.Rejects || res.Int(t, i, "packets") != want.Packets {
			t.Errorf("row %d = %v, want %+v", i, res.Rows[i], want)
		}
	}
	// The port scan's target tops the list with one source.
	scan, _ := s.scenario(t, "port-scan")
	if res.Str(t, 0, "dstaddr") != fact(scan, "target") || res.Int(t, 0, "sources_approx") != 1 {
		t.Errorf("top row %v, want the port-scan target %s from 1 source", res.Rows[0], fact(scan, "target"))
	}
	// More destinations were rejected than the default limit of 10 lists,
	// and the result says so.
	if !res.Provenance.Truncated || len(res.Rows) != 10 {
		t.Errorf("default limit: %d rows, truncated %v; want 10 rows cut from more", len(res.Rows), res.Provenance.Truncated)
	}
	return res
}

// checkTopRejected2: @1's answer, and never more (approximate) sources than
// rejected records.
func checkTopRejected2(t *testing.T, s *suite, ref string) {
	res := topRejected(t, s, ref)
	// Every rejected destination: the same top rows, nothing cut, and never
	// more (approximate) sources than rejected records, nor fewer than one.
	every := s.run(t, ref, map[string]string{"limit": "1000"}, s.all(t))
	if every.Provenance.Truncated || len(every.Rows) <= 10 || fmt.Sprint(every.Rows[:10]) != fmt.Sprint(res.Rows) {
		t.Errorf("limit 1000: %d rows, truncated %v", len(every.Rows), every.Provenance.Truncated)
	}
	for i := range every.Rows {
		if n := every.Int(t, i, "sources_approx"); n < 1 || n > every.Int(t, i, "rejects") {
			t.Errorf("%s: %d sources for %d rejects", every.Str(t, i, "dstaddr"), n, every.Int(t, i, "rejects"))
		}
	}
	ssh, _ := s.scenario(t, "ssh-rejected")
	for i := range every.Rows {
		if every.Str(t, i, "dstaddr") == fact(ssh, "target") && fmt.Sprint(every.Int(t, i, "rejects")) != fact(ssh, "rejects") {
			t.Errorf("ssh target %v, want %s rejects", every.Rows[i], fact(ssh, "rejects"))
		}
	}
}

// checkLimit: a limit below a result cuts it and says so; one it fits
// exactly does not.
func checkLimit(t *testing.T, s *suite) {
	// The 90 records between the client and the server: a limit below
	// cuts them and says so; a limit they fit exactly does not.
	sc, w := s.scenario(t, "nacl-return-reject")
	ab := map[string]string{"a": fact(sc, "client"), "b": fact(sc, "server")}
	full := s.run(t, "traffic-between", ab, w)
	if len(full.Rows) != 90 || full.Provenance.Truncated || full.Provenance.Limit != 1000 {
		t.Fatalf("%d rows, provenance %+v; want 90 under the default limit of 1000", len(full.Rows), full.Provenance)
	}
	for _, tc := range []struct {
		limit     string
		rows      int
		truncated bool
	}{{"89", 89, true}, {"90", 90, false}, {"91", 90, false}, {"1", 1, true}} {
		ab["limit"] = tc.limit
		res := s.run(t, "traffic-between", ab, w)
		if len(res.Rows) != tc.rows || res.Provenance.Truncated != tc.truncated || fmt.Sprint(res.Provenance.Limit) != tc.limit ||
			res.Provenance.LimitParam != "limit" || fmt.Sprint(res.Rows) != fmt.Sprint(full.Rows[:tc.rows]) {
			t.Errorf("limit %s: %d rows, provenance %+v; want the first %d, truncated %v", tc.limit, len(res.Rows), res.Provenance, tc.rows, tc.truncated)
		}
	}
}

// checkTrafficBetween1: the 90 records between client and server, in time
// order, labelled by direction.
func checkTrafficBetween1(t *testing.T, s *suite, ref string) { trafficBetween(t, s, ref) }

func trafficBetween(t *testing.T, s *suite, ref string) (sample.ScenarioTruth, *partitions.Window) {
	sc, w := s.scenario(t, "nacl-return-reject")
	res := s.run(t, ref, map[string]string{"a": fact(sc, "client"), "b": fact(sc, "server")}, w)
	if len(res.Rows) != 90 {
		t.Fatalf("%d records between client and server, want 90 (60 forward on two interfaces, 30 replies)", len(res.Rows))
	}
	for i := 1; i < len(res.Rows); i++ {
		if res.Time(t, i, "start_time").Before(res.Time(t, i-1, "start_time")) {
			t.Errorf("row %d is before row %d", i, i-1)
		}
	}
	if got := directions(t, res); got != "a->b ACCEPT 60, b->a REJECT 30" {
		t.Errorf("directions %s", got)
	}
	return sc, w
}

// checkTrafficBetween2: @1's answer, directions labelled right when the
// endpoints overlap, and IPv6 networks.
func checkTrafficBetween2(t *testing.T, s *suite, ref string) {
	sc, w := trafficBetween(t, s, ref)
	// Overlapping endpoints: A is a network around both hosts, B the
	// server. The server's replies go from B to A, although their source
	// is in A too.
	client, server := netip.MustParseAddr(fact(sc, "client")), netip.MustParseAddr(fact(sc, "server"))
	vpc := netip.PrefixFrom(client, 8).Masked()
	res := s.run(t, ref, map[string]string{"a": vpc.String(), "b": server.String()}, w)
	if got := directions(t, res); len(res.Rows) != 90 || got != "a->b ACCEPT 60, b->a REJECT 30" {
		t.Errorf("a=%s b=%s: %d rows, %s; want a->b ACCEPT 60, b->a REJECT 30", vpc, server, len(res.Rows), got)
	}
	// A and B overlap and both hosts lie in each: their records fit both
	// ways. Every other record is labelled by where its addresses lie.
	a, b := netip.PrefixFrom(client, 16).Masked(), common(client, server)
	res = s.run(t, ref, map[string]string{"a": a.String(), "b": b.String()}, w)
	both, wrong := 0, 0
	for i := range res.Rows {
		src, dst := netip.MustParseAddr(res.Str(t, i, "srcaddr")), netip.MustParseAddr(res.Str(t, i, "dstaddr"))
		want := map[[2]bool]string{{true, false}: "a->b", {false, true}: "b->a", {true, true}: "a<->b"}[[2]bool{
			a.Contains(src) && b.Contains(dst), b.Contains(src) && a.Contains(dst)}]
		if got := res.Str(t, i, "direction"); got != want {
			if wrong++; wrong <= 5 {
				t.Errorf("a=%s b=%s: %s -> %s is %s, want %s", a, b, src, dst, got, want)
			}
		}
		if ((src == client && dst == server) || (src == server && dst == client)) && want == "a<->b" {
			both++
		}
	}
	if both != 90 {
		t.Errorf("a=%s b=%s: %d client-server records fit both ways, want 90 (%s)", a, b, both, directions(t, res))
	}

	// Networks and IPv6: the dual-stack hosts' /64s.
	s6, w6 := s.scenario(t, "ipv6")
	res = s.run(t, ref, map[string]string{"a": "2600:1f18:4c1:a100::/64", "b": fact(s6, "dst")}, w6)
	var bytes int64
	for i := range res.Rows {
		bytes += res.Int(t, i, "bytes")
	}
	if len(res.Rows) != s6.Records || fmt.Sprint(bytes) != fact(s6, "bytes") {
		t.Errorf("ipv6: %d records %d bytes, want %d %s", len(res.Rows), bytes, s6.Records, fact(s6, "bytes"))
	}
}

func checkRejectsOnPort(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "ssh-rejected")
	res := s.run(t, ref, map[string]string{"port": "22"}, w)
	if len(res.Rows) != 1 || res.Str(t, 0, "dstaddr") != fact(sc, "target") || res.Str(t, 0, "interface_id") != fact(sc, "interface_id") ||
		fmt.Sprint(res.Int(t, 0, "rejects")) != fact(sc, "rejects") || fmt.Sprint(res.Int(t, 0, "sources")) != fact(sc, "sources") {
		t.Errorf("rows %v, want %v", res.Rows, sc.Facts)
	}
	if res := s.run(t, ref, map[string]string{"port": "22", "protocol": "udp"}, w); len(res.Rows) != 0 {
		t.Errorf("udp/22: %v, want none", res.Rows)
	}
}

type conversation struct{ records, accepted, rejected, packets int64 }

// checkConversationSummary1: the pings of the icmp scenario per direction.
func checkConversationSummary1(t *testing.T, s *suite, ref string) { conversationSummary(t, s, ref) }

func conversationSummary(t *testing.T, s *suite, ref string) (sample.ScenarioTruth, *partitions.Window, map[string]conversation) {
	sc, w := s.scenario(t, "icmp")
	res := s.run(t, ref, map[string]string{"a": fact(sc, "src"), "b": fact(sc, "dst")}, w)
	if len(res.Rows) != 2 {
		t.Fatalf("rows %v", res.Rows)
	}
	got := conversations(t, res)
	want := map[string]conversation{"a->b": {10, 10, 0, 40}, "b->a": {10, 5, 5, 40}}
	if fact(sc, "replies_accepted") != "5" || fact(sc, "replies_rejected") != "5" || got["a->b"] != want["a->b"] || got["b->a"] != want["b->a"] {
		t.Errorf("got %v, want %v (facts %v)", got, want, sc.Facts)
	}
	return sc, w, want
}

func conversations(t *testing.T, res Table) map[string]conversation {
	got := map[string]conversation{}
	for i := range res.Rows {
		got[res.Str(t, i, "direction")] = conversation{res.Int(t, i, "records"), res.Int(t, i, "accepted"), res.Int(t, i, "rejected"), res.Int(t, i, "packets")}
	}
	return got
}

// checkConversationSummary2: @1's answer, and directions right when the
// endpoints overlap.
func checkConversationSummary2(t *testing.T, s *suite, ref string) {
	sc, w, want := conversationSummary(t, s, ref)
	// Overlapping endpoints: A holds both hosts, B the one answering. The
	// replies are b->a although their source lies in A too.
	src, dst := netip.MustParseAddr(fact(sc, "src")), netip.MustParseAddr(fact(sc, "dst"))
	res := s.run(t, ref, map[string]string{"a": common(src, dst).String(), "b": dst.String()}, w)
	got := conversations(t, res)
	if len(got) != 2 || got["a->b"] != want["a->b"] || got["b->a"] != want["b->a"] {
		t.Errorf("a=%s b=%s: got %v, want %v", common(src, dst), dst, got, want)
	}
	// A = B: every record between them fits both ways.
	res = s.run(t, ref, map[string]string{"a": common(src, dst).String(), "b": common(src, dst).String()}, w)
	if len(res.Rows) != 1 || res.Str(t, 0, "direction") != "a<->b" || res.Int(t, 0, "records") < 20 {
		t.Errorf("a = b: %v, want one a<->b row with at least the 20 ping records", res.Rows)
	}
}

func checkReturnPathRejects(t *testing.T, s *suite, ref string) {
	sc, _ := s.scenario(t, "nacl-return-reject")
	res := s.run(t, ref, nil, s.all(t))
	if len(res.Rows) != 1 || res.Str(t, 0, "server") != fact(sc, "server") || res.Str(t, 0, "server_port") != fact(sc, "server_port") ||
		res.Str(t, 0, "client") != fact(sc, "client") || res.Str(t, 0, "interface_id") != fact(sc, "server_interface_id") ||
		fmt.Sprint(res.Int(t, 0, "rejected_replies")) != fact(sc, "return_rejected") || fmt.Sprint(res.Int(t, 0, "client_ports")) != fact(sc, "connections") {
		t.Errorf("rows %v, want %v", res.Rows, sc.Facts)
	}
}

func checkOneWayFlows(t *testing.T, s *suite, ref string) {
	sc, _ := s.scenario(t, "one-way")
	res := s.run(t, ref, nil, s.all(t))
	if len(res.Rows) != 1 || res.Str(t, 0, "srcaddr") != fact(sc, "src") || res.Str(t, 0, "dstaddr") != fact(sc, "dst") ||
		res.Str(t, 0, "dstport") != fact(sc, "dst_port") || fmt.Sprint(res.Int(t, 0, "records")) != fact(sc, "records") ||
		fmt.Sprint(res.Int(t, 0, "packets")) != fact(sc, "packets") {
		t.Errorf("rows %v, want %v", res.Rows, sc.Facts)
	}
}

func checkNodataSkipdata(t *testing.T, s *suite, ref string) {
	sc, _ := s.scenario(t, "nodata-skipdata")
	res := s.run(t, ref, nil, s.all(t))
	if len(res.Rows) != 2 {
		t.Fatalf("rows %v", res.Rows)
	}
	for i, st := range []string{"nodata", "skipdata"} {
		got := fmt.Sprintf("%s %s %s %s %d", res.Str(t, i, "interface_id"), res.Str(t, i, "log_status"),
			res.Time(t, i, "run_start").Format(time.RFC3339), res.Time(t, i, "run_end").Format(time.RFC3339), res.Int(t, i, "records"))
		want := fmt.Sprintf("%s %s %s %s %s", fact(sc, "interface_id"), map[string]string{"nodata": "NODATA", "skipdata": "SKIPDATA"}[st],
			fact(sc, st+"_from"), fact(sc, st+"_to"), fact(sc, st))
		if got != want {
			t.Errorf("run %d = %s, want %s", i, got, want)
		}
	}
}

// checkRejectsOverTime1: rejects per hour as the truth counts them, also in
// a window across midnight.
func checkRejectsOverTime1(t *testing.T, s *suite, ref string) { rejectsOverTime(t, s, ref, false) }

// checkRejectsOverTime2: @1's answer, and never more (approximate) sources
// or destinations than rejected records.
func checkRejectsOverTime2(t *testing.T, s *suite, ref string) { rejectsOverTime(t, s, ref, true) }

func rejectsOverTime(t *testing.T, s *suite, ref string, bounded bool) {
	res := s.run(t, ref, map[string]string{"bucket": "1h"}, s.all(t))
	if len(res.Rows) != len(s.truth.RejectsPerHour) {
		t.Fatalf("%d buckets, want %d", len(res.Rows), len(s.truth.RejectsPerHour))
	}
	for i, want := range s.truth.RejectsPerHour {
		if !res.Time(t, i, "bucket").Equal(want.Hour) || res.Int(t, i, "rejects") != want.Rejects {
			t.Errorf("bucket %d = %v, want %+v", i, res.Rows[i], want)
		}
		// Never more (approximate) sources or destinations than records.
		for _, col := range []string{"sources_approx", "destinations_approx"} {
			if n := res.Int(t, i, col); bounded && (n < 1 || n > want.Rejects) {
				t.Errorf("bucket %s: %s %d for %d rejects", want.Hour.Format(time.RFC3339), col, n, want.Rejects)
			}
		}
	}
	// A two-hour window across midnight: both hours exactly, and at most a few
	// records of the hour before that end inside the window.
	from := s.truth.Start.Add(23 * time.Hour)
	w, _ := partitions.NewWindow(from, from.Add(2*time.Hour))
	res = s.run(t, ref, map[string]string{"bucket": "1h"}, &w)
	got := map[time.Time]int64{}
	for i := range res.Rows {
		got[res.Time(t, i, "bucket")] = res.Int(t, i, "rejects")
	}
	for _, want := range s.truth.RejectsPerHour {
		in := !want.Hour.Before(from) && want.Hour.Before(w.To)
		if in && got[want.Hour] != want.Rejects {
			t.Errorf("window bucket %s = %d, want %d", want.Hour, got[want.Hour], want.Rejects)
		}
	}
	for h := range got {
		if h.Before(from.Add(-time.Hour)) || !h.Before(w.To) {
			t.Errorf("bucket %s is outside the window", h)
		}
	}
}

// checkAdHoc: SQL a user wrote runs over the table, with its text and hash
// in the provenance.
func checkAdHoc(t *testing.T, s *suite) {
	eng := s.engine(t, nil)
	sql := "SELECT count(*) AS records FROM " + eng.Dataset().Table
	res, err := queries.RunSQL(context.Background(), eng, sql)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(sql))
	p := res.Provenance
	if p.SQL != sql || p.SQLSHA256 != hex.EncodeToString(sum[:]) || p.Query != "" || p.RenderedSQLSHA256 != "" || p.Truncated || p.Rows != 1 {
		t.Errorf("provenance %+v", p)
	}
	if n, _ := res.Rows[0][0].(int64); n != s.truth.Records {
		t.Errorf("%v records, want %d", res.Rows[0][0], s.truth.Records)
	}
}

// directions counts a traffic-between result's rows by direction and action:
// "a->b ACCEPT 60, b->a REJECT 30".
func directions(tb testing.TB, res Table) string {
	tb.Helper()
	counts := map[string]int{}
	for i := range res.Rows {
		counts[res.Str(tb, i, "direction")+" "+res.Str(tb, i, "action")]++
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, fmt.Sprintf("%s %d", k, counts[k]))
	}
	return strings.Join(out, ", ")
}

// common is the smallest network that holds both addresses.
func common(a, b netip.Addr) netip.Prefix {
	for bits := a.BitLen(); ; bits-- {
		if p := netip.PrefixFrom(a, bits).Masked(); p.Contains(b) {
			return p
		}
	}
}
