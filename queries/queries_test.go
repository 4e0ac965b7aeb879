package queries

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/internal/golden"
	"github.com/flowq/flowq/partitions"
)

// examples are parameter values for rendering queries whose parameters are required.
var examples = map[Type]string{IP: "10.0.1.10", CIDR: "10.0.1.0/24", Port: "22", Protocol: "tcp",
	Timestamp: "2026-01-05T10:00:00Z", Duration: "5m", Int: "5", String: "x"}

func exampleParams(q *Query) map[string]string {
	given := map[string]string{}
	for _, p := range q.Params {
		if p.Required() {
			given[p.Name] = examples[p.Type]
		}
	}
	return given
}

func TestDefaultLibrary(t *testing.T) {
	lib := Default()
	if n := len(lib.Latest()); n < 8 {
		t.Fatalf("library has %d queries, want at least the 8 starters", n)
	}
	for _, q := range lib.All() {
		if q.Title == "" || q.Description == "" || len(q.Tags) == 0 || len(q.Fields) == 0 {
			t.Errorf("%s: incomplete metadata", q.Ref())
		}
		// Every declared parameter is used, and every used one declared.
		vals, err := q.Resolve(exampleParams(q))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := partitions.NewWindow(time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 11, 0, 0, 0, time.UTC))
		r, err := q.Render(RenderOptions{Dialect: DuckDB, Window: &w, Params: vals})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range q.Params {
			if !strings.Contains(q.SQL, `"`+p.Name+`"`) {
				t.Errorf("%s: parameter %s is declared but the SQL never uses it", q.Ref(), p.Name)
			}
		}
		if strings.Count(r.SQL, "?") != len(r.Args) {
			t.Errorf("%s: %d placeholders, %d arguments", q.Ref(), strings.Count(r.SQL, "?"), len(r.Args))
		}
	}
}

// TestRenderGolden keeps each query's rendering for both dialects under
// testdata/NAME@VERSION/, for review and for checking the Athena SQL against
// Trino's grammar. Regenerate with: go test ./queries -run RenderGolden -update
func TestRenderGolden(t *testing.T) {
	w, _ := partitions.NewWindow(time.Date(2026, 1, 5, 22, 0, 0, 0, time.UTC), time.Date(2026, 1, 6, 2, 0, 0, 0, time.UTC))
	for _, q := range Default().All() {
		vals, err := q.Resolve(exampleParams(q))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range Dialects {
			r, err := q.Render(RenderOptions{Dialect: d, Layout: partitions.Layout{PerHour: true}, Window: &w, Params: vals})
			if err != nil {
				t.Fatal(err)
			}
			lits, err := r.ExecutionParameters()
			if err != nil {
				t.Fatal(err)
			}
			got := r.SQL + "-- parameters: " + strings.Join(lits, ", ") + "\n"
			golden.Compare(t, filepath.Join("testdata", q.Ref(), d.Name()+".sql"), got)
		}
	}
}

