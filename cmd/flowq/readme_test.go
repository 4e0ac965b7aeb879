package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/flowq/flowq/internal/awsfake"
	"github.com/flowq/flowq/internal/golden"
	"github.com/flowq/flowq/internal/localathena"
	"github.com/flowq/flowq/queries"
)

// readmeFailures are the README's commands that show an error on purpose
// (argv after "flowq", joined by spaces): each must fail with its exit code
// and stderr.
var readmeFailures = map[string]struct {
	code   int
	stderr string
}{
	"formats show ${pkt-srcadr}": {exitUsage, "flowq: unknown field pkt-srcadr; did you mean pkt-srcaddr?\nRun 'flowq --help' for usage.\n"},
}

// readmeNeedsAWS are the README's commands that call EC2 (--flow-log-id reads
// a flow log), which this test does not fake: they are skipped, and a command
// with --flow-log-id that is not listed here fails the test, so that skipping
// one is a decision. The README has none today.
var readmeNeedsAWS = map[string]bool{}

// callsAWS reports whether a README command calls Athena, Glue or S3: those
// run against readmeCloud.
func callsAWS(args []string) bool {
	return slices.Contains(args, "--athena") || len(args) > 1 && args[0] == "ddl" && args[1] == "apply" || args[0] == "download"
}

// readmeCloud is the fake AWS the README's AWS commands run against: its
// bucket my-flow-logs holds the tour's sample (/tmp/flows, which an earlier
// README command writes), its Athena answers from those files, and its Glue
// holds what the README's flowq ddl apply creates.
func readmeCloud(t *testing.T, flows string) *awsfake.Server {
	srv := awsfake.New(t)
	b, err := localathena.Open(context.Background(), []string{flows}, "vpc_flow_logs.flow_logs")
	if err != nil {
		t.Fatalf("the README's AWS commands need its sample in %s: %v", flows, err)
	}
	t.Cleanup(func() { b.Close() })
	srv.Athena.Backend = b.Answer
	srv.S3.Upload("my-flow-logs", "", flows)
	return srv
}

