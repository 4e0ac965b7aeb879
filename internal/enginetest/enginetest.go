// Package enginetest is the conformance suite for query engines: it runs every
// starter query of the library over sample data and checks the answers against
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

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/sample"
)

// Engine runs a library query over the dataset it was opened on.
type Engine interface {
	RunQuery(ctx context.Context, q *queries.Query, params queries.Values, w *partitions.Window) (*queries.Result, error)
}

// SQLEngine is an Engine that also runs ad-hoc SQL over the table, named
// flow_logs. Run checks the provenance of ad-hoc SQL on engines that are one.
type SQLEngine interface {
	Engine
	RunSQL(ctx context.Context, sql string, args ...any) (*queries.Result, error)
}

// Options are the sample data the suite expects: two days with every scenario.
// Generate them into a folder, open the engine over it, then call Run with the
// truth Generate returned.
func Options(layout partitions.Layout) sample.Options {
	return sample.Options{Days: 2, Seed: 7, Records: 30000, Layout: layout}
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

// Run checks every starter query on the engine against the truth.
func Run(t *testing.T, eng Engine, truth *sample.Truth) {
	lib := queries.Default()
	run := func(t *testing.T, ref string, params map[string]string, w *partitions.Window) Table {
		t.Helper()
		q, err := lib.Get(ref)
		if err != nil {
			t.Fatal(err)
		}
		vals, err := q.Resolve(params)
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.RunQuery(context.Background(), q, vals, w)
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
	scenario := func(t *testing.T, name string) (sample.ScenarioTruth, *partitions.Window) {
		t.Helper()
		for _, s := range truth.Scenarios {
			if s.Name == name {
				w, err := partitions.NewWindow(s.From, s.To)
				if err != nil {
					t.Fatal(err)
				}
				return s, &w
			}
		}
		t.Fatalf("no scenario %s in the truth", name)
		return sample.ScenarioTruth{}, nil
	}
	all, err := partitions.NewWindow(truth.Start, truth.End)
	if err != nil {
		t.Fatal(err)
	}
	fact := func(s sample.ScenarioTruth, k string) string { return fmt.Sprint(s.Facts[k]) }

	t.Run("top-rejected-destinations", func(t *testing.T) {
		res := run(t, "top-rejected-destinations", nil, &all)
		if len(res.Rows) != len(truth.TopRejectedDestinations) {
			t.Fatalf("%d rows, want %d", len(res.Rows), len(truth.TopRejectedDestinations))
		}
		for i, want := range truth.TopRejectedDestinations {
			if res.Str(t, i, "dstaddr") != want.Dstaddr || res.Int(t, i, "rejects") != want.Rejects || res.Int(t, i, "packets") != want.Packets {
				t.Errorf("row %d = %v, want %+v", i, res.Rows[i], want)
			}
		}
		// The port scan's target tops the list with one source.
		scan, _ := scenario(t, "port-scan")
		if res.Str(t, 0, "dstaddr") != fact(scan, "target") || res.Int(t, 0, "sources_approx") != 1 {
			t.Errorf("top row %v, want the port-scan target %s from 1 source", res.Rows[0], fact(scan, "target"))
		}
		// More destinations were rejected than the default limit of 10 lists,
		// and the result says so.
		if !res.Provenance.Truncated || len(res.Rows) != 10 {
			t.Errorf("default limit: %d rows, truncated %v; want 10 rows cut from more", len(res.Rows), res.Provenance.Truncated)
		}
		// Every rejected destination: the same top rows, nothing cut, and never
		// more (approximate) sources than rejected records, nor fewer than one.
		every := run(t, "top-rejected-destinations", map[string]string{"limit": "1000"}, &all)
		if every.Provenance.Truncated || len(every.Rows) <= 10 || fmt.Sprint(every.Rows[:10]) != fmt.Sprint(res.Rows) {
			t.Errorf("limit 1000: %d rows, truncated %v", len(every.Rows), every.Provenance.Truncated)
		}
		for i := range every.Rows {
			if n := every.Int(t, i, "sources_approx"); n < 1 || n > every.Int(t, i, "rejects") {
				t.Errorf("%s: %d sources for %d rejects", every.Str(t, i, "dstaddr"), n, every.Int(t, i, "rejects"))
			}
		}
		ssh, _ := scenario(t, "ssh-rejected")
		for i := range every.Rows {
			if every.Str(t, i, "dstaddr") == fact(ssh, "target") && fmt.Sprint(every.Int(t, i, "rejects")) != fact(ssh, "rejects") {
				t.Errorf("ssh target %v, want %s rejects", every.Rows[i], fact(ssh, "rejects"))
			}
		}
	})

	t.Run("limit", func(t *testing.T) {
		// The 90 records between the client and the server: a limit below
		// cuts them and says so; a limit they fit exactly does not.
		s, w := scenario(t, "nacl-return-reject")
		ab := map[string]string{"a": fact(s, "client"), "b": fact(s, "server")}
		full := run(t, "traffic-between", ab, w)
		if len(full.Rows) != 90 || full.Provenance.Truncated || full.Provenance.Limit != 1000 {
			t.Fatalf("%d rows, provenance %+v; want 90 under the default limit of 1000", len(full.Rows), full.Provenance)
		}
		for _, tc := range []struct {
			limit     string
			rows      int
			truncated bool
		}{{"89", 89, true}, {"90", 90, false}, {"91", 90, false}, {"1", 1, true}} {
			ab["limit"] = tc.limit
			res := run(t, "traffic-between", ab, w)
			if len(res.Rows) != tc.rows || res.Provenance.Truncated != tc.truncated || fmt.Sprint(res.Provenance.Limit) != tc.limit ||
				res.Provenance.LimitParam != "limit" || fmt.Sprint(res.Rows) != fmt.Sprint(full.Rows[:tc.rows]) {
				t.Errorf("limit %s: %d rows, provenance %+v; want the first %d, truncated %v", tc.limit, len(res.Rows), res.Provenance, tc.rows, tc.truncated)
			}
		}
	})

	t.Run("traffic-between", func(t *testing.T) {
		s, w := scenario(t, "nacl-return-reject")
		res := run(t, "traffic-between", map[string]string{"a": fact(s, "client"), "b": fact(s, "server")}, w)
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
		// Overlapping endpoints: A is a network around both hosts, B the
		// server. The server's replies go from B to A, although their source
		// is in A too.
		client, server := netip.MustParseAddr(fact(s, "client")), netip.MustParseAddr(fact(s, "server"))
		vpc := netip.PrefixFrom(client, 8).Masked()
		res = run(t, "traffic-between", map[string]string{"a": vpc.String(), "b": server.String()}, w)
		if got := directions(t, res); len(res.Rows) != 90 || got != "a->b ACCEPT 60, b->a REJECT 30" {
			t.Errorf("a=%s b=%s: %d rows, %s; want a->b ACCEPT 60, b->a REJECT 30", vpc, server, len(res.Rows), got)
		}
		// A and B overlap and both hosts lie in each: their records fit both
		// ways. Every other record is labelled by where its addresses lie.
		a, b := netip.PrefixFrom(client, 16).Masked(), common(client, server)
		res = run(t, "traffic-between", map[string]string{"a": a.String(), "b": b.String()}, w)
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
		s6, w6 := scenario(t, "ipv6")
		res = run(t, "traffic-between", map[string]string{"a": "2600:1f18:4c1:a100::/64", "b": fact(s6, "dst")}, w6)
		var bytes int64
		for i := range res.Rows {
			bytes += res.Int(t, i, "bytes")
		}
		if len(res.Rows) != s6.Records || fmt.Sprint(bytes) != fact(s6, "bytes") {
			t.Errorf("ipv6: %d records %d bytes, want %d %s", len(res.Rows), bytes, s6.Records, fact(s6, "bytes"))
		}
	})

	t.Run("rejects-on-port", func(t *testing.T) {
		s, w := scenario(t, "ssh-rejected")
		res := run(t, "rejects-on-port", map[string]string{"port": "22"}, w)
		if len(res.Rows) != 1 || res.Str(t, 0, "dstaddr") != fact(s, "target") || res.Str(t, 0, "interface_id") != fact(s, "interface_id") ||
			fmt.Sprint(res.Int(t, 0, "rejects")) != fact(s, "rejects") || fmt.Sprint(res.Int(t, 0, "sources")) != fact(s, "sources") {
			t.Errorf("rows %v, want %v", res.Rows, s.Facts)
		}
		if res := run(t, "rejects-on-port", map[string]string{"port": "22", "protocol": "udp"}, w); len(res.Rows) != 0 {
			t.Errorf("udp/22: %v, want none", res.Rows)
		}
	})

	t.Run("conversation-summary", func(t *testing.T) {
		s, w := scenario(t, "icmp")
		res := run(t, "conversation-summary", map[string]string{"a": fact(s, "src"), "b": fact(s, "dst")}, w)
		if len(res.Rows) != 2 {
			t.Fatalf("rows %v", res.Rows)
		}
		type dir struct{ records, accepted, rejected, packets int64 }
		got := map[string]dir{}
		for i := range res.Rows {
			got[res.Str(t, i, "direction")] = dir{res.Int(t, i, "records"), res.Int(t, i, "accepted"), res.Int(t, i, "rejected"), res.Int(t, i, "packets")}
		}
		want := map[string]dir{"a->b": {10, 10, 0, 40}, "b->a": {10, 5, 5, 40}}
		if fact(s, "replies_accepted") != "5" || fact(s, "replies_rejected") != "5" || got["a->b"] != want["a->b"] || got["b->a"] != want["b->a"] {
			t.Errorf("got %v, want %v (facts %v)", got, want, s.Facts)
		}
		// Overlapping endpoints: A holds both hosts, B the one answering. The
		// replies are b->a although their source lies in A too.
		src, dst := netip.MustParseAddr(fact(s, "src")), netip.MustParseAddr(fact(s, "dst"))
		res = run(t, "conversation-summary", map[string]string{"a": common(src, dst).String(), "b": dst.String()}, w)
		got = map[string]dir{}
		for i := range res.Rows {
			got[res.Str(t, i, "direction")] = dir{res.Int(t, i, "records"), res.Int(t, i, "accepted"), res.Int(t, i, "rejected"), res.Int(t, i, "packets")}
		}
		if len(got) != 2 || got["a->b"] != want["a->b"] || got["b->a"] != want["b->a"] {
			t.Errorf("a=%s b=%s: got %v, want %v", common(src, dst), dst, got, want)
		}
		// A = B: every record between them fits both ways.
		res = run(t, "conversation-summary", map[string]string{"a": common(src, dst).String(), "b": common(src, dst).String()}, w)
		if len(res.Rows) != 1 || res.Str(t, 0, "direction") != "a<->b" || res.Int(t, 0, "records") < 20 {
			t.Errorf("a = b: %v, want one a<->b row with at least the 20 ping records", res.Rows)
		}
	})

	t.Run("return-path-rejects", func(t *testing.T) {
		s, _ := scenario(t, "nacl-return-reject")
		res := run(t, "return-path-rejects", nil, &all)
		if len(res.Rows) != 1 || res.Str(t, 0, "server") != fact(s, "server") || res.Str(t, 0, "server_port") != fact(s, "server_port") ||
			res.Str(t, 0, "client") != fact(s, "client") || res.Str(t, 0, "interface_id") != fact(s, "server_interface_id") ||
			fmt.Sprint(res.Int(t, 0, "rejected_replies")) != fact(s, "return_rejected") || fmt.Sprint(res.Int(t, 0, "client_ports")) != fact(s, "connections") {
			t.Errorf("rows %v, want %v", res.Rows, s.Facts)
		}
	})

	t.Run("one-way-flows", func(t *testing.T) {
		s, _ := scenario(t, "one-way")
		res := run(t, "one-way-flows", nil, &all)
		if len(res.Rows) != 1 || res.Str(t, 0, "srcaddr") != fact(s, "src") || res.Str(t, 0, "dstaddr") != fact(s, "dst") ||
			res.Str(t, 0, "dstport") != fact(s, "dst_port") || fmt.Sprint(res.Int(t, 0, "records")) != fact(s, "records") ||
			fmt.Sprint(res.Int(t, 0, "packets")) != fact(s, "packets") {
			t.Errorf("rows %v, want %v", res.Rows, s.Facts)
		}
	})

	t.Run("nodata-skipdata", func(t *testing.T) {
		s, _ := scenario(t, "nodata-skipdata")
		res := run(t, "nodata-skipdata", nil, &all)
		if len(res.Rows) != 2 {
			t.Fatalf("rows %v", res.Rows)
		}
		for i, st := range []string{"nodata", "skipdata"} {
			got := fmt.Sprintf("%s %s %s %s %d", res.Str(t, i, "interface_id"), res.Str(t, i, "log_status"),
				res.Time(t, i, "run_start").Format(time.RFC3339), res.Time(t, i, "run_end").Format(time.RFC3339), res.Int(t, i, "records"))
			want := fmt.Sprintf("%s %s %s %s %s", fact(s, "interface_id"), map[string]string{"nodata": "NODATA", "skipdata": "SKIPDATA"}[st],
				fact(s, st+"_from"), fact(s, st+"_to"), fact(s, st))
			if got != want {
				t.Errorf("run %d = %s, want %s", i, got, want)
			}
		}
	})

	t.Run("rejects-over-time", func(t *testing.T) {
		res := run(t, "rejects-over-time", map[string]string{"bucket": "1h"}, &all)
		if len(res.Rows) != len(truth.RejectsPerHour) {
			t.Fatalf("%d buckets, want %d", len(res.Rows), len(truth.RejectsPerHour))
		}
		for i, want := range truth.RejectsPerHour {
			if !res.Time(t, i, "bucket").Equal(want.Hour) || res.Int(t, i, "rejects") != want.Rejects {
				t.Errorf("bucket %d = %v, want %+v", i, res.Rows[i], want)
			}
			// Never more (approximate) sources or destinations than records.
			for _, col := range []string{"sources_approx", "destinations_approx"} {
				if n := res.Int(t, i, col); n < 1 || n > want.Rejects {
					t.Errorf("bucket %s: %s %d for %d rejects", want.Hour.Format(time.RFC3339), col, n, want.Rejects)
				}
			}
		}
		// A two-hour window across midnight: both hours exactly, and at most a few
		// records of the hour before that end inside the window.
		from := truth.Start.Add(23 * time.Hour)
		w, _ := partitions.NewWindow(from, from.Add(2*time.Hour))
		res = run(t, "rejects-over-time", map[string]string{"bucket": "1h"}, &w)
		got := map[time.Time]int64{}
		for i := range res.Rows {
			got[res.Time(t, i, "bucket")] = res.Int(t, i, "rejects")
		}
		for _, want := range truth.RejectsPerHour {
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
	})

	t.Run("ad-hoc-sql", func(t *testing.T) {
		sqlEng, ok := eng.(SQLEngine)
		if !ok {
			t.Skip("the engine runs no ad-hoc SQL")
		}
		const sql = "SELECT count(*) AS records FROM flow_logs"
		res, err := sqlEng.RunSQL(context.Background(), sql)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(sql))
		p := res.Provenance
		if p.SQL != sql || p.SQLSHA256 != hex.EncodeToString(sum[:]) || p.Query != "" || p.RenderedSQLSHA256 != "" || p.Truncated || p.Rows != 1 {
			t.Errorf("provenance %+v", p)
		}
		if n, _ := res.Rows[0][0].(int64); n != truth.Records {
			t.Errorf("%v records, want %d", res.Rows[0][0], truth.Records)
		}
	})
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
