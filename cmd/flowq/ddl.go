package main

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/athenadb"
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
	// Given holds the flags of givenTableFlags that the command line gave:
	// a flag given empty, or one that --flow-log-id supplies, is refused
	// whatever its value.
	Given map[string]bool
}

// givenTableFlags are the table flags whose rules depend on their being
// given rather than on their value.
var givenTableFlags = []string{"format", "from-header", "flow-log-id", "location", "file-format", "layout", "per-hour"}

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
	cmd.RegisterFlagCompletionFunc("format", completePresetFlag)
	cmd.RegisterFlagCompletionFunc("file-format", fixed("text", "parquet"))
	cmd.RegisterFlagCompletionFunc("layout", fixed("default", "hive"))
	if projection {
		fs.StringVar(&tf.Since, "since", "", "first day of the partition projection (default: a year ago)")
		fs.BoolVar(&tf.Projection, "projection", true, "partition projection; with --projection=false, add partitions with flowq partitions add")
		fs.BoolVar(&tf.Injected, "injected", false, "project accounts and regions as injected: every query must name them")
	}
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

// fromFlags is the table as far as the command line describes it: all but
// what --from-header and --flow-log-id read. Its errors are the usage rules
// of the flags (RunE applies them before anything is read or asked of AWS):
// a source flag given empty, a name Athena refuses, two sources, a flag the
// flow log supplies, a value that does not parse, and, when the flags
// describe the whole table, what ddl.Table.Validate refuses. now gives
// --since's default.
func (tf *tableFlags) fromFlags(now time.Time) (*ddl.Table, error) {
	for _, fl := range []struct{ name, value, want string }{
		{"format", tf.Format, "a preset (" + strings.Join(flowlog.PresetNames(), ", ") + ") or a LogFormat string"},
		{"from-header", tf.FromHeader, "a downloaded .log.gz file or a folder of them"},
		{"flow-log-id", tf.FlowLogID, "a flow log ID (fl-…)"},
		{"location", tf.Location, "s3://bucket/ or s3://bucket/prefix/, the folder that holds AWSLogs/"},
	} {
		if tf.Given[fl.name] && strings.TrimSpace(fl.value) == "" {
			return nil, usageErrorf("--%s is empty: give %s", fl.name, fl.want)
		}
	}
	var errs []string
	for _, n := range []struct{ flag, what, name string }{{"database", "database", tf.Database}, {"table", "table", tf.Table}} {
		if err := ddl.CheckName(n.what, n.name); err != nil {
			errs = append(errs, "--"+n.flag+": "+err.Error())
		}
	}
	if len(errs) > 0 {
		return nil, usageErrorf("%s", strings.Join(errs, "; "))
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
	case tf.FlowLogID != "":
		for _, name := range []string{"location", "file-format", "layout", "per-hour"} {
			if tf.Given[name] {
				return nil, usageErrorf("--%s comes from the flow log with --flow-log-id; leave it out", name)
			}
		}
	case tf.FromHeader == "":
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
		t.Since = now.UTC().AddDate(-1, 0, 0).Truncate(24 * time.Hour)
		if tf.Since != "" {
			if t.Since, err = queries.ParseTime(tf.Since); err != nil {
				return nil, usageErrorf("--since: %v", err)
			}
			if t.Since.After(now) {
				return nil, usageErrorf("--since %s is in the future: the table's projection would read nothing before it (give the first day of the logs)", tf.Since)
			}
		}
	}
	if tf.FromHeader == "" && tf.FlowLogID == "" {
		// The flags describe the whole table: check it now.
		if err := t.Validate(); err != nil {
			return nil, usageError{err}
		}
	}
	return t, nil
}

// table builds the table the flags describe, reading the headers of
// --from-header or calling EC2 for --flow-log-id, and checks it whole (a
// table the flags describe alone, fromFlags checks).
func (tf *tableFlags) table(ctx context.Context, f *Factory, ec2 func(context.Context) (*athenadb.EC2, error)) (*ddl.Table, error) {
	t, err := tf.fromFlags(f.Now())
	if err != nil {
		return nil, err
	}
	switch {
	case tf.FromHeader != "":
		if t.Format, err = ddl.FormatFromFiles(ctx, []string{tf.FromHeader}); err != nil {
			return nil, err
		}
	case tf.FlowLogID != "":
		if err := tf.fromFlowLog(ctx, ec2, t); err != nil {
			return nil, err
		}
	default:
		return t, nil
	}
	if err := t.Validate(); err != nil {
		return nil, usageError{err}
	}
	return t, nil
}

// fromFlowLog fills the format and delivery from the flow log itself.
func (tf *tableFlags) fromFlowLog(ctx context.Context, ec2 func(context.Context) (*athenadb.EC2, error), t *ddl.Table) error {
	client, err := ec2(ctx)
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

// flagsGiven returns which of names the command line gave, for rules that
// depend on a flag being given rather than on its value: run functions get
// it in their options and never see the command. Nil when none was.
func flagsGiven(cmd *cobra.Command, names ...string) map[string]bool {
	var given map[string]bool
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			if given == nil {
				given = map[string]bool{}
			}
			given[n] = true
		}
	}
	return given
}

// DDLOptions are the inputs of flowq ddl.
type DDLOptions struct {
	Factory *Factory
	Context context.Context
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
			opts.Context = cmd.Context()
			opts.Table.Given = flagsGiven(cmd, givenTableFlags...)
			if _, err := opts.Table.fromFlags(opts.Factory.Now()); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return ddlRun(opts)
		},
	}
	opts.Table.register(cmd, true)
	addEnumFlag(cmd, &opts.Output, "output", "o", "athena", "output", enumSpec[string]{values: ddlOutputs})
	cmd.AddCommand(newCmdDDLApply(f, nil))
	return cmd
}

