package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/queries"
)

// complete runs cobra's hidden __complete command, as a shell's completion
// script does, and returns its stdout: one candidate a line (TAB, then its
// description), then :DIRECTIVE.
func complete(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runArgs(t, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("__complete %q: exit %d: %s", args, code, errOut)
	}
	return out
}

// TestCompleteQueries: run, queries show and queries render complete the
// newest query names, and name@version once the word has an @ or names one
// query.
func TestCompleteQueries(t *testing.T) {
	var all strings.Builder
	for _, q := range queries.Default().Latest() {
		all.WriteString(q.Name + "\t" + q.Title + "\n")
	}
	all.WriteString(":4\n")
	// A word that names one query also gets each of its versions.
	oneName := "rejects-over-time\tRejects over time\n"
	for _, q := range queries.Default().All() {
		if q.Name == "rejects-over-time" {
			oneName += q.Ref() + "\t" + q.Title + "\n"
		}
	}
	oneName += ":4\n"
	for _, cmd := range [][]string{{"run"}, {"queries", "show"}, {"queries", "render"}} {
		if got := complete(t, append(cmd, "")...); got != all.String() {
			t.Errorf("%v: got\n%s\nwant\n%s", cmd, got, all.String())
		}
		if got, want := complete(t, append(cmd, "rejects-on-port@1")...), "rejects-on-port@1\tRejected connections to a port\n:4\n"; got != want {
			t.Errorf("%v @1: got %q, want %q", cmd, got, want)
		}
		if got := complete(t, append(cmd, "rejects-over")...); got != oneName {
			t.Errorf("%v one name: got %q, want %q", cmd, got, oneName)
		}
		if got := complete(t, append(cmd, "top-rejected-destinations", "")...); got != ":4\n" {
			t.Errorf("%v second argument: %q", cmd, got)
		}
	}
}

// TestCompleteParams: --param and -p complete NAME= of the chosen query's
// parameters not given yet, without a space after them.
func TestCompleteParams(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "rejects-on-port@1", "--param", ""},
			"port=\tport, required: the destination port\nprotocol=\tprotocol, default tcp: the IP protocol, by name or number\n:6\n"},
		{[]string{"run", "rejects-on-port@1", "-p", "port=22", "-p", ""}, "protocol=\tprotocol, default tcp: the IP protocol, by name or number\n:6\n"},
		{[]string{"queries", "render", "traffic-between@1", "-p", "b"}, "b=\tcidr, required: the other endpoint: an address or a network\n:6\n"},
		{[]string{"queries", "render", "rejects-on-port@1", "-p", "port=2"}, ":4\n"},
		{[]string{"run", "nope", "-p", ""}, ":4\n"},
		{[]string{"run", "-p", ""}, "_activeHelp_ name the query first\n:4\n"},
	} {
		if got := complete(t, tc.args...); got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.args, got, tc.want)
		}
	}
	// An enum's values follow its NAME=.
	q := &queries.Query{Params: []queries.Param{{Name: "direction", Type: queries.Enum, Values: []string{"ingress", "egress"}, Default: "ingress"}}}
	got, directive := paramCompletions(q, nil, "direction=e")
	if strings.Join(got, ",") != "direction=egress" || directive != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("enum values: %q %v", got, directive)
	}
	got, _ = paramCompletions(q, nil, "")
	if strings.Join(got, ",") != "direction=\tenum(ingress|egress), default ingress: " {
		t.Errorf("enum name: %q", got)
	}
}

// TestCompleteFlags: -o values, format presets, and the other enum flags.
func TestCompleteFlags(t *testing.T) {
	const outputs = "auto\ta table on a terminal, tsv when piped\n" +
		"table\tcolumns aligned for people; on a terminal, fitted to its width\n" +
		"tsv\ttab-separated, a header line first; tabs and newlines in values escaped\n" +
		"csv\tcomma-separated (RFC 4180), a header line first\n" +
		"json\tone document: columns, rows, then provenance\n" +
		"jsonl\tone JSON object a row\n" +
		"markdown\ta Markdown table (md)\n:4\n"
	const presets = "default\tv2, 14 fields\nv3\tv3, 21 fields\nv4\tv4, 25 fields\nv5\tv5, 29 fields\nv7\tv7, 39 fields\n" +
		"v8\tv8, 40 fields\nall\tv10, 42 fields\ntgw\tv6, 36 fields\n:4\n"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "top-rejected-destinations", "-o", ""}, outputs},
		{[]string{"sql", "SELECT 1", "--output", ""}, outputs},
		{[]string{"ddl", "-o", ""}, "athena\nglue\ncloudformation\nterraform\n:4\n"},
		{[]string{"formats", "show", ""}, presets},
		{[]string{"ddl", "--format", ""}, presets},
		{[]string{"partitions", "add", "--format", ""}, presets},
		{[]string{"sample", "--format", ""}, presets},
		{[]string{"ddl", "--layout", ""}, "default\nhive\n:4\n"},
		{[]string{"ddl", "--file-format", ""}, "text\nparquet\n:4\n"},
		{[]string{"queries", "render", "x", "--engine", ""}, "duckdb\nathena\n:4\n"},
		{[]string{"sample", "--scenario", "port-scan,i"},
			"port-scan,ipv6\tIPv6 traffic: HTTPS between two dual-stack hosts\n" +
				"port-scan,icmp\tICMP: pings answered, then pings whose replies a stateless network ACL rejects\n:4\n"},
	} {
		if got := complete(t, tc.args...); got != tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.args, got, tc.want)
		}
	}
}
