package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/partitions"
)

// DownloadOptions are the inputs of flowq download.
type DownloadOptions struct {
	Factory   *Factory
	Context   context.Context
	Location  string // s3://bucket/prefix/, the folder that holds AWSLogs/
	Window    windowFlags
	Accounts  []string
	Regions   []string
	FlowLogID string
	Dest      string
	DryRun    bool
	Parallel  int
	AWS       awsFlags
}

// maxParallel bounds --parallel: more transfers at once than this only wait
// for the same connection.
const maxParallel = 64

func newCmdDownload(f *Factory, runF func(*DownloadOptions) error) *cobra.Command {
	opts := &DownloadOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "download --location s3://BUCKET/PREFIX/ (--from T --to T | --since D) --dest DIR",
		Short: "Download the flow-log files of a time window from S3, for the local engine",
		Long: `Download the flow-log files that can hold records of a time window from the S3 folder a flow
log delivers to (the one that holds AWSLogs/) into DIR, keeping the keys' folders, so that
flowq run --local DIR reads them as they are.

Only folders are listed, never the whole bucket: AWSLogs/ for the accounts and each account's
service folder for the regions (unless --accounts and --regions name them), then the window's
day folders and, in hourly layouts, only the hour folders inside the window. Default and
Hive-compatible prefixes, daily and hourly folders, and several flow logs delivering differently
into one prefix are all read. --flow-log-id keeps one flow log's files; without --location it
reads the location from the flow log (EC2 DescribeFlowLogs), and --regions defaults to the
client's region.

A download can be run again: a file recorded in DIR/.flowq-download.jsonl with the size and
ETag S3 lists is skipped (ETags are compared, never an MD5: under SSE-KMS and for multipart
uploads an ETag is not one). Each file is written to a hidden name (.NAME.partial) and renamed
when it is whole and checked: a .log.gz is decompressed as it arrives (CRC-32 and size from its
trailer), a Parquet file must start and end with PAR1. A transfer cut short is tried again; an
object that arrives whole but damaged is not kept, and the command fails after downloading the
rest, naming each. --dry-run lists, then prints the prefixes it listed and what it would fetch.`,
		Example: `  flowq download --location s3://my-flow-logs/ --since 2h --dest ./flows
  flowq download --location s3://central-logs/vpc/ --accounts 111122223333 --regions eu-west-1 \
      --from 2026-01-05T10:00 --to 2026-01-05T12:00 --dest ./flows --dry-run
  flowq download --flow-log-id fl-0123456789abcdef0 --since 1d --dest ./flows --profile prod`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if _, err := opts.check(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return downloadRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Location, "location", "", "s3://bucket/prefix/ the flow logs deliver to (the folder that holds AWSLogs/)")
	opts.Window.register(cmd)
	fl.StringSliceVar(&opts.Accounts, "accounts", nil, "account IDs whose folders to read (default: every account under AWSLogs/)")
	fl.StringSliceVar(&opts.Regions, "regions", nil, "regions whose folders to read (default: every region found; with --flow-log-id alone, the client's)")
	fl.StringVar(&opts.FlowLogID, "flow-log-id", "", "only this flow log's files; without --location, read the location from the flow log")
	fl.StringVar(&opts.Dest, "dest", "", "folder to download into (created if missing)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "list, then print the prefixes listed and what would be fetched, without downloading")
	fl.IntVar(&opts.Parallel, "parallel", athenadb.DefaultParallel, fmt.Sprintf("files downloaded at once (1-%d)", maxParallel))
	opts.AWS.register(cmd)
	return cmd
}

// check applies the usage rules of the flags and returns the window;
// nothing is asked of AWS.
func (opts *DownloadOptions) check() (*partitions.Window, error) {
	switch {
	case opts.Location != "":
		if _, _, err := athenadb.ParseS3Location(opts.Location); err != nil {
			return nil, usageErrorf("--location: %v", err)
		}
	case opts.FlowLogID == "":
		return nil, usageErrorf("--location is required (or --flow-log-id, to read it from the flow log)")
	}
	w, err := opts.Window.window(opts.Factory.Now())
	if err != nil {
		return nil, err
	}
	if w == nil {
		return nil, usageErrorf("a time window is required: --from and --to, or --since")
	}
	if opts.Dest == "" {
		return nil, usageErrorf("--dest is required: the folder to download into")
	}
	if opts.FlowLogID != "" {
		if err := athenadb.CheckFlowLogID(opts.FlowLogID); err != nil {
			return nil, usageErrorf("--flow-log-id: %v", err)
		}
	}
	if err := checkScopeFlags(opts.Accounts, opts.Regions); err != nil {
		return nil, err
	}
	if err := opts.AWS.check(); err != nil {
		return nil, err
	}
	if opts.Parallel < 1 || opts.Parallel > maxParallel {
		return nil, usageErrorf("--parallel %d: want 1 to %d", opts.Parallel, maxParallel)
	}
	return w, nil
}

func downloadRun(opts *DownloadOptions) error {
	f, ctx, errOut := opts.Factory, opts.Context, opts.Factory.IO.ErrOut
	w, err := opts.check()
	if err != nil {
		return err
	}
	cfg, err := opts.AWS.config(ctx, f)
	if err != nil {
		return err
	}
	location, regions := opts.Location, unique(opts.Regions)
	if location == "" {
		// The flow log is looked up with the same configuration as the
		// bucket, so that --profile and --region apply to both.
		ec2 := athenadb.NewEC2(cfg)
		d, err := ec2.FlowLog(ctx, opts.FlowLogID)
		if err != nil {
			return err
		}
		location = d.Location
		if len(regions) == 0 {
			regions = []string{ec2.Region()}
		}
		fmt.Fprintf(errOut, "flow log %s delivers to %s\n", d.ID, location)
	}
	client := athenadb.NewS3(cfg)
	plan, err := client.PlanDownload(ctx, athenadb.DownloadOptions{Location: location, Window: *w, Accounts: unique(opts.Accounts),
		Regions: regions, FlowLogID: opts.FlowLogID, Dest: opts.Dest, Parallel: opts.Parallel})
	if err != nil {
		return err
	}
	reportPlan(errOut, plan)
	if opts.DryRun {
		for _, p := range plan.Listed {
			fmt.Fprintln(f.IO.Out, plan.URL(p))
		}
		fmt.Fprintf(errOut, "dry run: %d prefix(es) listed; would fetch %d file(s) (%s); %d already present (%s)\n",
			len(plan.Listed), len(plan.Files), byteSize(plan.FetchBytes()), len(plan.Present), byteSize(plan.PresentBytes()))
	}
	if len(plan.Files)+len(plan.Present) == 0 {
		what := "flow-log files"
		if opts.FlowLogID != "" {
			what = "files of flow log " + opts.FlowLogID
		}
		return noDataError{fmt.Errorf("no %s can hold records of %s to %s under %s (%d prefix(es) listed)", what,
			w.From.Format(time.RFC3339), w.To.Format(time.RFC3339), plan.URL(plan.Prefix+partitions.LogsFolder), len(plan.Listed))}
	}
	if opts.DryRun {
		return nil
	}

	began := f.Now()
	var progress func(athenadb.DownloadProgress)
	bar := &progressBar{w: errOut, now: f.Now, start: began}
	if f.IO.IsStderrTTY() && len(plan.Files) > 0 {
		progress = bar.update
	}
	res, err := client.Download(ctx, plan, progress)
	bar.clear()
	line := fmt.Sprintf("fetched %d file(s) (%s), skipped %d already present (%s)",
		res.Fetched, byteSize(res.FetchedBytes), res.Skipped, byteSize(res.SkippedBytes))
	if len(res.Failed) > 0 {
		line += fmt.Sprintf(", %d not kept", len(res.Failed))
	}
	if errors.Is(err, context.Canceled) {
		line += fmt.Sprintf(", %d left", len(plan.Files)-res.Fetched-len(res.Failed))
	}
	fmt.Fprintf(errOut, "%s, into %s in %s\n", line, opts.Dest, f.Now().Sub(began).Round(time.Millisecond))
	return err
}

// reportPlan writes on stderr what the listing found missing or left alone:
// the warnings, then the first few keys ignored and how many more.
func reportPlan(w io.Writer, plan *athenadb.DownloadPlan) {
	for _, msg := range plan.Warnings {
		fmt.Fprintln(w, "warning:", msg)
	}
	for i, k := range plan.Ignored {
		if i == 5 {
			fmt.Fprintf(w, "… and %d more keys ignored\n", len(plan.Ignored)-5)
			break
		}
		fmt.Fprintf(w, "ignored %s: %s\n", plan.URL(k.Key), k.Reason)
	}
}

// progressBar draws a download's progress on one line of a terminal: files
// and bytes done, and the rate; at most ten times a second, and always the
// last state.
type progressBar struct {
	w           io.Writer
	now         func() time.Time
	start, last time.Time
	drawn       bool
}

func (b *progressBar) update(p athenadb.DownloadProgress) {
	now := b.now()
	if b.drawn && p.Done < p.Files && now.Sub(b.last) < time.Second/10 {
		return
	}
	b.drawn, b.last = true, now
	const width = 20
	filled := width
	if p.Files > 0 {
		filled = width * p.Done / p.Files
	}
	line := fmt.Sprintf("[%s%s] %d/%d files, %s of %s", strings.Repeat("#", filled), strings.Repeat(".", width-filled),
		p.Done, p.Files, byteSize(p.DoneBytes), byteSize(p.Bytes))
	if el := now.Sub(b.start); el >= time.Second/10 {
		line += fmt.Sprintf(", %s/s", byteSize(int64(float64(p.DoneBytes)/el.Seconds())))
	}
	if p.Failed > 0 {
		line += fmt.Sprintf(", %d failed", p.Failed)
	}
	fmt.Fprintf(b.w, "\r\x1b[K%s", line)
}

// clear erases the bar, so that the summary takes its line.
func (b *progressBar) clear() {
	if b.drawn {
		fmt.Fprint(b.w, "\r\x1b[K")
	}
}

// byteSize writes a size for people, in SI units: 950 B, 6.6 kB, 1.2 MB.
func byteSize(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	f, units, i := float64(n)/1000, "kMGTPE", 0
	for f >= 999.95 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.1f %cB", f, units[i])
}
