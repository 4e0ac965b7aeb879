package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/report"
	"github.com/flowq/flowq/sample"
)

// DemoOptions are the inputs of flowq demo.
type DemoOptions struct {
	Factory *Factory
	Context context.Context
	Dir     string // where the sample data lives; default: the user cache folder
}

func newCmdDemo(f *Factory, runF func(*DemoOptions) error) *cobra.Command {
	opts := &DemoOptions{Factory: f}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Generate sample flow logs once and walk through what the query library finds in them",
		Long: `Generate two days of sample flow logs in AWS's layout (once, into flowq's cache folder), then
run a short tour of the query library over them in the local engine and say what each finding
means. The data holds staged incidents; the tour finds them the way you would in your own logs.

--dir names another folder: a missing or empty one gets the sample; one that holds a flowq
sample with every scenario (flowq sample --out DIR) is used as it is; any other folder is
refused, so the demo never mixes its files with yours.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Context = cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return demoRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "sample data folder (default: flowq's cache folder)")
	return cmd
}

// demoSeed fixes the demo data; changing the generator changes the folder name.
const demoSeed = 1

// A demoStep runs one library query and explains its answer. Explanations read
// the result and match it to the staged incidents through the truth, so they
// describe what was found, not what was planted.
type demoStep struct {
	question string
	query    string
	params   func(t *sample.Truth) map[string]string
	explain  func(res *queries.Result, t *sample.Truth) string
}

var demoSteps = []demoStep{
	{
		question: "What was rejected the most?",
		query:    "top-rejected-destinations",
		explain: func(res *queries.Result, t *sample.Truth) string {
			if len(res.Rows) == 0 {
				return "Nothing was rejected."
			}
			dst := cell(res, 0, "dstaddr")
			return fmt.Sprintf("%s tops the list with %s rejects from about %s source(s)%s. Many rejects from one source "+
				"across many ports is a scan; from many sources on one port, a service the security group does not expose.",
				dst, cell(res, 0, "rejects"), cell(res, 0, "sources_approx"), incident(t, dst))
		},
	},
	{
		question: "Who is refused on SSH (port 22)?",
		query:    "rejects-on-port",
		params:   func(*sample.Truth) map[string]string { return map[string]string{"port": "22"} },
		explain: func(res *queries.Result, t *sample.Truth) string {
			if len(res.Rows) == 0 {
				return "No SSH rejects."
			}
			dst := cell(res, 0, "dstaddr")
			return fmt.Sprintf("%s refused %s SSH attempts from %s sources on %s%s: the security group does not allow them, "+
				"which is what you want for internet sources, and the first thing to check when your own bastion access fails.",
				dst, cell(res, 0, "rejects"), cell(res, 0, "sources"), cell(res, 0, "interface_id"), incident(t, dst))
		},
	},
	{
		question: "Are replies rejected although their connection was accepted?",
		query:    "return-path-rejects",
		explain: func(res *queries.Result, t *sample.Truth) string {
			if len(res.Rows) == 0 {
				return "No rejected replies: return paths are open."
			}
			server := cell(res, 0, "server")
			return fmt.Sprintf("%s:%s answered %s connections from %s and every reply was rejected on its way back%s. "+
				"Security groups are stateful, so this is a network ACL: allow the ephemeral ports (1024-65535) outbound from the server's subnet.",
				server, cell(res, 0, "server_port"), cell(res, 0, "rejected_replies"), cell(res, 0, "client"), incident(t, server))
		},
	},
	{
		question: "Which accepted flows never got an answer?",
		query:    "one-way-flows",
		explain: func(res *queries.Result, t *sample.Truth) string {
			if len(res.Rows) == 0 {
				return "Every accepted flow has traffic back."
			}
			dst := cell(res, 0, "dstaddr")
			return fmt.Sprintf("%s sent %s records to %s:%s and nothing came back%s: the service is down, filtered further on, "+
				"or answers by another path.", cell(res, 0, "srcaddr"), cell(res, 0, "records"), dst, cell(res, 0, "dstport"), incident(t, dst))
		},
	},
	{
		question: "Which interfaces logged nothing, or lost records?",
		query:    "nodata-skipdata",
		explain: func(res *queries.Result, t *sample.Truth) string {
			if len(res.Rows) == 0 {
				return "No NODATA or SKIPDATA records."
			}
			eni := cell(res, 0, "interface_id")
			return fmt.Sprintf("%s had %s from %s to %s%s. NODATA means no traffic reached the interface; SKIPDATA means "+
				"records were lost, so an audit of that time must say the log is incomplete.",
				eni, cell(res, 0, "log_status"), cell(res, 0, "run_start"), cell(res, 0, "run_end"), incident(t, eni))
		},
	},
	{
		question: "Between the pinging hosts, what happened in each direction?",
		query:    "conversation-summary",
		params: func(t *sample.Truth) map[string]string {
			for _, s := range t.Scenarios {
				if s.Name == "icmp" {
					return map[string]string{"a": fmt.Sprint(s.Facts["src"]), "b": fmt.Sprint(s.Facts["dst"])}
				}
			}
			return nil
		},
		explain: func(res *queries.Result, t *sample.Truth) string {
			if len(res.Rows) < 2 {
				return "Traffic went one way only."
			}
			return fmt.Sprintf("Requests a->b: %s accepted. Replies b->a: %s accepted, %s rejected%s. "+
				"Accepted one way and rejected the other is a stateless rule: a network ACL without the reply's inbound rule.",
				cell(res, 0, "accepted"), cell(res, 1, "accepted"), cell(res, 1, "rejected"), incident(t, "icmp"))
		},
	},
}

// cell returns a result value as text, by column name.
func cell(res *queries.Result, row int, col string) string {
	for i, c := range res.Columns {
		if c.Name == col && row < len(res.Rows) {
			if t, ok := res.Rows[row][i].(time.Time); ok {
				return t.Format("Jan 02 15:04")
			}
			return fmt.Sprint(res.Rows[row][i])
		}
	}
	return "?"
}

// incident names the staged scenario a value belongs to, if any.
func incident(t *sample.Truth, value string) string {
	for _, s := range t.Scenarios {
		if s.Name == value {
			return fmt.Sprintf(" (the %s incident)", s.Name)
		}
		for _, v := range s.Facts {
			if fmt.Sprint(v) == value {
				return fmt.Sprintf(" (the %s incident: %s)", s.Name, s.Description)
			}
		}
	}
	return ""
}

func demoRun(opts *DemoOptions) error {
	io := opts.Factory.IO
	dir := opts.Dir
	if dir == "" {
		cache, err := opts.Factory.CacheDir()
		if err != nil {
			return err
		}
		// v2: the sample holds the library's second release's scenarios.
		dir = filepath.Join(cache, fmt.Sprintf("demo-v2-seed%d", demoSeed))
	}
	ctx := opts.Context
	truth, generated, err := loadOrGenerate(ctx, dir, io.ErrOut)
	if err != nil {
		return err
	}
	began := opts.Factory.Now()
	if !generated {
		// Counted before Open, which would refuse a copy of the sample
		// added to the folder with a message about duplicates, not about
		// the folder.
		found, err := flowlog.FindLogFiles(ctx, []string{dir})
		if err != nil {
			return err
		}
		if n := len(found); n != truth.Files {
			return usageErrorf("%s holds %d flow-log files, but the sample its %s describes has %d: other files were added "+
				"to it; the demo reads only a sample of its own, so give an empty or new --dir", dir, n, sample.TruthFile, truth.Files)
		}
		fmt.Fprintf(io.ErrOut, "using the existing sample in %s: %d files, %d records, %s to %s (seed %d, %s layout)\n",
			dir, truth.Files, truth.Records, truth.Start.Format(time.DateOnly), truth.End.Format(time.DateOnly), truth.Seed, truth.Layout)
	}
	db, err := localdb.Open(ctx, []string{dir}, localdb.Options{CheckCache: checkCache(opts.Factory)})
	if err != nil {
		return err
	}
	defer db.Close()
	out := io.Out
	fmt.Fprintf(out, "flowq demo: %d flow-log records in %d files, %s to %s (sample data in AWS's layout)\n",
		truth.Records, len(db.Files()), truth.Start.Format(time.DateOnly), truth.End.Format(time.DateOnly))
	// Tables are indented by 3 and fit what is left of a terminal's width.
	table := report.Options{Format: report.Table, TTY: io.IsStdoutTTY(), Width: max(io.TerminalWidth()-3, 0)}
	for i, step := range demoSteps {
		if err := runDemoStep(ctx, out, table, db, dir, truth, i+1, step); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "\nStaged in this data:\n")
	for _, sc := range truth.Scenarios {
		fmt.Fprintf(out, "  %-19s %s UTC  %s\n", sc.Name, sc.From.Format("Jan 02 15:04"), sc.Description)
	}
	fmt.Fprintf(out, "\nTour done in %s. Next: flowq queries list; flowq run NAME --local %s --since 2d --to %s\n",
		opts.Factory.Now().Sub(began).Round(time.Millisecond), dir, truth.End.Format(time.DateOnly))
	db.Close()
	reportData(io.ErrOut, db, false) // what the queries found wrong with the files, if anything
	return nil
}

func runDemoStep(ctx context.Context, out io.Writer, tableOpts report.Options, db *localdb.DB, dir string, truth *sample.Truth, n int, step demoStep) error {
	q, err := queries.Default().Get(step.query)
	if err != nil {
		return err
	}
	given := map[string]string{}
	if step.params != nil {
		given = step.params(truth)
	}
	vals, err := q.Resolve(given)
	if err != nil {
		return err
	}
	res, err := db.RunQuery(ctx, q, vals)
	if err != nil {
		return err
	}
	var flags strings.Builder
	for _, p := range q.Params {
		if v, ok := given[p.Name]; ok {
			fmt.Fprintf(&flags, " -p %s=%s", p.Name, v)
		}
	}
	fmt.Fprintf(out, "\n%d. %s\n   $ flowq run %s --local %s%s\n\n", n, step.question, q.Ref(), dir, flags.String())
	shown := *res
	shown.Rows = res.Rows[:min(5, len(res.Rows))]
	var table strings.Builder
	if err := report.Print(&table, &shown, tableOpts); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimRight(table.String(), "\n"), "\n") {
		fmt.Fprintf(out, "   %s\n", line)
	}
	if len(res.Rows) > len(shown.Rows) {
		fmt.Fprintf(out, "   … %d more rows\n", len(res.Rows)-len(shown.Rows))
	}
	fmt.Fprintf(out, "\n   %s\n", step.explain(res, truth))
	return nil
}

// loadOrGenerate reads the truth of the sample in dir, or generates one when
// dir is missing or empty (generated is then true). It never writes into a
// folder that holds anything else: a folder with files but no flowq sample, or
// a sample without the incidents the tour looks for, is refused.
func loadOrGenerate(ctx context.Context, dir string, progress io.Writer) (truth *sample.Truth, generated bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) || err == nil && len(entries) == 0:
		fmt.Fprintf(progress, "generating sample flow logs in %s (once)…\n", dir)
		created, err := mkdirNew(dir)
		if err != nil {
			return nil, false, fmt.Errorf("create the demo folder: %w", err)
		}
		t, err := sample.Generate(ctx, dir, sample.Options{Seed: demoSeed, Days: 2})
		if err != nil {
			if created != "" {
				os.RemoveAll(created)
			}
			return nil, false, fmt.Errorf("generate the demo's sample: %w", err)
		}
		return t, true, nil
	case err != nil:
		return nil, false, fmt.Errorf("read the demo folder: %w", err)
	}
	t, err := sample.ReadTruth(dir)
	var bad *sample.TruthError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, false, usageErrorf("%s is not empty and holds no flowq sample (no %s): the demo generates its sample "+
			"into an empty or new folder and never mixes it with other files; give another --dir", dir, sample.TruthFile)
	case errors.As(err, &bad):
		return nil, false, usageErrorf("%v; give an empty or new --dir", err)
	case err != nil:
		return nil, false, fmt.Errorf("read the sample's truth: %w", err)
	}
	var missing []string
	v2, _ := flowlog.Preset("default")
	for _, name := range sample.ScenariosFor(v2) {
		if !slices.ContainsFunc(t.Scenarios, func(s sample.ScenarioTruth) bool { return s.Name == name }) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, false, usageErrorf("the sample in %s has no %s scenario(s), which the tour looks for; give an empty or new --dir "+
			"(or flowq sample --out DIR without --scenario)", dir, strings.Join(missing, ", "))
	}
	return t, false, nil
}
