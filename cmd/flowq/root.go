package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/athenadb"
)

// Exit codes, listed in the root help.
const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitNoData    = 3
	exitTimeout   = 124 // as timeout(1)
	exitCancelled = 130
)

// usageError is a mistake in the command line: it is shown with a hint to --help.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// timeoutError is a query stopped by --timeout.
type timeoutError struct {
	err   error
	after time.Duration
}

func (e timeoutError) Error() string { return fmt.Sprintf("timed out after %s: %v", e.after, e.err) }
func (e timeoutError) Unwrap() error { return e.err }

// noDataError means there was nothing to read: no files, or none in the window.
type noDataError struct{ err error }

func (e noDataError) Error() string { return e.err.Error() }
func (e noDataError) Unwrap() error { return e.err }

const rootLong = `flowq answers questions about Amazon VPC Flow Logs: why can't A reach B, who was rejected, what talked the most.
It generates the Athena/Glue table for any flow-log format and S3 layout, and keeps a library of
root-cause and compliance queries that run in Athena or locally in DuckDB over downloaded files.

Exit codes: 0 success, 1 error, 2 usage error, 3 no data (no file under the paths or in the
window), 124 timed out (--timeout; an Athena query is stopped), 130 cancelled (Ctrl-C; an
Athena query is stopped; 143 for SIGTERM, 129 for SIGHUP).`

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
	root.SetFlagErrorFunc(flagError)
	root.AddCommand(
		newCmdVersion(f, nil),
		newCmdFormats(f, nil),
		newCmdSample(f, nil),
		newCmdDemo(f, nil),
		newCmdQueries(f, nil),
		newCmdRun(f, nil),
		newCmdDiagnose(f, nil),
		newCmdSQL(f, nil),
		newCmdImport(f, nil),
		newCmdDownload(f, nil),
		newCmdDDL(f, nil),
		newCmdPartitions(f),
		newCmdAudit(f),
	)
	return root
}

// run executes the command line with the factory main built (tests pass their
// own) and maps the outcome to an exit code. Cancelling ctx cancels the
// command.
func run(ctx context.Context, args []string, f *Factory) int {
	io := f.IO
	root := newRootCmd(f)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, new(timeoutError)):
		fmt.Fprintln(io.ErrOut, "flowq:", err)
		return exitTimeout
	case errors.Is(err, context.Canceled):
		// An Athena query was stopped, or may still run: say which.
		if stopped, ok := errors.AsType[*athenadb.StoppedError](err); ok {
			fmt.Fprintln(io.ErrOut, "flowq: cancelled:", stopped)
		} else {
			fmt.Fprintln(io.ErrOut, "flowq: cancelled")
		}
		// 128 + the signal's number, as a shell reports a process it ended.
		if s, ok := context.Cause(ctx).(signalled); ok && s.sig != syscall.SIGINT {
			return 128 + int(s.sig)
		}
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
