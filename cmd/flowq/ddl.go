package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/ddl"
	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// tableFlags describe a flow-log table: its format, its delivery and its names.
// flowq ddl and flowq partitions add share them.
type tableFlags struct {
	Format, FromHeader, FlowLogID string
	Location, FileFormat, Layout  string
	PerHour                       bool
	Accounts, Regions             []string
	Since                         string
	Database, Table               string
	Projection, Injected          bool
}

func (tf *tableFlags) register(cmd *cobra.Command, projection bool) {
	fs := cmd.Flags()
	fs.StringVar(&tf.Format, "format", "", "the flow log's format: a preset (flowq formats) or a LogFormat string (default: AWS's default format)")
	fs.StringVar(&tf.FromHeader, "from-header", "", "read the format from a downloaded .log.gz, or every file under a folder")
	fs.StringVar(&tf.FlowLogID, "flow-log-id", "", "read format, destination and file options from the flow log (EC2 DescribeFlowLogs)")
	fs.StringVar(&tf.Location, "location", "", "s3://bucket/prefix/ the flow log delivers to (the folder that holds AWSLogs/)")
	fs.StringVar(&tf.FileFormat, "file-format", "text", "text or parquet")
	fs.StringVar(&tf.Layout, "layout", "default", "S3 prefixes: default or hive (Hive-compatible)")
	fs.BoolVar(&tf.PerHour, "per-hour", false, "hourly folders")
	fs.StringSliceVar(&tf.Accounts, "accounts", nil, "account IDs whose folders the table reads")
	fs.StringSliceVar(&tf.Regions, "regions", nil, "regions whose folders the table reads (default with --flow-log-id: its region)")
	fs.StringVar(&tf.Database, "database", "vpc_flow_logs", "Glue database")
	fs.StringVar(&tf.Table, "table", "flow_logs", "table name")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(presetCompletions(), noFiles))
	cmd.RegisterFlagCompletionFunc("file-format", fixed("text", "parquet"))
	cmd.RegisterFlagCompletionFunc("layout", fixed("default", "hive"))
	if projection {
		fs.StringVar(&tf.Since, "since", "", "first day of the partition projection (default: a year ago)")
		fs.BoolVar(&tf.Projection, "projection", true, "partition projection; with --projection=false, add partitions with flowq partitions add")
		fs.BoolVar(&tf.Injected, "injected", false, "project accounts and regions as injected: every query must name them")
	}
}

