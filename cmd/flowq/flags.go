package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/report"
)

// enumFlag is a flag that takes one of a fixed list of values, as gh's
// StringEnumFlag: its help lists the values, shell completion offers them
// (with what each means, when that is known), and any other value is a usage
// error while the command line is parsed, before a command runs. Every -o is
// one.
type enumFlag[T ~string] struct {
	target *T
	flag   string // -o, or --name without a shorthand: how the error names it
	enumSpec[T]
}

// enumSpec is what an enum flag takes: its values, optionally what each
// means, and optionally the parser that owns the names (for aliases and its
// own error message); without one a value must be one of values exactly.
type enumSpec[T ~string] struct {
	values   []T
	describe map[T]string
	parse    func(string) (T, error)
}

// addEnumFlag registers the enum flag name (and shorthand, if any) on cmd,
// with def as its default. The help is usage, the values, and what the
// default means when the spec says.
func addEnumFlag[T ~string](cmd *cobra.Command, target *T, name, shorthand string, def T, usage string, spec enumSpec[T]) {
	*target = def
	e := &enumFlag[T]{target: target, flag: "--" + name, enumSpec: spec}
	if shorthand != "" {
		e.flag = "-" + shorthand
	}
	names := make([]string, len(spec.values))
	completions := make([]cobra.Completion, len(spec.values))
	for i, v := range spec.values {
		names[i] = string(v)
		completions[i] = string(v)
		if d := spec.describe[v]; d != "" {
			completions[i] = cobra.CompletionWithDesc(string(v), d)
		}
	}
	usage += ": " + strings.Join(names, ", ")
	if d := spec.describe[def]; d != "" {
		usage += fmt.Sprintf(" (%s: %s)", def, d)
	}
	cmd.Flags().VarP(e, name, shorthand, usage)
	cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(completions, noFiles))
}

func (e *enumFlag[T]) String() string { return string(*e.target) }

// Type is what the help shows after the flag's name.
func (e *enumFlag[T]) Type() string { return "string" }

func (e *enumFlag[T]) Set(s string) error {
	if e.parse != nil {
		v, err := e.parse(s)
		if err != nil {
			return invalidChoice{err}
		}
		*e.target = v
		return nil
	}
	names := make([]string, len(e.values))
	for i, v := range e.values {
		if string(v) == s {
			*e.target = v
			return nil
		}
		names[i] = string(v)
	}
	return invalidChoice{fmt.Errorf("%s %q: want %s", e.flag, s, strings.Join(names, ", "))}
}

// invalidChoice is an enum flag given a value it does not take. Its message
// names the flag and the values, so flagError shows it without pflag's
// "invalid argument … for … flag" around it (pflag's error unwraps to it).
type invalidChoice struct{ err error }

func (e invalidChoice) Error() string { return e.err.Error() }
func (e invalidChoice) Unwrap() error { return e.err }

// flagError is the root's flag error function: a flag the command line got
// wrong is a usage error.
func flagError(_ *cobra.Command, err error) error {
	var bad invalidChoice
	if errors.As(err, &bad) {
		return usageError{bad}
	}
	return usageError{err}
}

// outputFlag registers -o, the result's format. Its default, auto, is an
// aligned table on a terminal and stable TSV when piped; an explicit -o
// table is a table either way. report owns the names ("md" is markdown).
func outputFlag(cmd *cobra.Command, target *report.Format) {
	addEnumFlag(cmd, target, "output", "o", report.Auto, "output format",
		enumSpec[report.Format]{values: report.Formats, describe: report.Descriptions, parse: report.ParseFormat})
}