// TestLock fails when a published query changes. library.lock holds the
// SHA-256 of every name@version ever published; -update adds new versions but
// never rewrites or drops a published one.
func TestLock(t *testing.T) {
	lock := map[string]string{}
	var order []string
	f, err := os.Open("library.lock")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if f != nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			ref, sum, ok := strings.Cut(sc.Text(), " ")
			if !ok || strings.HasPrefix(ref, "#") {
				continue
			}
			lock[ref] = sum
			order = append(order, ref)
		}
		f.Close()
	}
	current := map[string]string{}
	for _, q := range Default().All() {
		current[q.Ref()] = q.SourceSHA256()
		sum, published := lock[q.Ref()]
		switch {
		case !published && golden.Update():
			order = append(order, q.Ref())
			lock[q.Ref()] = q.SourceSHA256()
		case !published:
			t.Errorf("%s is not in library.lock: publish it with go test ./queries -run Lock -update", q.Ref())
		case sum != q.SourceSHA256():
			t.Errorf("%s changed after it was published: restore it and add version %d instead", q.Ref(), q.Version+1)
		}
	}
	for _, ref := range order {
		if _, ok := current[ref]; !ok {
			t.Errorf("%s was published but is gone from the library: published versions stay", ref)
		}
	}
	if golden.Update() {
		var b strings.Builder
		b.WriteString("# SHA-256 of every published query version. Written by: go test ./queries -run Lock -update\n")
		for _, ref := range order {
			b.WriteString(ref + " " + lock[ref] + "\n")
		}
		if err := os.WriteFile("library.lock", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGet(t *testing.T) {
	lib := Default()
	for _, tc := range []struct{ ref, want, err string }{
		{ref: "top-rejected-destinations", want: "top-rejected-destinations@2"},
		{ref: "top-rejected-destinations@1", want: "top-rejected-destinations@1"},
		{ref: "top-rejected-destinations@9", err: "top-rejected-destinations has no version 9 (it has 1, 2)"},
		{ref: "nope", err: "no query named nope (flowq queries list shows them)"},
		{ref: "Top", err: `query "Top": a name is lower-case words joined by hyphens; did you mean top-rejected-destinations, top-rejected-ports or top-rejected-sources?`},
		{ref: "Nope", err: `query "Nope": a name is lower-case words joined by hyphens`},
		{ref: "top-rejected-destinations@x", err: `query "top-rejected-destinations@x": the version after @ is a whole number from 1`},
		// Did you mean: a beginning, typos, another spelling.
		{ref: "top-rejected", err: "no query named top-rejected; did you mean top-rejected-destinations, top-rejected-ports or top-rejected-sources?"},
		{ref: "top-rejected@1", err: "no query named top-rejected; did you mean top-rejected-destinations, top-rejected-ports or top-rejected-sources?"},
		{ref: "rejects", err: "no query named rejects; did you mean rejects-on-port or rejects-over-time?"},
		{ref: "trafic-between", err: "no query named trafic-between; did you mean traffic-between?"},
		{ref: "converstaion-sumary", err: "no query named converstaion-sumary; did you mean conversation-summary?"},
		{ref: "one-way-flow", err: "no query named one-way-flow; did you mean one-way-flows?"},
		{ref: "top_rejected_destinations", err: `query "top_rejected_destinations": a name is lower-case words joined by hyphens; did you mean top-rejected-destinations?`},
		{ref: "way-flows", err: "no query named way-flows (flowq queries list shows them)"},
	} {
		q, err := lib.Get(tc.ref)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Get(%q) error = %v, want %s", tc.ref, err, tc.err)
			}
			continue
		}
		if err != nil || q.Ref() != tc.want {
			t.Errorf("Get(%q) = %v, %v, want %s", tc.ref, q, err, tc.want)
		}
	}
}

func TestVersions(t *testing.T) {
	fsys := fstest.MapFS{
		"a@1.sql": {Data: []byte("-- name: a\n-- version: 1\n-- title: A\n-- description: d\n-- tags: rca\n-- fields: srcaddr\nSELECT 1\n")},
		"a@2.sql": {Data: []byte("-- name: a\n-- version: 2\n-- title: A\n-- description: d\n-- tags: rca\n-- fields: srcaddr\nSELECT 2\n")},
	}
	lib, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := lib.Get("a"); q.Version != 2 {
		t.Errorf("latest = %d, want 2", q.Version)
	}
	if q, _ := lib.Get("a@1"); q.SQL != "SELECT 1" {
		t.Errorf("a@1 SQL = %q", q.SQL)
	}
}

