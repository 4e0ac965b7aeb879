package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/internal/iostreams"
)

// Exit codes, listed in the root help.
const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitNoData    = 3
	exitCancelled = 130
)

// Factory holds what commands need from the outside world. Fields are funcs or
// values set once in newFactory; tests build their own.
type Factory struct {
	IO       *iostreams.IOStreams
	Now      func() time.Time
	CacheDir func() (string, error)
	// EC2 builds an EC2 client from the standard AWS configuration (profile,
	// environment, SSO) when a command first needs one.
	EC2 func(ctx context.Context) (*athenadb.EC2, error)
}

func newFactory(io *iostreams.IOStreams) *Factory {
	return &Factory{
		IO:  io,
		Now: time.Now,
		CacheDir: func() (string, error) {
			d, err := os.UserCacheDir()
			if err != nil {
				return "", fmt.Errorf("find a cache folder: %w", err)
			}
			return filepath.Join(d, "flowq"), nil
		},
		EC2: func(ctx context.Context) (*athenadb.EC2, error) {
			cfg, err := config.LoadDefaultConfig(ctx)
			if err != nil {
				return nil, fmt.Errorf("load AWS configuration: %w", err)
			}
			if cfg.Region == "" {
				return nil, fmt.Errorf("no AWS region: set AWS_REGION or a profile's region")
			}
			return athenadb.NewEC2(cfg), nil
		},
	}
}

// usageError is a mistake in the command line: it is shown with a hint to --help.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// noDataError means there was nothing to read: no files, or none in the window.
type noDataError struct{ err error }

func (e noDataError) Error() string { return e.err.Error() }
func (e noDataError) Unwrap() error { return e.err }

const rootLong = `flowq answers questions about Amazon VPC Flow Logs: why can't A reach B, who was rejected, what talked the most.
It generates the Athena/Glue table for any flow-log format and S3 layout, and keeps a library of
root-cause and compliance queries that run in Athena or locally in DuckDB over downloaded files.

Exit codes: 0 success, 1 error, 2 usage error, 3 no data (no file under the paths or in the
window), 130 cancelled.`

func newRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "flowq",
		Short:         "Root-cause analysis and compliance auditing with Amazon VPC Flow Logs",
		Long:          rootLong,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newCmdVersion(f, nil),
		newCmdFormats(f),
		newCmdSample(f, nil),
		newCmdDemo(f, nil),
		newCmdQueries(f),
		newCmdRun(f, nil),
		newCmdSQL(f, nil),
		newCmdImport(f, nil),
		newCmdDDL(f, nil),
		newCmdPartitions(f),
	)
	return root
}

// run executes the command line and maps the outcome to an exit code.
func run(args []string, io *iostreams.IOStreams) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	root := newRootCmd(newFactory(io))
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(io.ErrOut, "flowq: cancelled")
		return exitCancelled
	}
	fmt.Fprintln(io.ErrOut, "flowq:", err)
	if errors.As(err, new(noDataError)) {
		return exitNoData
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(io.ErrOut, "Run 'flowq --help' for usage.")
		return exitUsage
	}
	return exitError
}

// isCobraUsage recognises cobra's own argument errors, which are not typed.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "unknown flag", "unknown shorthand"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
