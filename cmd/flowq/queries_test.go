package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

func TestNewCmdQueriesList(t *testing.T) {
	for _, newCmd := range []func(*Factory, func(*QueriesListOptions) error) *cobra.Command{newCmdQueries, newCmdQueriesList} {
		testArgv(t, newCmd, []argv[QueriesListOptions]{
			{args: []string{}},
			{args: []string{"top"}, wantErr: `unknown command "top" for "`},
		})
	}
	testArgv(t, newCmdQueriesList, []argv[QueriesListOptions]{{args: []string{"--all"}, want: QueriesListOptions{All: true}}})
	testArgv(t, newCmdQueries, []argv[QueriesListOptions]{{args: []string{"--all"}, wantErr: "unknown flag: --all"}})
}

// TestQueriesListRun lists a library of its own: the newest version of each
// query, or every version with All.
func TestQueriesListRun(t *testing.T) {
	query := func(name, version, title, tags string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("-- name: " + name + "\n-- version: " + version + "\n-- title: " + title +
			"\n-- description: A query.\n-- tags: " + tags + "\n-- fields: srcaddr\nSELECT srcaddr FROM {{table}}\n")}
	}
	lib, err := queries.Load(fstest.MapFS{
		"talkers@1.sql":          query("talkers", "1", "Top talkers", "rca"),
		"talkers@2.sql":          query("talkers", "2", "Top talkers, by bytes", "rca,cost"),
		"rejected-sources@1.sql": query("rejected-sources", "1", "Rejected sources", "security"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		all  bool
		want string
	}{
		{false, "rejected-sources@1  v2  security  Rejected sources\ntalkers@2           v2  rca,cost  Top talkers, by bytes\n"},
		{true, "rejected-sources@1  v2  security  Rejected sources\ntalkers@1           v2  rca       Top talkers\ntalkers@2           v2  rca,cost  Top talkers, by bytes\n"},
	} {
		f, out, errOut := testFactory(t)
		if err := queriesListRun(&QueriesListOptions{Factory: f, All: tc.all, Library: func() *queries.Library { return lib }}); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want || errOut.Len() != 0 {
			t.Errorf("all=%v: stdout %q, stderr %q; want %q", tc.all, out, errOut, tc.want)
		}
	}
}

func TestNewCmdQueriesShow(t *testing.T) {
	testArgv(t, newCmdQueriesShow, []argv[QueriesShowOptions]{
		{args: []string{"rejects-on-port@1"}, want: QueriesShowOptions{Query: "rejects-on-port@1"}},
		{args: []string{"rejects-on-port"}, want: QueriesShowOptions{Query: "rejects-on-port"}},
		{args: []string{}, wantErr: "accepts 1 arg(s), received 0"},
		{args: []string{"nope"}, wantErr: "no query named nope (flowq queries list shows them)"},
		{args: []string{"rejects-on-port@9"}, wantErr: "rejects-on-port has no version 9 (it has 1)"},
	})
}

// TestQueriesShowRun: a query's title, description, tags, fields and
// parameters, then its SHA-256 and SQL (the library's, as published).
func TestQueriesShowRun(t *testing.T) {
	f, out, errOut := testFactory(t)
	if err := queriesShowRun(&QueriesShowOptions{Factory: f, Query: "rejects-on-port@1"}); err != nil {
		t.Fatal(err)
	}
	q, err := queries.Default().Get("rejects-on-port@1")
	if err != nil {
		t.Fatal(err)
	}
	want := `rejects-on-port@1  Rejected connections to a port

Who was refused on one destination port (TCP unless another protocol is given), per destination and interface: rejected records, distinct sources, packets and when. Answers "is the security group or network ACL blocking port N?".

Tags:   rca, security
Format: v2
Fields: interface-id, srcaddr, dstaddr, dstport, protocol, packets, start, end, action

Parameters:
  port      port      required     the destination port
  protocol  protocol  default tcp  the IP protocol, by name or number

SHA-256: ` + q.SourceSHA256() + "\n\n" + q.SQL + "\n"
	if out.String() != want || errOut.Len() != 0 {
		t.Errorf("stdout:\n%s\nwant:\n%s\nstderr %q", out, want, errOut)
	}
	f, out, _ = testFactory(t)
	if err := queriesShowRun(&QueriesShowOptions{Factory: f, Query: "top_rejected"}); !errors.As(err, new(usageError)) || out.Len() != 0 {
		t.Errorf("unknown query: %v, stdout %q", err, out)
	}
}

func TestNewCmdQueriesRender(t *testing.T) {
	testArgv(t, newCmdQueriesRender, []argv[QueriesRenderOptions]{
		{args: []string{"rejects-on-port@1", "-p", "port=22", "--engine", "duckdb", "--layout", "hive", "--per-hour", "--table", "vpc.logs", "--since", "2h"},
			want: QueriesRenderOptions{Query: "rejects-on-port@1", Engine: "duckdb", Table: "vpc.logs", Layout: "hive", PerHour: true,
				Window: windowFlags{Since: "2h"}, Params: []string{"port=22"}}},
		{args: []string{"top-rejected-destinations"},
			want: QueriesRenderOptions{Query: "top-rejected-destinations", Engine: "athena", Table: "flow_logs", Layout: "default"}},
		{args: []string{"rejects-on-port", "-p", "port=22", "--engine", "trino"}, wantErr: `unknown engine "trino": want duckdb or athena`},
		{args: []string{"rejects-on-port", "-p", "port=22", "--layout", "flat"}, wantErr: `unknown layout "flat": want default or hive`},
		{args: []string{"rejects-on-port", "-p", "port=22", "--table", "x; DROP TABLE y"}, wantErr: `--table: table "x; DROP TABLE y": want a name`},
		{args: []string{"nope"}, wantErr: "no query named nope (flowq queries list shows them)"},
		{args: []string{"rejects-on-port"}, wantErr: "rejects-on-port@1 needs parameter port (port): pass --param port=VALUE"},
		{args: []string{"rejects-on-port", "-p", "port=22", "-p", "port=23"}, wantErr: "--param port given twice"},
		{args: []string{"rejects-on-port", "-p", "port=22", "--since", "2x"}, wantErr: `--since: duration "2x": want 90s, 10m, 1h30m or 2d`},
		{args: []string{"rejects-on-port", "-p", "port=22", "--to", "2026-01-05"}, wantErr: "--to needs --from (or --since)"},
		// The table's format, when given, must have the query's fields: a
		// Transit Gateway table has no action.
		{args: []string{"rejects-on-port", "-p", "port=22", "--format", "tgw"}, wantErr: "rejects-on-port@1 needs field(s) interface-id (v2), action (v2), which the data's format lacks"},
		{args: []string{"rejects-on-port", "-p", "port=22", "--format", "${srcadr}"}, wantErr: "--format: unknown field srcadr; did you mean srcaddr?"},
		{args: []string{"rejects-on-port", "-p", "port=22", "--accounts", "1234"}, wantErr: `--accounts: account "1234": want 12 digits`},
		{args: []string{"rejects-on-port", "-p", "port=22", "--format", "v5", "--accounts", "111122223333,111122223333", "--regions", "eu-west-1", "--inline"},
			want: QueriesRenderOptions{Query: "rejects-on-port", Engine: "athena", Table: "flow_logs", Layout: "default", Format: "v5",
				Accounts: []string{"111122223333", "111122223333"}, Regions: []string{"eu-west-1"}, Inline: true, Params: []string{"port=22"}}},
	})
}

// TestQueriesRenderInline: --inline writes the values in place, with no
// parameters line, and the scope's accounts and regions in the WHERE.
func TestQueriesRenderInline(t *testing.T) {
	f, out, _ := testFactory(t)
	opts := QueriesRenderOptions{Factory: f, Query: "rejects-on-port@1", Engine: "athena", Table: "vpc_flow_logs.flow_logs", Layout: "default",
		Window: windowFlags{From: "2026-01-05T10:00", To: "2026-01-05T11:00"}, Params: []string{"port=22"}, Accounts: []string{"111122223333"}, Inline: true}
	if err := queriesRenderRun(&opts); err != nil {
		t.Fatal(err)
	}
	sql := out.String()
	for _, want := range []string{"dstport = 22\n", "protocol = 6\n", "aws_account_id = '111122223333' AND day = '2026/01/05' AND \"end\" >= 1767607200 AND start < 1767610800"} {
		if !strings.Contains(sql, want) {
			t.Errorf("no %q in\n%s", want, sql)
		}
	}
	if strings.Contains(sql, "?") || strings.Contains(sql, "-- parameters") {
		t.Errorf("placeholders left:\n%s", sql)
	}
}

// TestQueriesRenderRun: the header names the query, the dialect and both
// hashes, the SQL is the library's rendering, then the parameters as
// literals and what the limit does. --since without --to ends at the
// factory's clock.
func TestQueriesRenderRun(t *testing.T) {
	lib := queries.Default()
	for _, tc := range []struct {
		opts   QueriesRenderOptions
		render func(q *queries.Query) queries.RenderOptions
		header string
		footer string
	}{
		{
			opts: QueriesRenderOptions{Query: "rejects-on-port@1", Engine: "athena", Table: "vpc_flow_logs", Layout: "default",
				Window: windowFlags{Since: "2h"}, Params: []string{"port=22"}},
			render: func(q *queries.Query) queries.RenderOptions {
				w, _ := partitions.NewWindow(testNow.Add(-2*time.Hour), testNow)
				vals, _ := q.Resolve(map[string]string{"port": "22"})
				return queries.RenderOptions{Dialect: queries.Athena, Table: "vpc_flow_logs", Window: &w, Params: vals}
			},
			footer: "-- parameters: 22, 6, '2026/01/09', '2026/01/10', 1767996000, 1768003200\n",
		},
		{
			opts: QueriesRenderOptions{Query: "top-rejected-destinations@2", Engine: "duckdb", Table: "flow_logs", Layout: "hive", PerHour: true,
				Params: []string{"limit=5"}},
			render: func(q *queries.Query) queries.RenderOptions {
				vals, _ := q.Resolve(map[string]string{"limit": "5"})
				return queries.RenderOptions{Dialect: queries.DuckDB, Table: "flow_logs", Layout: partitions.Layout{Hive: true, PerHour: true}, Params: vals}
			},
			header: "-- no time window: every partition is read (give --from/--to or --since)\n",
			footer: "-- parameters: 6\n-- limit 5 is asked as 6: the row beyond the limit tells flowq that the result was cut\n",
		},
	} {
		q, err := lib.Get(tc.opts.Query)
		if err != nil {
			t.Fatal(err)
		}
		ro := tc.render(q)
		r, err := q.Render(ro)
		if err != nil {
			t.Fatal(err)
		}
		want := "-- " + q.Ref() + " for " + ro.Dialect.Name() + "; query SHA-256 " + q.SourceSHA256() + "; rendered SQL SHA-256 " + r.SHA256() + "\n" +
			tc.header + r.SQL + tc.footer
		f, out, errOut := testFactory(t)
		opts := tc.opts
		opts.Factory = f
		if err := queriesRenderRun(&opts); err != nil {
			t.Fatal(err)
		}
		if out.String() != want || errOut.Len() != 0 {
			t.Errorf("%s:\n%s\nwant:\n%s\nstderr %q", tc.opts.Query, out, want, errOut)
		}
	}
}

// TestQueriesCheck: every query is listed as runnable over a format or not,
// with the fields it lacks and their versions; a summary on stderr.
func TestQueriesCheck(t *testing.T) {
	lib, err := queries.Load(fstest.MapFS{
		"flags@1.sql": {Data: []byte("-- name: flags\n-- version: 1\n-- title: t\n-- description: d\n-- tags: rca\n-- fields: srcaddr, tcp-flags, flow-direction\nSELECT 1 FROM {{table}} WHERE {{window}}")},
		"plain@1.sql": {Data: []byte("-- name: plain\n-- version: 1\n-- title: t\n-- description: d\n-- tags: rca\n-- fields: srcaddr, action\nSELECT 1 FROM {{table}} WHERE {{window}}")},
		"lost@1.sql":  {Data: []byte("-- name: lost\n-- version: 1\n-- title: t\n-- description: d\n-- tags: tgw\n-- fields: tgw-attachment-id, packets-lost-no-route\nSELECT 1 FROM {{table}} WHERE {{window}}")},
		"dir@1.sql":   {Data: []byte("-- name: dir\n-- version: 1\n-- title: t\n-- description: d\n-- tags: rca\n-- fields: action\n-- optional: flow-direction\nSELECT {{if has \"flow-direction\"}}flow_direction{{else}}NULL{{end}} FROM {{table}} WHERE {{window}}")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ format, want, summary string }{
		{"default", "dir@1    v2   runs, less precisely without flow-direction\nflags@1  v5   needs tcp-flags (v3), flow-direction (v5)\nlost@1   tgw  needs tgw-attachment-id (v6), packets-lost-no-route (v6)\nplain@1  v2   runs\n",
			"2 of 4 queries run over the default format (version 2)\n"},
		{"tgw", "dir@1    v2   needs action (v2)\nflags@1  v5   runs\nlost@1   tgw  runs\nplain@1  v2   needs action (v2)\n",
			"2 of 4 queries run over the tgw format (version 6)\n"},
		{"${srcaddr} ${action} ${tcp-flags}", "dir@1    v2   runs, less precisely without flow-direction\nflags@1  v5   needs flow-direction (v5)\nlost@1   tgw  needs tgw-attachment-id (v6), packets-lost-no-route (v6)\nplain@1  v2   runs\n",
			"2 of 4 queries run over a format of 3 fields (version 3)\n"},
	} {
		f, out, errOut := testFactory(t)
		if err := queriesCheckRun(&QueriesCheckOptions{Factory: f, Context: context.Background(), Format: tc.format, Library: func() *queries.Library { return lib }}); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want || errOut.String() != tc.summary {
			t.Errorf("%s: stdout %q, stderr %q\nwant %q %q", tc.format, out, errOut, tc.want, tc.summary)
		}
	}
	code, _, errOut := runArgs(t, "queries", "check")
	if code != exitUsage || !strings.HasPrefix(errOut, "flowq: give one of --format and --from-header") {
		t.Errorf("no format: %d %q", code, errOut)
	}
	// The format of downloaded files, from their header lines.
	dir := sampleDir(t, "--records", "50", "--scenario", "icmp", "--format", "v5")
	code, out, errOut := runArgs(t, "queries", "check", "--from-header", dir)
	if code != 0 || !strings.Contains(out, "rejects-on-port@1") || !strings.HasSuffix(errOut, " queries run over the v5 format (version 5)\n") {
		t.Errorf("--from-header: %d %q %q", code, out, errOut)
	}
}
