package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/sample"
)

// DemoOptions are the inputs of flowq demo.
type DemoOptions struct {
	Factory *Factory
	Dir     string // where the sample data lives; default: the user cache folder
}

func newCmdDemo(f *Factory, runF func(*DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate sample flow logs once and walk through what they show",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return demoRun(cmd, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "sample data folder (default: flowq's cache folder)")
	return cmd
}

// demoSeed fixes the demo data; changing the generator changes the folder name.
const demoSeed = 1

func demoRun(cmd *cobra.Command, opts *DemoOptions) error {
	io := opts.Factory.IO
	dir := opts.Dir
	if dir == "" {
		cache, err := opts.Factory.CacheDir()
		if err != nil {
			return err
		}
		dir = filepath.Join(cache, fmt.Sprintf("demo-v1-seed%d", demoSeed))
	}
	truth, err := loadOrGenerate(cmd, dir, io.ErrOut)
	if err != nil {
		return err
	}
	began := opts.Factory.Now()
	counts := map[string]int64{}
	rejected := map[string]int64{}
	st, err := flowlog.Scan(cmd.Context(), []string{dir}, flowlog.Format{}, func(_ string, rec flowlog.Record) error {
		action, _ := rec.Get("action")
		status, _ := rec.Get("log-status")
		counts[action.String()]++
		counts[status.String()]++
		if action.Str == "REJECT" {
			dst, _ := rec.Get("dstaddr")
			rejected[dst.Str]++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("read sample data: %w", err)
	}
	out := io.Out
	fmt.Fprintf(out, "flowq demo: %d flow-log records in %d files (%s to %s), read in %s\n\n",
		st.Records, st.Files, truth.Start.Format(time.DateOnly), truth.End.Format(time.DateOnly),
		opts.Factory.Now().Sub(began).Round(time.Millisecond))
	fmt.Fprintf(out, "Accepted %d, rejected %d, NODATA %d, SKIPDATA %d; %d bad lines.\n\n",
		counts["ACCEPT"], counts["REJECT"], counts["NODATA"], counts["SKIPDATA"], len(st.BadLines))
	fmt.Fprintln(out, "Most rejected destinations:")
	for i, d := range topCounts(rejected, 5) {
		fmt.Fprintf(out, "  %d. %-15s %6d rejected records\n", i+1, d.key, d.n)
	}
	fmt.Fprintln(out, "\nIncidents staged in this data:")
	for _, sc := range truth.Scenarios {
		fmt.Fprintf(out, "  %-19s %s UTC  %s\n", sc.Name, sc.From.Format("Jan 02 15:04"), sc.Description)
	}
	fmt.Fprintf(out, "\nData: %s\nTry:  flowq formats detect %s\n", dir, dir)
	return nil
}

// loadOrGenerate reads the truth of an existing demo dataset, or generates one.
func loadOrGenerate(cmd *cobra.Command, dir string, progress interface{ Write([]byte) (int, error) }) (*sample.Truth, error) {
	if b, err := os.ReadFile(filepath.Join(dir, sample.TruthFile)); err == nil {
		var t sample.Truth
		if err := json.Unmarshal(b, &t); err == nil {
			return &t, nil
		}
	}
	fmt.Fprintf(progress, "generating sample flow logs in %s (once)…\n", dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return sample.Generate(cmd.Context(), dir, sample.Options{Seed: demoSeed, Days: 2})
}

type keyCount struct {
	key string
	n   int64
}

// topCounts returns the n largest counts, ties broken by key.
func topCounts(m map[string]int64, n int) []keyCount {
	out := make([]keyCount, 0, len(m))
	for k, v := range m {
		out = append(out, keyCount{k, v})
	}
	slices.SortFunc(out, func(a, b keyCount) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.key, b.key)) })
	return out[:min(n, len(out))]
}
