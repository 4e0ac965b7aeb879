package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/flowlog"
)

// FormatsListOptions are the inputs of flowq formats.
type FormatsListOptions struct {
	Factory *Factory
}

func newCmdFormats(f *Factory, runF func(*FormatsListOptions) error) *cobra.Command {
	opts := &FormatsListOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "formats",
		Short: "List flow-log fields, show a format, detect the formats of files",
		Long: `List every flow-log field by version, with its column name, types and meaning.

Presets: ` + strings.Join(flowlog.PresetNames(), ", ") + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return formatsListRun(opts)
		},
	}
	cmd.AddCommand(newCmdFormatsShow(f, nil), newCmdFormatsDetect(f, nil))
	return cmd
}

func formatsListRun(opts *FormatsListOptions) error {
	out := opts.Factory.IO.Out
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, v := range flowlog.Versions() {
		title := fmt.Sprintf("Version %d", v)
		switch v {
		case 2:
			title += " (the default format)"
		case 6:
			title += " (Transit Gateway flow logs)"
		case 7:
			title += " (Amazon ECS)"
		}
		fmt.Fprintf(tw, "%s\n", title)
		for _, fd := range flowlog.Fields() {
			if fd.Version != v {
				continue
			}
			note := ""
			if fd.Status != flowlog.Documented {
				note = " [version " + fd.Status.String() + "]"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", fd.Name, fd.AthenaType(), fd.Description, note)
		}
	}
	return tw.Flush()
}

// FormatsShowOptions are the inputs of flowq formats show.
type FormatsShowOptions struct {
	Factory *Factory
	Format  string // a preset name or a LogFormat string
}

func newCmdFormatsShow(f *Factory, runF func(*FormatsShowOptions) error) *cobra.Command {
	opts := &FormatsShowOptions{Factory: f}
	return &cobra.Command{
		Use:   "show PRESET|FORMAT",
		Short: "Show a format's fields, version, columns and types",
		Example: `  flowq formats show v8
  flowq formats show '${version} ${srcaddr} ${dstaddr} ${action}'`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completePreset,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Format = args[0]
			if _, err := opts.format(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return formatsShowRun(opts)
		},
	}
}

// format parses the argument; a format flowq cannot read is a usage error.
func (opts *FormatsShowOptions) format() (flowlog.Format, error) {
	format, err := flowlog.ParseFormat(opts.Format)
	if err != nil {
		return flowlog.Format{}, usageError{err}
	}
	return format, nil
}

func formatsShowRun(opts *FormatsShowOptions) error {
	format, err := opts.format()
	if err != nil {
		return err
	}
	out := opts.Factory.IO.Out
	fmt.Fprintf(out, "version: %d\nfields:  %d\nformat:  %s\n\n", format.Version(), format.Len(), format)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tFIELD\tCOLUMN\tVERSION\tATHENA\tDUCKDB\tPARQUET\tDESCRIPTION")
	for i, fd := range format.Fields() {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", i+1, fd.Name, fd.Column(), fd.Version,
			fd.AthenaType(), fd.DuckDBType(), fd.ParquetType(), fd.Description)
	}
	return tw.Flush()
}

// FormatsDetectOptions are the inputs of flowq formats detect.
type FormatsDetectOptions struct {
	Factory *Factory
	Context context.Context
	Paths   []string
}

func newCmdFormatsDetect(f *Factory, runF func(*FormatsDetectOptions) error) *cobra.Command {
	opts := &FormatsDetectOptions{Factory: f}
	return &cobra.Command{
		Use:   "detect FILE|DIR...",
		Short: "Read the header lines of log files and group the files by format",
		Long: `Read the header line of every .log.gz file under the given files and folders, and print
each distinct format with its version and file count. Files of one flow log share a format; a
tree with several formats (several flow logs delivering to one prefix, or a flow log recreated
with other fields) is reported as format drift on stderr.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Paths = args
			if runF != nil {
				return runF(opts)
			}
			return formatsDetectRun(opts)
		},
	}
}

func formatsDetectRun(opts *FormatsDetectOptions) error {
	d, err := flowlog.Detect(opts.Context, opts.Paths)
	if err != nil {
		return err
	}
	out, errOut := opts.Factory.IO.Out, opts.Factory.IO.ErrOut
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILES\tVERSION\tFORMAT")
	for _, g := range d.Groups {
		fmt.Fprintf(tw, "%d\t%d\t%s\n", len(g.Files), g.Format.Version(), g.Format)
	}
	if n := len(d.NoHeader); n > 0 {
		fmt.Fprintf(tw, "%d\t-\t(no header line: the format must be given)\n", n)
	}
	if n := len(d.Parquet); n > 0 {
		fmt.Fprintf(tw, "%d\t-\t(Parquet: columns by name)\n", n)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, g := range d.Groups {
		for _, fd := range g.Format.Fields() {
			if fd.Status == flowlog.Unlisted {
				fmt.Fprintf(errOut, "warning: field %s is not in flowq's catalog; it is read as a string\n", fd.Name)
			}
		}
	}
	if d.Drift() {
		fmt.Fprintf(errOut, "format drift: %d formats in these files; one text table cannot read them all (first files: ", len(d.Groups))
		for i, g := range d.Groups {
			if i > 0 {
				fmt.Fprint(errOut, ", ")
			}
			fmt.Fprint(errOut, g.Files[0])
		}
		fmt.Fprintln(errOut, ")")
	}
	for _, e := range d.Errors {
		fmt.Fprintln(errOut, "error:", e)
	}
	if len(d.Groups)+len(d.NoHeader)+len(d.Parquet) == 0 && len(d.Errors) == 0 {
		return noFilesError(opts.Paths)
	}
	if len(d.Errors) > 0 {
		return fmt.Errorf("%d file(s) could not be read", len(d.Errors))
	}
	return nil
}
