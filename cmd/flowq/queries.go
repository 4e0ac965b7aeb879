package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/ddl"
	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

func newCmdQueries(f *Factory, runF func(*QueriesListOptions) error) *cobra.Command {
	opts := &QueriesListOptions{Factory: f, Library: queries.Default}
	cmd := &cobra.Command{
		Use:   "queries",
		Short: "List, show and render the query library",
		Long: `The query library: root-cause and compliance SQL with typed parameters, each published as
name@version. A published version never changes; pin one with NAME@VERSION.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return queriesListRun(opts)
		},
	}
	cmd.AddCommand(newCmdQueriesList(f, nil), newCmdQueriesShow(f, nil), newCmdQueriesRender(f, nil), newCmdQueriesCheck(f, nil))
	return cmd
}

// QueriesListOptions are the inputs of flowq queries list (and of flowq
// queries, which lists the newest versions).
type QueriesListOptions struct {
	Factory *Factory
	All     bool
	// Library is the library to list: queries.Default unless a test sets it.
	Library func() *queries.Library
}

func newCmdQueriesList(f *Factory, runF func(*QueriesListOptions) error) *cobra.Command {
	opts := &QueriesListOptions{Factory: f, Library: queries.Default}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the newest version of each query (--all: every version)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return queriesListRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.All, "all", false, "list every published version")
	return cmd
}

func queriesListRun(opts *QueriesListOptions) error {
	lib := opts.Library()
	list := lib.Latest()
	if opts.All {
		list = lib.All()
	}
	tw := tabwriter.NewWriter(opts.Factory.IO.Out, 0, 4, 2, ' ', 0)
	for _, q := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", q.Ref(), q.FormatName(), strings.Join(q.Tags, ","), q.Title)
	}
	return tw.Flush()
}

// QueriesCheckOptions are the inputs of flowq queries check.
type QueriesCheckOptions struct {
	Factory    *Factory
	Context    context.Context
	Format     string // a preset or a LogFormat string
	FromHeader string // a downloaded file, or a folder of them
	All        bool
	// Library is the library to check: queries.Default unless a test sets it.
	Library func() *queries.Library
}

func newCmdQueriesCheck(f *Factory, runF func(*QueriesCheckOptions) error) *cobra.Command {
	opts := &QueriesCheckOptions{Factory: f, Library: queries.Default}
	cmd := &cobra.Command{
		Use:   "check (--format PRESET|FORMAT | --from-header PATH)",
		Short: "Which queries run over a flow log's format, and what the others need",
		Long: `List every query as runnable over a format or not: for one that is not, the fields it reads
that the format lacks, each with the flow-log version that added it. The format is a preset or
a LogFormat string (--format), or read from the header line of downloaded files (--from-header:
a file, or a folder whose files must agree).`,
		Example: `  flowq queries check --format default
  flowq queries check --from-header ./flows`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if (opts.Format == "") == (opts.FromHeader == "") {
				return usageErrorf("give one of --format and --from-header")
			}
			if opts.Format != "" {
				if _, err := flowlog.ParseFormat(opts.Format); err != nil {
					return usageErrorf("--format: %v", err)
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return queriesCheckRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "", "the flow log's format: a preset (flowq formats) or a LogFormat string")
	cmd.Flags().StringVar(&opts.FromHeader, "from-header", "", "read the format from a downloaded .log.gz, or every file under a folder")
	cmd.Flags().BoolVar(&opts.All, "all", false, "check every published version, not only the newest")
	cmd.RegisterFlagCompletionFunc("format", completePresetFlag)
	return cmd
}

func queriesCheckRun(opts *QueriesCheckOptions) error {
	var format flowlog.Format
	var err error
	if opts.Format != "" {
		format, err = flowlog.ParseFormat(opts.Format)
	} else {
		format, err = ddl.FormatFromFiles(opts.Context, []string{opts.FromHeader})
	}
	if err != nil {
		return err
	}
	lib := opts.Library()
	list := lib.Latest()
	if opts.All {
		list = lib.All()
	}
	tw := tabwriter.NewWriter(opts.Factory.IO.Out, 0, 4, 2, ' ', 0)
	runnable := 0
	for _, q := range list {
		if missing := q.Missing(format); len(missing) > 0 {
			fmt.Fprintf(tw, "%s\t%s\tneeds %s\n", q.Ref(), q.FormatName(), strings.Join(missing, ", "))
			continue
		}
		runnable++
		if without := format.Missing(q.Optional...); len(without) > 0 {
			fmt.Fprintf(tw, "%s\t%s\truns, less precisely without %s\n", q.Ref(), q.FormatName(), strings.Join(without, ", "))
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\truns\n", q.Ref(), q.FormatName())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(opts.Factory.IO.ErrOut, "%d of %d queries run over %s (version %d)\n", runnable, len(list), formatName(format), format.Version())
	return nil
}

// formatName names a format for a sentence: its preset's name when it is
// one, else its size.
func formatName(f flowlog.Format) string {
	for _, name := range flowlog.PresetNames() {
		if p, _ := flowlog.Preset(name); p.Equal(f) {
			return "the " + name + " format"
		}
	}
	return fmt.Sprintf("a format of %d fields", f.Len())
}

// QueriesShowOptions are the inputs of flowq queries show.
type QueriesShowOptions struct {
	Factory *Factory
	Query   string // name or name@version
}

func newCmdQueriesShow(f *Factory, runF func(*QueriesShowOptions) error) *cobra.Command {
	opts := &QueriesShowOptions{Factory: f}
	return &cobra.Command{
		Use:               "show NAME[@VERSION]",
		Short:             "Show a query: what it answers, its parameters, the fields it needs and its SQL",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeQuery,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = args[0]
			if _, err := lookupQuery(opts.Query); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return queriesShowRun(opts)
		},
	}
}

func queriesShowRun(opts *QueriesShowOptions) error {
	q, err := lookupQuery(opts.Query)
	if err != nil {
		return err
	}
	out := opts.Factory.IO.Out
	fmt.Fprintf(out, "%s  %s\n\n%s\n\nTags:   %s\nFormat: %s\nFields: %s\n", q.Ref(), q.Title, q.Description,
		strings.Join(q.Tags, ", "), q.FormatName(), strings.Join(q.Fields, ", "))
	if len(q.Optional) > 0 {
		fmt.Fprintf(out, "Optional fields, read when the table has them: %s\n", strings.Join(q.Optional, ", "))
	}
	if len(q.Params) > 0 {
		fmt.Fprintln(out, "\nParameters:")
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		for _, p := range q.Params {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Name, paramType(p), paramDefault(p), p.Description)
		}
		tw.Flush()
	}
	fmt.Fprintf(out, "\nSHA-256: %s\n\n%s\n", q.SourceSHA256(), q.SQL)
	return nil
}

// QueriesRenderOptions are the inputs of flowq queries render.
type QueriesRenderOptions struct {
	Factory           *Factory
	Query             string
	Engine            string
	Table             string
	Layout            string
	PerHour           bool
	Format            string // the table's format: a preset or a LogFormat string; "" checks nothing
	Accounts, Regions []string
	Inline            bool
	Window            windowFlags
	Params            []string
}

func newCmdQueriesRender(f *Factory, runF func(*QueriesRenderOptions) error) *cobra.Command {
	opts := &QueriesRenderOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "render NAME[@VERSION] --engine duckdb|athena",
		Short: "Print a query's SQL for an engine, with its bound parameters",
		Long: `Print the SQL a query runs, for DuckDB or Athena (Trino). Parameters and the time window are
? placeholders where the engine binds values (Athena binds them only in WHERE; elsewhere
they are written as SQL literals); a comment lists the bound values as SQL literals, which
are Athena's ExecutionParameters. The partition predicate follows --layout and --per-hour.

--format is the table's flow-log format: a query that reads a field the format lacks is
refused, as it would fail in Athena. --accounts and --regions restrict the partitions read
(a table made with --injected needs them). --inline writes every value as a literal, for
pasting into a console (Athena's takes at most 25 placeholders).`,
		Example: `  flowq queries render rejects-on-port --engine athena --param port=22 --since 2h --table vpc_flow_logs.flow_logs
  flowq queries render top-rejected-destinations --format v5 --accounts 111122223333 --since 1h --inline`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeQuery,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = args[0]
			if _, _, err := opts.render(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return queriesRenderRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Engine, "engine", "athena", "SQL dialect: duckdb or athena")
	cmd.Flags().StringVar(&opts.Table, "table", "flow_logs", "the flow-log table")
	cmd.Flags().StringVar(&opts.Layout, "layout", "default", "S3 layout of the table's partitions: default or hive")
	cmd.Flags().BoolVar(&opts.PerHour, "per-hour", false, "the table is partitioned per hour")
	cmd.Flags().StringVar(&opts.Format, "format", "", "the table's flow-log format (a preset or a LogFormat string): refuse a query that needs a field it lacks")
	cmd.Flags().StringSliceVar(&opts.Accounts, "accounts", nil, "read only these accounts' partitions")
	cmd.Flags().StringSliceVar(&opts.Regions, "regions", nil, "read only these regions' partitions")
	cmd.Flags().BoolVar(&opts.Inline, "inline", false, "write every value as a literal: SQL to paste into a console")
	cmd.RegisterFlagCompletionFunc("format", completePresetFlag)
	opts.Window.register(cmd)
	cmd.Flags().StringArrayVarP(&opts.Params, "param", "p", nil, "a query parameter NAME=VALUE (repeatable)")
	cmd.RegisterFlagCompletionFunc("engine", fixed("duckdb", "athena"))
	cmd.RegisterFlagCompletionFunc("layout", fixed("default", "hive"))
	cmd.RegisterFlagCompletionFunc("param", completeParam)
	return cmd
}

// render resolves the flags into the query and what to render it with; its
// errors are the usage rules, which RunE applies.
func (opts *QueriesRenderOptions) render() (*queries.Query, queries.RenderOptions, error) {
	dialect, err := queries.ParseDialect(opts.Engine)
	if err != nil {
		return nil, queries.RenderOptions{}, usageError{err}
	}
	layout, err := partitions.ParseLayout(opts.Layout, opts.PerHour)
	if err != nil {
		return nil, queries.RenderOptions{}, usageError{err}
	}
	if err := queries.CheckTable(dialect, opts.Table); err != nil {
		return nil, queries.RenderOptions{}, usageErrorf("--table: %v", err)
	}
	q, vals, w, err := resolveQuery(opts.Query, opts.Params, opts.Window, opts.Factory.Now())
	if err != nil {
		return nil, queries.RenderOptions{}, err
	}
	if err := checkScopeFlags(opts.Accounts, opts.Regions); err != nil {
		return nil, queries.RenderOptions{}, err
	}
	ro := queries.RenderOptions{Dialect: dialect, Table: opts.Table, Layout: layout, Window: w, Params: vals,
		Accounts: unique(opts.Accounts), Regions: unique(opts.Regions), Inline: opts.Inline}
	if opts.Format != "" {
		format, err := flowlog.ParseFormat(opts.Format)
		if err != nil {
			return nil, queries.RenderOptions{}, usageErrorf("--format: %v", err)
		}
		ro.Formats = []flowlog.Format{format}
	}
	// What Render refuses (a field the format lacks, an account that is not
	// one) is the command line's to change.
	if _, err := q.Render(ro); err != nil {
		return nil, queries.RenderOptions{}, usageError{err}
	}
	return q, ro, nil
}

func queriesRenderRun(opts *QueriesRenderOptions) error {
	q, ro, err := opts.render()
	if err != nil {
		return err
	}
	r, err := q.Render(ro)
	if err != nil {
		return err
	}
	lits, err := r.ExecutionParameters()
	if err != nil {
		return err
	}
	out := opts.Factory.IO.Out
	fmt.Fprintf(out, "-- %s for %s; query SHA-256 %s; rendered SQL SHA-256 %s\n", q.Ref(), ro.Dialect.Name(), q.SourceSHA256(), r.SHA256())
	if ro.Window == nil {
		fmt.Fprintln(out, "-- no time window: every partition is read (give --from/--to or --since)")
	}
	fmt.Fprint(out, r.SQL)
	if !ro.Inline {
		fmt.Fprintf(out, "-- parameters: %s\n", strings.Join(lits, ", "))
	}
	if r.Limit > 0 {
		fmt.Fprintf(out, "-- %s %d is asked as %d: the row beyond the limit tells flowq that the result was cut\n", queries.LimitParam, r.Limit, r.Limit+1)
	}
	return nil
}