// check refuses what no table can have before anything is read or asked of
// AWS: a source flag given empty, a database or table name Athena refuses.
func (tf *tableFlags) check(cmd *cobra.Command) error {
	for _, fl := range []struct{ name, value, want string }{
		{"format", tf.Format, "a preset (" + strings.Join(flowlog.PresetNames(), ", ") + ") or a LogFormat string"},
		{"from-header", tf.FromHeader, "a downloaded .log.gz file or a folder of them"},
		{"flow-log-id", tf.FlowLogID, "a flow log ID (fl-…)"},
		{"location", tf.Location, "s3://bucket/ or s3://bucket/prefix/, the folder that holds AWSLogs/"},
	} {
		if cmd.Flags().Changed(fl.name) && strings.TrimSpace(fl.value) == "" {
			return usageErrorf("--%s is empty: give %s", fl.name, fl.want)
		}
	}
	var errs []string
	for _, n := range []struct{ flag, what, name string }{{"database", "database", tf.Database}, {"table", "table", tf.Table}} {
		if err := ddl.CheckName(n.what, n.name); err != nil {
			errs = append(errs, "--"+n.flag+": "+err.Error())
		}
	}
	if len(errs) > 0 {
		return usageErrorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// unique drops repeated and empty items of a list flag, keeping the order, and
// the spaces around items ("a, b").
func unique(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// table builds the table the flags describe, calling EC2 for --flow-log-id.
func (tf *tableFlags) table(ctx context.Context, cmd *cobra.Command, f *Factory) (*ddl.Table, error) {
	if err := tf.check(cmd); err != nil {
		return nil, err
	}
	sources := 0
	for _, s := range []string{tf.Format, tf.FromHeader, tf.FlowLogID} {
		if s != "" {
			sources++
		}
	}
	if sources > 1 {
		return nil, usageErrorf("give one of --format, --from-header and --flow-log-id")
	}
	location := tf.Location
	if location != "" && !strings.HasSuffix(location, "/") {
		location += "/" // the prefix is a folder: s3://bucket/prefix means s3://bucket/prefix/
	}
	t := &ddl.Table{Database: tf.Database, Name: tf.Table, Accounts: unique(tf.Accounts), Regions: unique(tf.Regions),
		Projection: tf.Projection, Injected: tf.Injected, Location: location}
	var err error
	switch {
	case tf.FromHeader != "":
		if t.Format, err = ddl.FormatFromFiles(ctx, []string{tf.FromHeader}); err != nil {
			return nil, err
		}
	case tf.FlowLogID != "":
		if err := tf.fromFlowLog(ctx, cmd, f, t); err != nil {
			return nil, err
		}
	default:
		if t.Format, err = flowlog.ParseFormat(cmp.Or(tf.Format, "default")); err != nil {
			return nil, usageErrorf("--format: %v", err)
		}
	}
	if tf.FlowLogID == "" {
		if t.FileFormat, err = partitions.ParseFileFormat(tf.FileFormat); err != nil {
			return nil, usageErrorf("--file-format: %v", err)
		}
		if t.Layout, err = partitions.ParseLayout(tf.Layout, tf.PerHour); err != nil {
			return nil, usageErrorf("--layout: %v", err)
		}
	}
	if tf.Projection {
		t.Since = f.Now().UTC().AddDate(-1, 0, 0).Truncate(24 * time.Hour)
		if tf.Since != "" {
			if t.Since, err = queries.ParseTime(tf.Since); err != nil {
				return nil, usageErrorf("--since: %v", err)
			}
		}
	}
	if err := t.Validate(); err != nil {
		return nil, usageError{err}
	}
	return t, nil
}

// fromFlowLog fills the format and delivery from the flow log itself; flags
// that would contradict it are refused.
func (tf *tableFlags) fromFlowLog(ctx context.Context, cmd *cobra.Command, f *Factory, t *ddl.Table) error {
	for _, name := range []string{"location", "file-format", "layout", "per-hour"} {
		if cmd.Flags().Changed(name) {
			return usageErrorf("--%s comes from the flow log with --flow-log-id; leave it out", name)
		}
	}
	client, err := f.EC2(ctx)
	if err != nil {
		return err
	}
	d, err := client.FlowLog(ctx, tf.FlowLogID)
	if err != nil {
		return err
	}
	if t.Format, err = flowlog.ParseFormat(cmp.Or(d.LogFormat, "default")); err != nil {
		return fmt.Errorf("flow log %s: %w", d.ID, err)
	}
	t.Location = d.Location
	t.FileFormat = partitions.Text
	if d.Parquet {
		t.FileFormat = partitions.Parquet
	}
	t.Layout = partitions.Layout{Hive: d.Hive, PerHour: d.PerHour}
	if len(t.Regions) == 0 {
		t.Regions = []string{client.Region()}
	}
	return nil
}

// DDLOptions are the inputs of flowq ddl.
type DDLOptions struct {
	Factory *Factory
	Table   tableFlags
	Output  string
}

var ddlOutputs = []string{"athena", "glue", "cloudformation", "terraform"}

func newCmdDDL(f *Factory, runF func(*DDLOptions) error) *cobra.Command {
	opts := &DDLOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "ddl",
		Short: "Generate the Athena/Glue table for a flow log: DDL, Glue TableInput, CloudFormation or Terraform",
		Long: `Describe the flow log once (its format and where it delivers) and get the table Athena needs, with
partition projection so that a query reads only its time window's folders. All four outputs
describe the same table:

  -o athena          CREATE EXTERNAL TABLE, for the Athena console or flowq
  -o glue            the Glue TableInput, for aws glue create-table --table-input file://…
  -o cloudformation  AWS::Glue::Database and AWS::Glue::Table
  -o terraform       aws_glue_catalog_database and aws_glue_catalog_table

Text tables are positional: one table reads one format. --from-header over a folder refuses
when the files disagree.`,
		Example: `  flowq ddl --format v5 --location s3://my-logs/vpc/ --layout hive --per-hour --accounts 111122223333 --regions us-east-1,eu-west-1
  flowq ddl --from-header ./flows/AWSLogs/…/file.log.gz --location s3://my-logs/ --accounts 111122223333 --regions us-east-1 -o terraform
  flowq ddl --flow-log-id fl-0123456789abcdef0 --accounts 111122223333 -o glue`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(ddlOutputs, opts.Output) {
				return usageErrorf("-o %q: want %s", opts.Output, strings.Join(ddlOutputs, ", "))
			}
			if runF != nil {
				return runF(opts)
			}
			return ddlRun(cmd, opts)
		},
	}
	opts.Table.register(cmd, true)
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "athena", "output: "+strings.Join(ddlOutputs, ", "))
	cmd.RegisterFlagCompletionFunc("output", fixed(ddlOutputs...))
	return cmd
}