func TestLoadErrors(t *testing.T) {
	head := "-- name: a\n-- version: 1\n-- title: A\n-- description: d\n-- tags: rca\n"
	for _, tc := range []struct{ file, src, err string }{
		{"a@1.sql", head + "-- fields: srcadr\nSELECT 1", "a@1.sql:6: fields: unknown field srcadr; did you mean srcaddr?"},
		{"a@2.sql", head + "-- fields: srcaddr\nSELECT 1", "a@2.sql: its header says a@1, so the file must be a@1.sql"},
		{"a@1.sql", head + "SELECT 1", "a@1.sql: header has no fields"},
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: n int = x; n\nSELECT 1", `a@1.sql:7: default: parameter n: "x" is not an integer`},
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: n color; n\nSELECT 1", `a@1.sql:7: param n: unknown type "color"`},
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: d enum; n\nSELECT 1", `a@1.sql:7: param d: only an enum lists values (and an int its range), and an enum must`},
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: h int(5..1); n\nSELECT 1", `a@1.sql:7: param h: an int's range is int(LOW..HIGH)`},
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: h int(0..23) = 24; n\nSELECT 1", `a@1.sql:7: default: parameter h: "24" is not a whole number from 0 to 23`},
		{"a@1.sql", head + "-- fields: srcaddr\n-- colour: red\nSELECT 1", `a@1.sql:7: unknown header key "colour"`},
		{"a@1.sql", head + "-- fields: srcaddr\nSELECT {{oops}}", `a@1.sql: template: a@1:1: function "oops" not defined`},
		// The limit convention: an int, used once, as the final LIMIT.
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: limit string = x; n\nSELECT 1", `a@1.sql:7: param limit: the limit parameter caps the rows, so it is an int`},
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: limit int = 0; n\nSELECT 1", `a@1.sql:7: default: parameter limit: "0" is not a whole number of rows from 1 to 1000000`},
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: limit int = 5; n\nSELECT * FROM (SELECT 1 LIMIT {{param \"limit\"}}) x",
			`a@1.sql: param limit: the SQL must end with LIMIT {{param "limit"}} and use it nowhere else`},
		{"a@1.sql", head + "-- fields: srcaddr\n-- param: limit int = 5; n\nSELECT {{param \"limit\"}} LIMIT {{param \"limit\"}}",
			`a@1.sql: param limit: the SQL must end with LIMIT {{param "limit"}} and use it nowhere else`},
	} {
		_, err := Load(fstest.MapFS{tc.file: {Data: []byte(tc.src)}})
		if err == nil || err.Error() != tc.err {
			t.Errorf("Load error = %v\nwant %s", err, tc.err)
		}
	}
}

func TestParams(t *testing.T) {
	for _, tc := range []struct {
		p    Param
		in   string
		want any
		err  string
	}{
		{p: Param{Name: "a", Type: IP}, in: "10.0.0.1", want: "10.0.0.1"},
		{p: Param{Name: "a", Type: IP}, in: "::ffff:10.0.0.1", want: "10.0.0.1"},
		{p: Param{Name: "a", Type: IP}, in: "10.0.0.256", err: `parameter a: "10.0.0.256" is not an IP address`},
		{p: Param{Name: "n", Type: CIDR}, in: "10.0.0.1", want: "10.0.0.1/32"},
		{p: Param{Name: "n", Type: CIDR}, in: "2600:1f18::/32", want: "2600:1f18::/32"},
		{p: Param{Name: "n", Type: CIDR}, in: "::ffff:10.0.2.0/120", want: "10.0.2.0/24"},
		{p: Param{Name: "n", Type: CIDR}, in: "::ffff:10.0.2.7", want: "10.0.2.7/32"},
		{p: Param{Name: "n", Type: CIDR}, in: "10.0.0.1/16", err: `parameter n: "10.0.0.1/16" has host bits set; the network is 10.0.0.0/16`},
		{p: Param{Name: "n", Type: CIDR}, in: "10.0.0.0/16' OR 1=1 --", err: `parameter n: "10.0.0.0/16' OR 1=1 --" is not an address or a CIDR network (10.0.0.0/16)`},
		{p: Param{Name: "port", Type: Port}, in: "443", want: int64(443)},
		{p: Param{Name: "port", Type: Port}, in: "65536", err: `parameter port: "65536" is not a port (0-65535)`},
		{p: Param{Name: "proto", Type: Protocol}, in: "UDP", want: int64(17)},
		{p: Param{Name: "proto", Type: Protocol}, in: "58", want: int64(58)},
		{p: Param{Name: "proto", Type: Protocol}, in: "tcpp", err: `parameter proto: "tcpp" is not a protocol number (0-255) or one of ah, esp, gre, icmp, icmpv6, igmp, sctp, tcp, udp`},
		{p: Param{Name: "at", Type: Timestamp}, in: "2026-01-05T10:00:00+01:00", want: int64(1767603600)},
		{p: Param{Name: "at", Type: Timestamp}, in: "2026-01-05", want: int64(1767571200)},
		{p: Param{Name: "gap", Type: Duration}, in: "2d", want: int64(172800)},
		{p: Param{Name: "gap", Type: Duration}, in: "90s", want: int64(90)},
		{p: Param{Name: "gap", Type: Duration}, in: "1.5s", err: `parameter gap: "1.5s" is not a positive whole number of seconds, minutes, hours or days (90s, 10m, 1h, 2d)`},
		{p: Param{Name: "at", Type: Timestamp}, in: "2026-01-05T10:00Z", want: int64(1767607200)},
		{p: Param{Name: "at", Type: Timestamp}, in: "2026-01-05T12:00+02:00", want: int64(1767607200)},
		{p: Param{Name: "at", Type: Timestamp}, in: "2026-01-05T10:00", want: int64(1767607200)},
		{p: Param{Name: "at", Type: Timestamp}, in: "2026-01-05 10:00", err: `parameter at: time "2026-01-05 10:00": want RFC 3339 (2026-01-05T10:00:00Z, 2026-01-05T12:00+02:00), a UTC time (2026-01-05T10:00) or a date (2026-01-05)`},
		{p: Param{Name: "gap", Type: Duration}, in: "99999999999d", err: `parameter gap: duration "99999999999d" is too long: at most 3660d (10 years)`},
		{p: Param{Name: "gap", Type: Duration}, in: "0s", err: `parameter gap: duration "0s": want a positive duration`},
		{p: Param{Name: "n", Type: Int}, in: "-3", want: int64(-3)},
		{p: Param{Name: "limit", Type: Int}, in: "1", want: int64(1)},
		{p: Param{Name: "limit", Type: Int}, in: "1000000", want: int64(1000000)},
		{p: Param{Name: "limit", Type: Int}, in: "-5", err: `parameter limit: "-5" is not a whole number of rows from 1 to 1000000`},
		{p: Param{Name: "limit", Type: Int}, in: "0", err: `parameter limit: "0" is not a whole number of rows from 1 to 1000000`},
		{p: Param{Name: "limit", Type: Int}, in: "1000001", err: `parameter limit: "1000001" is not a whole number of rows from 1 to 1000000`},
		{p: Param{Name: "limit", Type: Int}, in: "99999999999999999999", err: `parameter limit: "99999999999999999999" is not a whole number of rows from 1 to 1000000`},
		{p: Param{Name: "limit", Type: Int}, in: "1e3", err: `parameter limit: "1e3" is not a whole number of rows from 1 to 1000000`},
		{p: Param{Name: "dir", Type: Enum, Values: []string{"ingress", "egress"}}, in: "egress", want: "egress"},
		{p: Param{Name: "dir", Type: Enum, Values: []string{"ingress", "egress"}}, in: "in", err: `parameter dir: "in" is not one of ingress, egress`},
	} {
		got, err := tc.p.Parse(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s %q: error %v\nwant %s", tc.p.Type, tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s %q = %#v, %v; want %#v", tc.p.Type, tc.in, got, err, tc.want)
		}
	}
}

func TestResolve(t *testing.T) {
	q, _ := Default().Get("rejects-on-port")
	if _, err := q.Resolve(map[string]string{}); err == nil || err.Error() != "rejects-on-port@1 needs parameter port (port): pass --param port=VALUE" {
		t.Errorf("missing: %v", err)
	}
	if _, err := q.Resolve(map[string]string{"port": "22", "prot": "tcp"}); err == nil || err.Error() != `rejects-on-port@1 has no parameter "prot" (it takes: port, protocol)` {
		t.Errorf("unknown: %v", err)
	}
	v, err := q.Resolve(map[string]string{"port": "22"})
	if err != nil || v["port"] != int64(22) || v["protocol"] != int64(6) {
		t.Errorf("Resolve = %v, %v", v, err)
	}
	tb, _ := Default().Get("traffic-between@1")
	if _, err := tb.Resolve(map[string]string{"a": "10.0.0.0/8", "b": "10.0.0.0/8", "limit": "-5"}); err == nil ||
		err.Error() != `traffic-between@1: parameter limit: "-5" is not a whole number of rows from 1 to 1000000` {
		t.Errorf("limit -5: %v", err)
	}
}

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"2026-01-05T10:00:00Z":      "2026-01-05T10:00:00Z",
		"2026-01-05T10:00:30.5Z":    "2026-01-05T10:00:30.5Z",
		"2026-01-05T10:00Z":         "2026-01-05T10:00:00Z",
		"2026-01-05T12:00+02:00":    "2026-01-05T10:00:00Z",
		"2026-01-05T05:00-05:00":    "2026-01-05T10:00:00Z",
		"2026-01-05T12:00:00+02:00": "2026-01-05T10:00:00Z",
		"2026-01-05T10:00:00":       "2026-01-05T10:00:00Z",
		"2026-01-05T10:00":          "2026-01-05T10:00:00Z",
		"2026-01-05":                "2026-01-05T00:00:00Z",
	} {
		got, err := ParseTime(in)
		if err != nil || got.Format(time.RFC3339Nano) != want || got.Location() != time.UTC {
			t.Errorf("ParseTime(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"2026-01-05T10", "2026-01-05T10:00+2", "05/01/2026", "2026-01-05T25:00Z", ""} {
		if _, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) accepted", in)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90s": 90 * time.Second, "1h30m": 90 * time.Minute, "2d": 48 * time.Hour, "3660d": MaxDuration, "87840h": MaxDuration,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	tooLong := func(s string) string { return fmt.Sprintf("duration %q is too long: at most 3660d (10 years)", s) }
	for in, want := range map[string]string{
		// Overflowing counts are refused, not wrapped around (99999999999d was a year in 1828).
		"99999999999d":         tooLong("99999999999d"),
		"9223372036854775808d": tooLong("9223372036854775808d"),
		"99999999999h":         tooLong("99999999999h"),
		"9999999999999999999s": tooLong("9999999999999999999s"),
		"3661d":                tooLong("3661d"),
		"87841h":               tooLong("87841h"),
		"0d":                   `duration "0d": want a positive duration`,
		"-5m":                  `duration "-5m": want a positive duration`,
		"-2d":                  `duration "-2d": want a positive duration`,
		"1.5d":                 `duration "1.5d": want a whole number of days like 2d`,
		"d":                    `duration "d": want a whole number of days like 2d`,
		"5":                    `duration "5": want 90s, 10m, 1h30m or 2d`,
		"2w":                   `duration "2w": want 90s, 10m, 1h30m or 2d`,
		"h":                    `duration "h": want 90s, 10m, 1h30m or 2d`,
	} {
		_, err := ParseDuration(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseDuration(%q) error %v\nwant %s", in, err, want)
		}
	}
}

func TestLiteral(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
		err  string
	}{
		{in: int64(42), want: "42"},
		{in: "it's", want: "'it''s'"},
		{in: `a\'b`, want: `'a\''b'`},
		{in: "a\nb", err: `string "a\nb": control characters are not allowed in a parameter`},
		{in: 1.5, err: "no SQL literal for float64"},
	} {
		got, err := Literal(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("Literal(%#v) error %v, want %s", tc.in, err, tc.err)
			}
			continue
		}
		if got != tc.want || err != nil {
			t.Errorf("Literal(%#v) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestWindowPredicate(t *testing.T) {
	q, _ := Default().Get("top-rejected-destinations")
	vals, _ := q.Resolve(nil)
	w, _ := partitions.NewWindow(time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 11, 0, 0, 0, time.UTC))
	for _, tc := range []struct {
		layout partitions.Layout
		want   string
		args   []any
	}{
		{partitions.Layout{}, `day = ? AND "end" >= ? AND start < ?`, []any{"2026/01/05", int64(1767607200), int64(1767610800)}},
		{partitions.Layout{PerHour: true, Hive: true}, `year = ? AND month = ? AND day = ? AND hour BETWEEN ? AND ?`,
			[]any{"2026", "01", "05", "09", "11"}},
	} {
		r, err := q.Render(RenderOptions{Dialect: Athena, Layout: tc.layout, Window: &w, Params: vals})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(r.SQL, tc.want) {
			t.Errorf("%v: SQL lacks %s:\n%s", tc.layout, tc.want, r.SQL)
		}
		for i, a := range tc.args {
			if r.Args[i] != a {
				t.Errorf("%v: arg %d = %#v, want %#v", tc.layout, i, r.Args[i], a)
			}
		}
	}
}

func TestCheckFields(t *testing.T) {
	q := &Query{Name: "q", Version: 1, Fields: []string{"srcaddr", "flow-direction", "pkt-srcaddr"}}
	v2, _ := flowlog.ParseFormat("default")
	err := q.CheckFields([]flowlog.Format{v2})
	want := "q@1 needs field(s) flow-direction (v5), pkt-srcaddr (v3), which the data's format lacks (" + v2.String() + "); create the flow log with a format that includes them"
	if err == nil || err.Error() != want {
		t.Errorf("CheckFields = %v\nwant %s", err, want)
	}
	all, _ := flowlog.ParseFormat("all")
	if err := q.CheckFields([]flowlog.Format{all}); err != nil {
		t.Error(err)
	}
}

// TestDialectHooks renders every hook in both dialects.
func TestDialectHooks(t *testing.T) {
	src := "-- name: hooks\n-- version: 1\n-- title: t\n-- description: d\n-- tags: rca\n-- fields: srcaddr, start\n" +
		"-- param: net cidr; a network\n-- param: pattern string; a regex\n" +
		`SELECT {{timestamp "start"}}, {{approx_distinct "srcaddr"}} FROM {{table}} WHERE {{in_network "net" "srcaddr"}} AND {{regexp_like "srcaddr" "pattern"}} AND {{bit_and "start" 2}} <> 0`
	lib, err := Load(fstest.MapFS{"hooks@1.sql": {Data: []byte(src)}})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := lib.Get("hooks")
	vals, err := q.Resolve(map[string]string{"net": "10.0.0.0/8", "pattern": `^10\.0\.`})
	if err != nil {
		t.Fatal(err)
	}
	for d, want := range map[Dialect]string{
		DuckDB: "SELECT make_timestamp((start) * 1000000), approx_count_distinct(srcaddr) FROM flow_logs WHERE flowq_in_network(?, srcaddr) AND regexp_matches(srcaddr, ?) AND (start & 2) <> 0\n",
		Athena: "SELECT from_unixtime(start), approx_distinct(srcaddr) FROM flow_logs WHERE contains(?, TRY_CAST(srcaddr AS IPADDRESS)) AND regexp_like(srcaddr, ?) AND bitwise_and(start, 2) <> 0\n",
	} {
		r, err := q.Render(RenderOptions{Dialect: d, Params: vals})
		if err != nil {
			t.Fatal(err)
		}
		lits, _ := r.ExecutionParameters()
		if r.SQL != want || strings.Join(lits, " ") != `'10.0.0.0/8' '^10\.0\.'` {
			t.Errorf("%s:\n%s%v", d.Name(), r.SQL, lits)
		}
	}
}

// TestLimit: the limit parameter is bound one higher, and Finish removes the
// extra row and says the limit cut the result; without the extra row it says
// it did not.
func TestLimit(t *testing.T) {
	q, _ := Default().Get("top-rejected-destinations@1")
	vals, err := q.Resolve(map[string]string{"limit": "3"})
	if err != nil {
		t.Fatal(err)
	}
	// DuckDB binds the limit; Athena binds values only in WHERE, so writes it.
	r, err := q.Render(RenderOptions{Dialect: DuckDB, Params: vals})
	if err != nil {
		t.Fatal(err)
	}
	if r.Limit != 3 || r.Args[len(r.Args)-1] != int64(4) || !strings.HasSuffix(r.SQL, "LIMIT ?\n") {
		t.Fatalf("limit %d, args %v, SQL:\n%s", r.Limit, r.Args, r.SQL)
	}
	r, err = q.Render(RenderOptions{Dialect: Athena, Params: vals})
	if err != nil {
		t.Fatal(err)
	}
	if r.Limit != 3 || len(r.Args) != 0 || !strings.HasSuffix(r.SQL, "LIMIT 4\n") {
		t.Fatalf("athena: limit %d, args %v, SQL:\n%s", r.Limit, r.Args, r.SQL)
	}
	rows := func(n int) [][]any {
		out := make([][]any, n)
		for i := range out {
			out[i] = []any{int64(i)}
		}
		return out
	}
	for _, tc := range []struct {
		got, want int
		truncated bool
	}{{4, 3, true}, {3, 3, false}, {0, 0, false}} {
		res := &Result{Rows: rows(tc.got), Provenance: Provenance{Engine: "athena", Files: 2, ExecutionID: "x"}}
		r.Finish(res)
		p := res.Provenance
		if len(res.Rows) != tc.want || p.Rows != tc.want || p.Truncated != tc.truncated || p.Limit != 3 || p.LimitParam != "limit" {
			t.Errorf("%d rows from the engine: %d rows, provenance %+v", tc.got, len(res.Rows), p)
		}
		if p.Files != 2 || p.ExecutionID != "x" || p.Query != "top-rejected-destinations@1" || p.Params["limit"] != int64(3) {
			t.Errorf("provenance %+v", p)
		}
	}
	// A query without a limit: nothing is cut, whatever the count.
	q, _ = Default().Get("rejects-over-time")
	vals, _ = q.Resolve(nil)
	r, _ = q.Render(RenderOptions{Dialect: DuckDB, Params: vals})
	res := &Result{Rows: rows(5)}
	r.Finish(res)
	if r.Limit != 0 || len(res.Rows) != 5 || res.Provenance.Truncated || res.Provenance.Limit != 0 || res.Provenance.LimitParam != "" {
		t.Errorf("no limit: %d rows, %+v", len(res.Rows), res.Provenance)
	}
}

// TestProvenanceHashes: a library query's sql_sha256 is its published
// source's (as in library.lock and flowq queries show); the rendered SQL has its
// own. Ad-hoc SQL carries its text and the text's hash.
func TestProvenanceHashes(t *testing.T) {
	q, _ := Default().Get("rejects-on-port@1")
	vals, _ := q.Resolve(map[string]string{"port": "22"})
	r, _ := q.Render(RenderOptions{Dialect: DuckDB, Params: vals})
	res := &Result{Provenance: Provenance{SQL: r.SQL, SQLSHA256: r.SHA256()}} // as an engine's RunSQL leaves it
	r.Finish(res)
	p := res.Provenance
	if p.SQLSHA256 != "348944b03155ead4ec45741463de17aa4a5315333a1c8a9ec956ee1e7b01e66b" || p.RenderedSQLSHA256 != r.SHA256() || p.SQL != "" {
		t.Errorf("provenance %+v", p)
	}
	var adhoc Provenance
	adhoc.AdHoc("SELECT 1")
	if adhoc.SQL != "SELECT 1" || adhoc.SQLSHA256 != "e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701f386135d72cdecf5" || adhoc.RenderedSQLSHA256 != "" {
		t.Errorf("ad hoc %+v", adhoc)
	}
}

// TestTableNames: a table name is a plain name or database.name, and no part
// of it is a word the dialect reserves; a refusal suggests a name.
func TestTableNames(t *testing.T) {
	q, _ := Default().Get("one-way-flows")
	vals, _ := q.Resolve(nil)
	for _, tc := range []struct {
		d          Dialect
		table, err string
	}{
		{d: Athena, table: "vpc_flow_logs"},
		{d: Athena, table: "network.Flow_Logs_2026"},
		{d: Athena, table: "flowlogs.limit"}, // reserved in DuckDB, not in Trino
		{d: Athena, table: "year"},
		{d: Athena, table: "table", err: `table "table": table is a reserved word in athena SQL, so it cannot name the table here; give the flow-log table's name, e.g. flow_logs`},
		{d: Athena, table: "SELECT", err: `table "SELECT": select is a reserved word in athena SQL, so it cannot name the table here; give the flow-log table's name, e.g. flow_logs`},
		{d: Athena, table: "vpc.order", err: `table "vpc.order": order is a reserved word in athena SQL, so it cannot name the table here; give the flow-log table's name, e.g. vpc.flow_logs`},
		{d: Athena, table: "from.flow_logs", err: `table "from.flow_logs": from is a reserved word in athena SQL, so it cannot name the database here; give the database that holds flow_logs`},
		{d: DuckDB, table: "limit", err: `table "limit": limit is a reserved word in duckdb SQL, so it cannot name the table here; give the flow-log table's name, e.g. flow_logs`},
		{d: Athena, table: "vpc-flow-logs", err: `table "vpc-flow-logs": want a name or database.name of letters, digits and underscores; did you mean vpc_flow_logs?`},
		{d: Athena, table: "my db.flow logs", err: `table "my db.flow logs": want a name or database.name of letters, digits and underscores; did you mean my_db.flow_logs?`},
		{d: Athena, table: "x; DROP TABLE y", err: `table "x; DROP TABLE y": want a name or database.name of letters, digits and underscores`},
		{d: Athena, table: "a.b.c", err: `table "a.b.c": want a name or database.name of letters, digits and underscores`},
		{d: Athena, table: "2026_flows", err: `table "2026_flows": want a name or database.name of letters, digits and underscores`},
		{d: Athena, table: `"table"`, err: `table "\"table\"": want a name or database.name of letters, digits and underscores`},
	} {
		r, err := q.Render(RenderOptions{Dialect: tc.d, Table: tc.table, Params: vals})
		if tc.err == "" {
			if err != nil || !strings.Contains(r.SQL, "FROM "+tc.table+" s\n") {
				t.Errorf("%s: %v", tc.table, err)
			}
			continue
		}
		if err == nil || err.Error() != tc.err {
			t.Errorf("%s %s: error %v\nwant %s", tc.d.Name(), tc.table, err, tc.err)
		}
	}
	for d, words := range map[Dialect][]string{Athena: {"table", "Order", "select", "with", "values"}, DuckDB: {"table", "limit", "window", "left", "default"}} {
		for _, w := range words {
			if !d.Reserved(w) {
				t.Errorf("%s: %s is not reserved", d.Name(), w)
			}
		}
	}
	for _, w := range []string{"flow_logs", "year", "day", "start", "end_time"} {
		if Athena.Reserved(w) || DuckDB.Reserved(w) {
			t.Errorf("%s is reserved", w)
		}
	}
}

// TestClauseAt: the clause a value stands in, which decides whether Athena
// can bind it.
func TestClauseAt(t *testing.T) {
	for sql, want := range map[string]Clause{
		"SELECT a, ":                                        SelectClause,
		"SELECT a FROM t WHERE x = ":                        WhereClause,
		"SELECT a FROM t WHERE contains(":                   WhereClause,
		"SELECT CASE WHEN f(":                               SelectClause,
		"SELECT lag(x) OVER (PARTITION BY a ORDER BY b) + ": SelectClause,
		"SELECT a FROM (SELECT b FROM t WHERE c = ":         WhereClause,
		"SELECT a FROM (SELECT b FROM t WHERE c = 1) r WHERE d = 1 GROUP BY a HAVING count(*) > ": HavingClause,
		"SELECT a FROM t ORDER BY a LIMIT ":                                  LimitClause,
		"SELECT 'WHERE' FROM t WHERE x = 'a''b' LIMIT ":                      LimitClause,
		"SELECT \"where\" FROM t -- WHERE\n LIMIT ":                          LimitClause,
		"SELECT a FROM t JOIN u ON t.a = ":                                   OnClause,
		"WITH x AS (SELECT a FROM t WHERE b = 1) SELECT * FROM x WHERE y = ": WhereClause,
		"SELECT count(*) FILTER (WHERE x = ":                                 SelectClause,
		"SELECT a FROM t HAVING count(*) FILTER (WHERE (x) = ":               HavingClause,
		"SELECT a FROM t WHERE a IS DISTINCT FROM ":                          WhereClause,
		"SELECT s.order, t.limit, col$limit, ":                               SelectClause,
		"SELECT a FROM t WHERE x IN (SELECT y FROM u) AND z = ":              WhereClause,
		"SELECT extract(hour FROM ts) + ":                                    SelectClause,
		"":                                                                   OtherClause,
	} {
		if got := clauseAt(sql); got != want {
			t.Errorf("clauseAt(%q) = %q, want %q", sql, got, want)
		}
	}
}

// TestDialectParams: DuckDB binds every value; Athena binds values in WHERE
// and writes the others as literals, with the one escaping function.
func TestDialectParams(t *testing.T) {
	for _, tc := range []struct {
		d     Dialect
		c     Clause
		v     any
		sql   string
		bound bool
	}{
		{DuckDB, SelectClause, "x'y", "?", true},
		{DuckDB, LimitClause, int64(11), "?", true},
		{Athena, WhereClause, "x'y", "?", true},
		{Athena, SelectClause, "x'y", "'x''y'", false},
		{Athena, LimitClause, int64(11), "11", false},
		{Athena, HavingClause, int64(-5), "(-5)", false}, // "x -{{param}}" must not become "x --5"
		{Athena, WhereClause, int64(-5), "?", true},
	} {
		sql, bound, err := tc.d.Param(tc.v, tc.c)
		if err != nil || sql != tc.sql || bound != tc.bound {
			t.Errorf("%s in %s of %v: %q %v %v", tc.d.Name(), tc.c, tc.v, sql, bound, err)
		}
	}
	if _, _, err := Athena.Param("a\nb", SelectClause); err == nil {
		t.Error("a control character was written into SQL")
	}
}