// TestReadmeCommands runs every flowq command of the README's code blocks, in
// order, in-process, as a reader would paste them: sample data is generated
// by the README's own flowq sample command, with its /tmp/ paths moved to a
// temporary folder, and each command must exit 0. The commands share one
// test factory, and so one cache folder (demo's data, the checked files), as
// they would one user's. A run that finds no row fails too: the tour must show
// something.
func TestReadmeCommands(t *testing.T) {
	tmp := t.TempDir()
	f, out, errOut := testFactory(t)
	var cloud *awsfake.Server
	lines := readmeCommands(t, "../../README.md")
	if len(lines) < 15 {
		t.Fatalf("found %d flowq commands in the README; the extraction is broken", len(lines))
	}
	for _, line := range lines {
		words, redirect, err := shellWords(line)
		if err != nil {
			t.Errorf("%s: %v", line, err)
			continue
		}
		args := words[1:]
		if words[0] == "go" { // go run ./cmd/flowq ARGS
			args = words[3:]
		}
		key := strings.Join(args, " ")
		if strings.Contains(line, "--flow-log-id") {
			if !readmeNeedsAWS[key] {
				t.Errorf("%s: needs AWS; list it in readmeNeedsAWS to skip it", line)
			}
			continue
		}
		if strings.Contains(line, "…") {
			t.Errorf("%s: a placeholder (…) cannot be run as written", line)
			continue
		}
		for i, a := range args {
			args[i] = strings.ReplaceAll(a, "/tmp/", tmp+"/")
		}
		if callsAWS(args) && cloud == nil {
			cloud = readmeCloud(t, filepath.Join(tmp, "flows"))
			f.AWS = func(context.Context, string, string) (aws.Config, error) { return cloud.Config(), nil }
		}
		out.Reset()
		errOut.Reset()
		code := run(context.Background(), args, f)
		if want, ok := readmeFailures[key]; ok {
			if code != want.code || errOut.String() != want.stderr {
				t.Errorf("%s: exit %d, stderr %q; want %d %q", line, code, errOut, want.code, want.stderr)
			}
			continue
		}
		if code != 0 {
			t.Errorf("%s: exit %d\n%s", line, code, errOut)
			continue
		}
		if (args[0] == "run" || args[0] == "sql") && strings.Contains(errOut.String(), ": 0 row(s)") {
			t.Errorf("%s: finds nothing in the sample: %s", line, errOut)
		}
		if redirect != "" {
			if err := os.WriteFile(filepath.Join(tmp, filepath.Base(redirect)), out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The AWS sections ran for real: the table created in Glue, queries in
	// Athena, files downloaded.
	if cloud == nil || cloud.Glue.Table("vpc_flow_logs", "flow_logs") == nil || len(cloud.Athena.Starts()) < 3 || cloud.S3.Count("GetObject") == 0 {
		t.Errorf("the README's AWS commands did not all run against the fake")
	}
}

// readmeCommands returns the flowq command lines (and go run ./cmd/flowq
// ones) of the fenced code blocks of a Markdown file, with backslash
// continuations joined.
func readmeCommands(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	inBlock := false
	pending := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inBlock = !inBlock
			continue
		}
		if !inBlock {
			continue
		}
		if pending != "" {
			line = pending + " " + strings.TrimSpace(line)
			pending = ""
		}
		if strings.HasSuffix(line, `\`) {
			pending = strings.TrimSuffix(line, `\`)
			continue
		}
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "flowq ") || strings.HasPrefix(line, "go run ./cmd/flowq ") {
			cmds = append(cmds, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cmds
}

// shellWords splits a command line as sh would the README's commands: blanks
// separate words, '…' quotes literally, "…" quotes with \" and \\ escapes, a
// word starting with # begins a comment, and "> FILE" redirects stdout.
// Anything else a shell would interpret (pipes, variables, globs…) is an
// error, so that no command is run other than as written.
func shellWords(line string) (words []string, redirect string, err error) {
	var cur strings.Builder
	inWord, toRedirect := false, false
	end := func() {
		if !inWord {
			return
		}
		if toRedirect {
			redirect, toRedirect = cur.String(), false
		} else {
			words = append(words, cur.String())
		}
		cur.Reset()
		inWord = false
	}
	r := []rune(line)
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case c == ' ' || c == '\t':
			end()
		case c == '\'':
			j := i + 1
			for j < len(r) && r[j] != '\'' {
				j++
			}
			if j == len(r) {
				return nil, "", fmt.Errorf("unterminated '")
			}
			cur.WriteString(string(r[i+1 : j]))
			inWord, i = true, j
		case c == '"':
			j := i + 1
			for ; j < len(r) && r[j] != '"'; j++ {
				if r[j] == '\\' && j+1 < len(r) && strings.ContainsRune(`"\$`+"`", r[j+1]) {
					j++
				} else if r[j] == '$' || r[j] == '`' {
					return nil, "", fmt.Errorf("expansion inside double quotes")
				}
				cur.WriteRune(r[j])
			}
			if j == len(r) {
				return nil, "", fmt.Errorf(`unterminated "`)
			}
			inWord, i = true, j
		case c == '#' && !inWord:
			end()
			i = len(r)
		case c == '>' && !inWord:
			toRedirect = true
		case strings.ContainsRune("|;&<$`*?()\\", c):
			return nil, "", fmt.Errorf("shell syntax %q is not supported here", c)
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	end()
	if toRedirect || len(words) == 0 {
		return nil, "", fmt.Errorf("incomplete command")
	}
	return words, redirect, nil
}

func TestShellWords(t *testing.T) {
	for _, tc := range []struct {
		line, want, redirect, err string
	}{
		{`flowq formats show '${version} ${srcaddr}'  # a comment`, `flowq|formats|show|${version} ${srcaddr}`, "", ""},
		{`flowq sql "SELECT 'x', \"y\" FROM t" --local /tmp/f`, `flowq|sql|SELECT 'x', "y" FROM t|--local|/tmp/f`, "", ""},
		{`flowq ddl -o glue > table.json   # AWS`, `flowq|ddl|-o|glue`, "table.json", ""},
		{`flowq a#b`, `flowq|a#b`, "", ""},
		{`flowq run x | head`, "", "", `shell syntax '|' is not supported here`},
		{`flowq run $X`, "", "", `shell syntax '$' is not supported here`},
		{`flowq run "$X"`, "", "", "expansion inside double quotes"},
		{`flowq 'open`, "", "", "unterminated '"},
		{`flowq ddl >`, "", "", "incomplete command"},
	} {
		words, redirect, err := shellWords(tc.line)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.err || strings.Join(words, "|") != tc.want || redirect != tc.redirect {
			t.Errorf("%s: %q > %q, %v", tc.line, words, redirect, err)
		}
	}
}

// The README's query table stands between these lines; TestReadmeQueryTable
// keeps it the library's.
const (
	queryTableStart = "<!-- the query table: go test ./cmd/flowq -run ReadmeQueryTable -update -->\n"
	queryTableEnd   = "<!-- end of the query table -->\n"
)

// TestReadmeQueryTable: the README lists every query of the library (its
// newest version) by tag, with the formats it needs and the question it
// answers (its description's first sentence). Regenerate with
// go test ./cmd/flowq -run ReadmeQueryTable -update.
func TestReadmeQueryTable(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	start, end := strings.Index(readme, queryTableStart), strings.Index(readme, queryTableEnd)
	if start < 0 || end < start {
		t.Fatalf("the README has no query table between %q and %q", queryTableStart, queryTableEnd)
	}
	got, want := readme[start+len(queryTableStart):end], queryTable()
	if got == want {
		return
	}
	if golden.Update() {
		os.WriteFile("../../README.md", []byte(readme[:start+len(queryTableStart)]+want+readme[end:]), 0o644)
		return
	}
	t.Errorf("the README's query table is not the library's (go test ./cmd/flowq -run ReadmeQueryTable -update):\n%s", want)
}

// queryTable is the README's table of the library: a table a tag, each query
// under its first tag.
func queryTable() string {
	tags := []string{"rca", "security", "compliance", "cost", "tgw"}
	heads := map[string]string{"rca": "Root cause", "security": "Security", "compliance": "Compliance", "cost": "Cost",
		"tgw": "Transit Gateway (its own flow logs)"}
	byTag := map[string][]*queries.Query{}
	for _, q := range queries.Default().Latest() {
		byTag[q.Tags[0]] = append(byTag[q.Tags[0]], q)
	}
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	var b strings.Builder
	for _, tag := range tags {
		if len(byTag[tag]) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s:\n\n| query | format | answers |\n| --- | --- | --- |\n", heads[tag])
		for _, q := range byTag[tag] {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", q.Name, q.FormatName(), cell.Replace(firstSentence(q.Description)))
		}
	}
	return b.String() + "\n"
}

// firstSentence is a description up to its first full stop or question
// mark (an "e.g." or "i.e." is not one).
func firstSentence(s string) string {
	for i := 0; i+1 < len(s); i++ {
		abbrev := i >= 3 && (s[i-3:i] == "e.g" || s[i-3:i] == "i.e")
		if (s[i] == '.' || s[i] == '?') && s[i+1] == ' ' && !abbrev {
			return s[:i+1]
		}
	}
	return s
}