func ddlRun(cmd *cobra.Command, opts *DDLOptions) error {
	t, err := opts.Table.table(cmd.Context(), cmd, opts.Factory)
	if err != nil {
		return err
	}
	var out string
	switch opts.Output {
	case "athena":
		out = t.AthenaDDL()
	case "glue":
		b, err := t.GlueJSON()
		if err != nil {
			return err
		}
		out = string(b)
	case "cloudformation":
		out = t.CloudFormation()
	case "terraform":
		out = t.Terraform()
	}
	_, err = fmt.Fprint(opts.Factory.IO.Out, out)
	return err
}

// PartitionsAddOptions are the inputs of flowq partitions add.
type PartitionsAddOptions struct {
	Factory  *Factory
	Table    tableFlags
	From, To string
}

func newCmdPartitions(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "partitions",
		Short: "Partitions of a table without partition projection",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newCmdPartitionsAdd(f, nil))
	return cmd
}

func newCmdPartitionsAdd(f *Factory, runF func(*PartitionsAddOptions) error) *cobra.Command {
	opts := &PartitionsAddOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "add --from DATE --to DATE --location s3://… --accounts … --regions …",
		Short: "Print ALTER TABLE … ADD PARTITION statements for the folders of a time range",
		Long: `For a table made with flowq ddl --projection=false: print ALTER TABLE … ADD IF NOT EXISTS
PARTITION statements, ` + fmt.Sprint(ddl.PartitionBatch) + ` partitions each, for every account, region and folder (day or hour)
that starts in [--from, --to). Run them in Athena; they are safe to run twice.`,
		Example: `  flowq partitions add --from 2026-01-01 --to 2026-02-01 --location s3://my-logs/ --accounts 111122223333 --regions us-east-1`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.From == "" || opts.To == "" {
				return usageErrorf("--from and --to are required")
			}
			if runF != nil {
				return runF(opts)
			}
			return partitionsAddRun(cmd, opts)
		},
	}
	opts.Table.register(cmd, false)
	cmd.Flags().StringVar(&opts.From, "from", "", "first folder's time (a date, or RFC 3339 for hourly folders)")
	cmd.Flags().StringVar(&opts.To, "to", "", "end of the range, exclusive")
	return cmd
}

func partitionsAddRun(cmd *cobra.Command, opts *PartitionsAddOptions) error {
	t, err := opts.Table.table(cmd.Context(), cmd, opts.Factory)
	if err != nil {
		return err
	}
	from, err := queries.ParseTime(opts.From)
	if err != nil {
		return usageErrorf("--from: %v", err)
	}
	to, err := queries.ParseTime(opts.To)
	if err != nil {
		return usageErrorf("--to: %v", err)
	}
	stmts, err := t.AddPartitions(from, to)
	if err != nil {
		return usageError{err}
	}
	if w := partitionsWarning(t, from, to, len(stmts)); w != "" {
		fmt.Fprintln(opts.Factory.IO.ErrOut, w)
	}
	out := opts.Factory.IO.Out
	fmt.Fprint(out, strings.Join(stmts, "\n"))
	if t.Layout.Hive {
		fmt.Fprint(out, "\n"+ddl.MSCKNote)
	}
	return nil
}

// Past these, a partitions add range is more likely a typo (--from 2016 for
// 2026) than a wish: the statements are still printed, with a warning.
const (
	partitionsWarnSpan       = 366 * 24 * time.Hour
	partitionsWarnStatements = 1000
)

// partitionsWarning says, when the range is longer than a year or makes
// thousands of statements, how many partitions and statements it makes.
func partitionsWarning(t *ddl.Table, from, to time.Time, statements int) string {
	if to.Sub(from) <= partitionsWarnSpan && statements <= partitionsWarnStatements {
		return ""
	}
	start := t.Layout.FolderStart(from)
	folders := int((to.Sub(start) + t.Layout.Unit() - 1) / t.Layout.Unit())
	unit := "daily"
	if t.Layout.PerHour {
		unit = "hourly"
	}
	return fmt.Sprintf("warning: %s to %s is %.0f days: %d %s folder(s) × %d account(s) × %d region(s) = %d partitions in %d statements; check --from and --to",
		from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339), to.Sub(from).Hours()/24, folders, unit,
		len(t.Accounts), len(t.Regions), folders*len(t.Accounts)*len(t.Regions), statements)
}
