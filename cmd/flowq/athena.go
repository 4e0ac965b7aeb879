package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/ddl"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// awsFlags are --profile and --region, for every command that calls AWS.
// Everything else (credentials, SSO, AWS_ENDPOINT_URL and the per-service
// endpoints) comes from the standard configuration chain, with no flag of
// flowq's.
type awsFlags struct {
	Profile, Region string
}

func (a *awsFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&a.Profile, "profile", "", "AWS profile (default: AWS_PROFILE or the default profile)")
	cmd.Flags().StringVar(&a.Region, "region", "", "AWS region of the calls (default: AWS_REGION or the profile's)")
}

// check refuses a --region that is not a region code.
func (a *awsFlags) check() error {
	if a.Region != "" {
		if err := partitions.CheckRegion(a.Region); err != nil {
			return usageErrorf("--region: %v", err)
		}
	}
	return nil
}

// config loads the standard AWS configuration with the flags.
func (a *awsFlags) config(ctx context.Context, f *Factory) (aws.Config, error) {
	return f.AWS(ctx, a.Profile, a.Region)
}

// checkScopeFlags checks --accounts and --regions, naming the flag.
func checkScopeFlags(accounts, regions []string) error {
	if err := partitions.CheckScope(unique(accounts), nil); err != nil {
		return usageErrorf("--accounts: %v", err)
	}
	if err := partitions.CheckScope(nil, unique(regions)); err != nil {
		return usageErrorf("--regions: %v", err)
	}
	return nil
}

// athenaFlags choose and configure the Athena engine (--athena).
type athenaFlags struct {
	Athena            bool
	Workgroup         string
	Database, Table   string
	OutputLocation    string
	Accounts, Regions []string
	Reuse             string // a duration, "" for none
	AWS               awsFlags
	// AdHoc says the command runs the user's SQL (flowq sql), which names
	// its own partitions.
	AdHoc bool
	// Given are the Athena flags the command line gave, so that one given
	// without --athena is refused (flagsGiven fills it).
	Given map[string]bool
}

// athenaOnly are the flags that configure the Athena engine and mean nothing
// without it.
var athenaOnly = []string{"workgroup", "database", "table", "output-location", "accounts", "regions", "reuse", "profile", "region"}

func (a *athenaFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&a.Athena, "athena", false, "run in Athena over the table (the standard AWS configuration: profile, SSO, environment, endpoints)")
	fs.StringVar(&a.Workgroup, "workgroup", "primary", "Athena workgroup (--athena)")
	fs.StringVar(&a.Database, "database", "vpc_flow_logs", "Glue database of the table (--athena)")
	fs.StringVar(&a.Table, "table", "flow_logs", "the flow-log table (--athena; flowq ddl apply creates it)")
	fs.StringVar(&a.OutputLocation, "output-location", "", "s3://bucket/prefix/ for query results (--athena; default: the workgroup's)")
	fs.StringSliceVar(&a.Accounts, "accounts", nil, "read only these accounts' partitions (--athena; required when the table injects them)")
	fs.StringSliceVar(&a.Regions, "regions", nil, "read only these regions' partitions (--athena; required when the table injects them)")
	fs.StringVar(&a.Reuse, "reuse", "", "let Athena answer with the result of the same query run at most DURATION ago (--athena; 60m, 1d; at most 7d)")
	a.AWS.register(cmd)
}

// check applies the flags' usage rules.
func (a *athenaFlags) check() error {
	if !a.Athena {
		for _, name := range athenaOnly {
			if a.Given[name] {
				return usageErrorf("--%s configures the Athena engine: add --athena, or leave it out", name)
			}
		}
		return nil
	}
	if err := a.AWS.check(); err != nil {
		return err
	}
	if _, err := a.reuse(); err != nil {
		return err
	}
	if a.OutputLocation != "" {
		if _, _, err := athenadb.ParseS3URL(a.OutputLocation); err != nil {
			return usageErrorf("--output-location: %v", err)
		}
	}
	if err := checkScopeFlags(a.Accounts, a.Regions); err != nil {
		return err
	}
	if db, table, ok := strings.Cut(a.Table, "."); ok {
		return usageErrorf("--table %s: give the table's name alone, and its database with --database (--database %s --table %s)", a.Table, db, table)
	}
	// The names Glue and flowq ddl allow, so that a refusal's suggestion is
	// a name ddl apply makes.
	for _, n := range []struct{ flag, what, name string }{{"database", "database", a.Database}, {"table", "table", a.Table}} {
		if err := ddl.CheckName(n.what, n.name); err != nil {
			return usageErrorf("--%s: %v", n.flag, err)
		}
	}
	return nil
}

func (a *athenaFlags) reuse() (time.Duration, error) {
	if a.Reuse == "" {
		return 0, nil
	}
	d, err := queries.ParseDuration(a.Reuse)
	if err == nil && (d%time.Minute != 0 || d > athenadb.MaxReuse) {
		err = fmt.Errorf("want whole minutes up to 7d, Athena's limit")
	}
	if err != nil {
		return 0, usageErrorf("--reuse %s: %v", a.Reuse, err)
	}
	return d, nil
}

// open opens the Athena engine over the window, drawing its progress on
// stderr when stderr is a terminal.
func (a *athenaFlags) open(ctx context.Context, f *Factory, w *partitions.Window, line *statusLine) (*athenadb.DB, error) {
	cfg, err := a.AWS.config(ctx, f)
	if err != nil {
		return nil, err
	}
	reuse, err := a.reuse()
	if err != nil {
		return nil, err
	}
	opts := athenadb.Options{Workgroup: a.Workgroup, Database: a.Database, Table: a.Table, OutputLocation: a.OutputLocation,
		Window: w, Accounts: unique(a.Accounts), Regions: unique(a.Regions), Reuse: reuse, AdHoc: a.AdHoc}
	if line != nil {
		opts.Progress = line.update
	}
	db, err := athenadb.Open(ctx, cfg, opts)
	if _, ok := errors.AsType[*athenadb.ScopeError](err); ok {
		return nil, usageError{err}
	}
	if err != nil {
		return nil, err
	}
	for _, n := range db.Notes() {
		fmt.Fprintln(f.IO.ErrOut, "warning:", n)
	}
	return db, nil
}

// statusLine is the one live line a running Athena query shows on a
// terminal's stderr: its state, time, data scanned and estimated cost,
// redrawn in place, and cleared when the query ends.
type statusLine struct {
	w     io.Writer
	drawn bool
}

func (s *statusLine) update(st athenadb.Status) {
	fmt.Fprintf(s.w, "\r\x1b[KAthena %s %s · %s scanned · ~$%.6f (estimate) · %s", st.State,
		st.Elapsed.Round(100*time.Millisecond), byteSize(st.ScannedBytes), st.CostUSD, st.ExecutionID)
	s.drawn = true
}

// clear removes the line, if drawn, before anything else is written.
func (s *statusLine) clear() {
	if s != nil && s.drawn {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.drawn = false
	}
}
