package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/sample"
)

// Shell completion (flowq completion bash|zsh|fish|powershell): query names,
// their parameters, format presets and the values of enum flags. Every
// function here only reads the library; none touches files or AWS.

const noFiles = cobra.ShellCompDirectiveNoFileComp

// completeQuery completes the query argument: the name of each query (its
// newest version), and name@version of every published version once the
// word holds an @ or names a single query.
func completeQuery(_ *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, noFiles
	}
	lib := queries.Default()
	var names, refs []cobra.Completion
	for _, q := range lib.Latest() {
		if strings.HasPrefix(q.Name, toComplete) {
			names = append(names, cobra.CompletionWithDesc(q.Name, q.Title))
		}
	}
	if strings.Contains(toComplete, "@") || len(names) == 1 {
		for _, q := range lib.All() {
			if strings.HasPrefix(q.Ref(), toComplete) {
				refs = append(refs, cobra.CompletionWithDesc(q.Ref(), q.Title))
			}
		}
	}
	return append(names, refs...), noFiles
}

// completeParam completes --param for the query named by the first argument.
func completeParam(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return cobra.AppendActiveHelp(nil, "name the query first"), noFiles
	}
	q, err := queries.Default().Get(args[0])
	if err != nil {
		return nil, noFiles
	}
	given, _ := cmd.Flags().GetStringArray("param")
	return paramCompletions(q, given, toComplete)
}

// paramCompletions are NAME= for each parameter of q not given yet, or an
// enum's values once its NAME= is typed.
func paramCompletions(q *queries.Query, given []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	name, value, hasValue := strings.Cut(toComplete, "=")
	var out []cobra.Completion
	for _, p := range q.Params {
		switch {
		case hasValue && p.Name == name:
			for _, v := range p.Values {
				if strings.HasPrefix(v, value) {
					out = append(out, p.Name+"="+v)
				}
			}
			return out, noFiles
		case !hasValue && strings.HasPrefix(p.Name, name) &&
			!slices.ContainsFunc(given, func(kv string) bool { return strings.HasPrefix(kv, p.Name+"=") }):
			out = append(out, cobra.CompletionWithDesc(p.Name+"=", paramSummary(p)))
		}
	}
	if hasValue {
		return nil, noFiles
	}
	return out, noFiles | cobra.ShellCompDirectiveNoSpace
}

// paramSummary is a parameter's type, default and meaning, in one line.
func paramSummary(p queries.Param) string {
	return fmt.Sprintf("%s, %s: %s", paramType(p), paramDefault(p), p.Description)
}

// paramType is a parameter's type; an enum's lists its values.
func paramType(p queries.Param) string {
	switch {
	case p.Type == queries.Enum:
		return string(p.Type) + "(" + strings.Join(p.Values, "|") + ")"
	case p.Range != nil:
		return fmt.Sprintf("%s(%d..%d)", p.Type, p.Range[0], p.Range[1])
	}
	return string(p.Type)
}

// paramDefault is "required", or the parameter's default.
func paramDefault(p queries.Param) string {
	if p.Required() {
		return "required"
	}
	return "default " + p.Default
}

// completePresetFlag completes a --format flag with the presets.
func completePresetFlag(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return presetCompletions(), noFiles
}

// presetCompletions are the format presets, each with its version and size.
func presetCompletions() []cobra.Completion {
	var out []cobra.Completion
	for _, name := range flowlog.PresetNames() {
		f, _ := flowlog.Preset(name)
		out = append(out, cobra.CompletionWithDesc(name, versionLabel(f)))
	}
	return out
}

// completePreset completes a format argument (formats show) with the presets.
func completePreset(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, noFiles
	}
	return presetCompletions(), noFiles
}

// completeScenarios completes --scenario's comma-separated list: the scenarios
// not in it yet, after what was typed.
func completeScenarios(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	done, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		done, last = toComplete[:i+1], toComplete[i+1:]
	}
	var out []cobra.Completion
	for _, n := range sample.ScenarioNames() {
		if strings.HasPrefix(n, last) && !slices.Contains(strings.Split(done, ","), n) {
			out = append(out, cobra.CompletionWithDesc(done+n, sample.ScenarioDescription(n)))
		}
	}
	return out, noFiles
}

// fixed completes a flag with a fixed list of values.
func fixed(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, noFiles)
}
