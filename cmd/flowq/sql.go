package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
)

// SQLOptions are the inputs of flowq sql.
type SQLOptions struct {
	Factory *Factory
	Query   string
	Local   []string
	From    string
	To      string
	Strict  bool
}

func newCmdSQL(f *Factory, runF func(*SQLOptions) error) *cobra.Command {
	opts := &SQLOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "sql QUERY --local PATH...",
		Short: "Run ad-hoc SQL over downloaded flow logs (the flow_logs view, in DuckDB)",
		Long: `Run SQL over the flow_logs view of local files: one typed column per field ('-' is NULL)
plus the layout's partition columns. --from/--to read only the files that can hold records of
that window (RFC 3339 or YYYY-MM-DD, UTC unless a zone is given); filter on start/"end" for the
exact window. Bad lines are counted and reported on stderr; --strict makes them an error.`,
		Example: `  flowq sql "SELECT dstaddr, count(*) FROM flow_logs WHERE action = 'REJECT' GROUP BY 1 ORDER BY 2 DESC LIMIT 5" --local ./flows`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Query = args[0]
			if len(opts.Local) == 0 {
				return usageErrorf("--local is required")
			}
			if runF != nil {
				return runF(opts)
			}
			return sqlRun(cmd, opts)
		},
	}
	cmd.Flags().StringSliceVar(&opts.Local, "local", nil, "files, folders or globs of downloaded flow logs")
	cmd.Flags().StringVar(&opts.From, "from", "", "start of the time window")
	cmd.Flags().StringVar(&opts.To, "to", "", "end of the time window (exclusive)")
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "fail on bad lines instead of reporting them")
	return cmd
}

// parseTime reads RFC 3339 or a date (midnight UTC).
func parseTime(flag, s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, usageErrorf("%s %q: want RFC 3339 (2026-01-05T10:00:00Z) or a date (2026-01-05)", flag, s)
}

func sqlRun(cmd *cobra.Command, opts *SQLOptions) error {
	var lo localdb.Options
	lo.Strict = opts.Strict
	if opts.From != "" || opts.To != "" {
		if opts.From == "" || opts.To == "" {
			return usageErrorf("--from and --to go together")
		}
		from, err := parseTime("--from", opts.From)
		if err != nil {
			return err
		}
		to, err := parseTime("--to", opts.To)
		if err != nil {
			return err
		}
		w, err := partitions.NewWindow(from, to)
		if err != nil {
			return usageError{err}
		}
		lo.Window = &w
	}
	if cache, err := opts.Factory.CacheDir(); err == nil {
		lo.VerifyCache = cache + "/verified.json"
	}
	ctx := cmd.Context()
	db, err := localdb.Open(ctx, opts.Local, lo)
	if err != nil {
		return err
	}
	defer db.Close()
	errOut := opts.Factory.IO.ErrOut
	for i, b := range db.BadLines() {
		if i == 5 {
			fmt.Fprintf(errOut, "… and %d more\n", len(db.BadLines())-5)
			break
		}
		fmt.Fprintln(errOut, "bad line:", b)
	}
	rows, err := db.Query(ctx, opts.Query)
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	var w *tabwriter.Writer
	out := opts.Factory.IO.Out
	if opts.Factory.IO.IsStdoutTTY() {
		w = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		out = w
	}
	fmt.Fprintln(out, strings.Join(cols, "\t"))
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		cells := make([]string, len(cols))
		for i, v := range vals {
			if v == nil {
				cells[i] = "NULL"
			} else {
				cells[i] = fmt.Sprint(v)
			}
		}
		fmt.Fprintln(out, strings.Join(cells, "\t"))
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query: %w", err)
	}
	if w != nil {
		w.Flush()
	}
	fmt.Fprintf(errOut, "%d row(s) from %d file(s)\n", n, len(db.Files()))
	return nil
}