// DDLApplyOptions are the inputs of flowq ddl apply.
type DDLApplyOptions struct {
	Factory *Factory
	Context context.Context
	Table   tableFlags
	DryRun  bool
	Via     string // glue or athena
	// SinceGiven is whether --since was given: without it an existing table
	// keeps its projection's first day.
	SinceGiven     bool
	AWS            awsFlags
	Workgroup      string
	OutputLocation string
}

func newCmdDDLApply(f *Factory, runF func(*DDLApplyOptions) error) *cobra.Command {
	opts := &DDLApplyOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "apply [flags of flowq ddl]",
		Short: "Create or update the table in the Glue Data Catalog",
		Long: `Create the table flowq ddl describes (the same flags) in the Glue Data Catalog: the database if
it is missing, then the table, or an update of the table when it differs. It prints what it
changed: nothing, what it created, or each column and property that differs. --dry-run only
prints that. Applying the same table twice changes nothing the second time; without --since,
an existing table keeps its projection's first day.

--via athena runs the generated CREATE DATABASE and CREATE EXTERNAL TABLE statements as Athena
queries instead (in --workgroup, results in --output-location or the workgroup's); Athena's
DDL cannot change a table, so a table that differs is then shown and left alone.`,
		Example: `  flowq ddl apply --format v5 --location s3://my-logs/ --accounts 111122223333 --regions us-east-1 --dry-run
  flowq ddl apply --flow-log-id fl-0123456789abcdef0 --accounts 111122223333 --profile audit --region eu-west-1
  flowq ddl apply --location s3://my-logs/ --accounts 111122223333 --regions us-east-1 --via athena --output-location s3://my-results/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			opts.Table.Given = flagsGiven(cmd, givenTableFlags...)
			opts.SinceGiven = cmd.Flags().Changed("since")
			if _, err := opts.Table.fromFlags(opts.Factory.Now()); err != nil {
				return err
			}
			if opts.Via == "glue" && (cmd.Flags().Changed("workgroup") || cmd.Flags().Changed("output-location")) {
				return usageErrorf("--workgroup and --output-location are for --via athena")
			}
			if err := opts.AWS.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return ddlApplyRun(opts)
		},
	}
	opts.Table.register(cmd, true)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "print what would change, and change nothing")
	addEnumFlag(cmd, &opts.Via, "via", "", "glue", "how the table is made", enumSpec[string]{values: []string{"glue", "athena"},
		describe: map[string]string{"glue": "Glue's CreateTable and UpdateTable", "athena": "the DDL, run as Athena queries"}})
	cmd.Flags().StringVar(&opts.Workgroup, "workgroup", "primary", "Athena workgroup (--via athena)")
	cmd.Flags().StringVar(&opts.OutputLocation, "output-location", "", "s3://bucket/prefix/ for the DDL's results (--via athena; default: the workgroup's)")
	opts.AWS.register(cmd)
	return cmd
}

func ddlApplyRun(opts *DDLApplyOptions) error {
	ctx, f := opts.Context, opts.Factory
	cfg, err := opts.AWS.config(ctx, f)
	if err != nil {
		return err
	}
	// --flow-log-id is read with the same profile and region as the rest.
	ec2 := func(context.Context) (*athenadb.EC2, error) { return athenadb.NewEC2(cfg), nil }
	t, err := opts.Table.table(ctx, f, ec2)
	if err != nil {
		return err
	}
	ao := athenadb.ApplyOptions{DryRun: opts.DryRun, KeepSince: !opts.SinceGiven}
	if opts.Via == "athena" {
		ao.Athena = &athenadb.Options{Workgroup: opts.Workgroup, OutputLocation: opts.OutputLocation}
	}
	c, err := athenadb.Apply(ctx, cfg, t, ao)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(f.IO.Out, c)
	return err
}

func ddlRun(opts *DDLOptions) error {
	t, err := opts.Table.table(opts.Context, opts.Factory, opts.Factory.EC2)
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
	Context  context.Context
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
			opts.Context = cmd.Context()
			opts.Table.Given = flagsGiven(cmd, givenTableFlags...)
			if err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return partitionsAddRun(opts)
		},
	}
	opts.Table.register(cmd, false)
	cmd.Flags().StringVar(&opts.From, "from", "", "first folder's time (a date, or RFC 3339 for hourly folders)")
	cmd.Flags().StringVar(&opts.To, "to", "", "end of the range, exclusive")
	return cmd
}

// check applies the usage rules: --from and --to, then the table's flags.
func (opts *PartitionsAddOptions) check() error {
	if opts.From == "" || opts.To == "" {
		return usageErrorf("--from and --to are required")
	}
	if _, err := opts.Table.fromFlags(opts.Factory.Now()); err != nil {
		return err
	}
	_, _, err := opts.rangeTimes()
	return err
}

// rangeTimes parses --from and --to.
func (opts *PartitionsAddOptions) rangeTimes() (from, to time.Time, err error) {
	if from, err = queries.ParseTime(opts.From); err != nil {
		return from, to, usageErrorf("--from: %v", err)
	}
	if to, err = queries.ParseTime(opts.To); err != nil {
		return from, to, usageErrorf("--to: %v", err)
	}
	return from, to, nil
}

func partitionsAddRun(opts *PartitionsAddOptions) error {
	t, err := opts.Table.table(opts.Context, opts.Factory, opts.Factory.EC2)
	if err != nil {
		return err
	}
	from, to, err := opts.rangeTimes()
	if err != nil {
		return err
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
