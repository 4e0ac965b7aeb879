package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEnumFlag: an enum flag's help lists its values (and what the default
// means, when that is known); a value it does not take is a usage error while
// the command line is parsed, before the arguments are checked, shown without
// pflag's wrapping; report's aliases hold. Completion: TestCompleteFlags.
func TestEnumFlag(t *testing.T) {
	for cmd, want := range map[string]string{
		"run": "  -o, --output string            output format: auto, table, tsv, csv, json, jsonl, markdown (auto: a table on a terminal, tsv when piped) (default \"auto\")\n",
		"sql": "  -o, --output string            output format: auto, table, tsv, csv, json, jsonl, markdown (auto: a table on a terminal, tsv when piped) (default \"auto\")\n",
		"ddl": "  -o, --output string        output: athena, glue, cloudformation, terraform (default \"athena\")\n",
	} {
		code, out, _ := runArgs(t, cmd, "--help")
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("%s --help lacks %q:\n%s", cmd, want, out)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "-o", "xml"}, `flowq: output format "xml": want auto, table, tsv, csv, json, jsonl or markdown`},
		{[]string{"sql", "--output=TSV"}, `flowq: output format "TSV": want auto, table, tsv, csv, json, jsonl or markdown`},
		{[]string{"ddl", "-o", "yaml"}, `flowq: -o "yaml": want athena, glue, cloudformation, terraform`},
		{[]string{"ddl", "--output", "cfn"}, `flowq: -o "cfn": want athena, glue, cloudformation, terraform`},
	} {
		code, out, errOut := runArgs(t, tc.args...)
		if code != exitUsage || out != "" || errOut != tc.want+"\nRun 'flowq --help' for usage.\n" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q", tc.args, code, out, errOut, tc.want)
		}
	}

	var got string
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	addEnumFlag(cmd, &got, "color", "", "never", "when to colour", enumSpec[string]{values: []string{"never", "always"}})
	if err := execute(t, cmd, "--color", "always"); err != nil || got != "always" {
		t.Errorf("--color always: %v, %q", err, got)
	}
	if err := execute(t, cmd, "--color=sometimes"); err == nil || err.Error() != `--color "sometimes": want never, always` {
		t.Errorf("--color=sometimes: %v", err)
	}
	if usage := cmd.Flags().Lookup("color").Usage; usage != "when to colour: never, always" {
		t.Errorf("usage %q", usage)
	}
}

// TestRunExitCodes: run maps a cancelled context to 130, whatever the
// command was doing.
func TestRunExitCodes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, out, errOut := testFactory(t)
	code := run(ctx, []string{"sample", "--out", filepath.Join(t.TempDir(), "flows")}, f)
	if code != exitCancelled || out.Len() != 0 || errOut.String() != "flowq: cancelled\n" {
		t.Errorf("cancelled: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
