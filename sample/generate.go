package sample

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// DefaultStart is the first day written when no start is given. It is fixed so
// that a seed alone decides the output.
var DefaultStart = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)

// DefaultRecordsPerDay is the background volume when none is given.
const DefaultRecordsPerDay = 40_000

// Options say what to generate. The zero value of each field means its default.
type Options struct {
	Start     time.Time         // first day, UTC; truncated to midnight
	Days      int               // default 1
	Format    flowlog.Format    // default: the v2 default format
	Layout    partitions.Layout // default: default prefixes, daily folders
	Scenarios []string          // default: every scenario the format tells (ScenariosFor); names from ScenarioNames
	Seed      uint64
	Records   int    // background records in all; default DefaultRecordsPerDay per day
	Root      string // bucket prefix inside the output folder, "" or ending in "/"
}

// TruthFile is the name of the truth file written at the top of the output.
const TruthFile = "truth.json"

// Check reports whether Generate would refuse the options, without writing
// anything: callers check before they create the output folder.
func (o Options) Check() error {
	o, err := o.withDefaults()
	if err != nil {
		return err
	}
	_, _, err = o.stage(newWorld(o.Seed))
	return err
}

// Generate writes the dataset below dir and returns its truth (also written to
// dir/truth.json). The same options always produce the same bytes.
func Generate(ctx context.Context, dir string, opts Options) (*Truth, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	w := newWorld(opts.Seed)
	spanStart, spanEnd, windows := opts.span()
	truth := &Truth{Seed: opts.Seed, Start: opts.Start, End: time.Unix(spanEnd, 0).UTC(), Format: opts.Format.String(),
		Layout: opts.Layout.String(), Account: w.account, Region: w.region, FlowLogID: w.flowLogID}
	byWindow, staged, err := opts.stage(w)
	if err != nil {
		return nil, err
	}
	truth.Scenarios = staged

	perWindow := opts.Records / windows
	extra := opts.Records % windows
	jobs := make(chan int)
	workers := runtime.GOMAXPROCS(0)
	tallies := make([]*tally, workers)
	files := make([]int, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for k := range workers {
		tallies[k] = newTally()
		wg.Go(func() {
			fw := newFileWriter(opts.Format, w)
			for wi := range jobs {
				if errs[k] != nil {
					continue
				}
				n := perWindow
				if wi < extra {
					n++
				}
				wrote, err := fw.write(dir, opts, wi, spanStart+int64(wi)*300, n, byWindow[wi], tallies[k])
				if err != nil {
					errs[k] = err
				}
				files[k] += wrote
			}
		})
	}
	for wi := 0; wi < windows; wi++ {
		if ctx.Err() != nil {
			break
		}
		jobs <- wi
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	total := newTally()
	for k := range workers {
		if errs[k] != nil {
			return nil, errs[k]
		}
		total.merge(tallies[k])
		truth.Files += files[k]
	}
	total.fill(truth)

	b, err := json.MarshalIndent(truth, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode truth: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, TruthFile), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("write truth: %w", err)
	}
	return truth, nil
}

// ReadTruth reads the truth Generate wrote into dir. A missing file is an
// error that is fs.ErrNotExist; one that does not decode is a *TruthError.
func ReadTruth(dir string) (*Truth, error) {
	path := filepath.Join(dir, TruthFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var t Truth
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, &TruthError{Path: path, Err: err}
	}
	return &t, nil
}

// TruthError is a truth file that is not one Generate wrote.
type TruthError struct {
	Path string
	Err  error
}

func (e *TruthError) Error() string {
	return fmt.Sprintf("%s is not a flowq sample's truth (%v)", e.Path, e.Err)
}
func (e *TruthError) Unwrap() error { return e.Err }

// span is the generated time in Unix seconds, [start, end), and its number of
// 5-minute files.
func (o Options) span() (start, end int64, windows int) {
	start = o.Start.Unix()
	end = o.Start.AddDate(0, 0, o.Days).Unix()
	return start, end, int((end - start) / 300)
}

// stage builds the scenarios' records, bucketed by the file (5-minute window
// of their end) that holds them, and their truth. A scenario that does not fit
// in the span is an error.
func (o Options) stage(w *world) (map[int][]flow, []ScenarioTruth, error) {
	spanStart, spanEnd, windows := o.span()
	byWindow := map[int][]flow{}
	var staged []ScenarioTruth
	for _, name := range o.Scenarios {
		i := slices.IndexFunc(scenarios, func(s scenario) bool { return s.name == name })
		s := scenarios[i]
		t0 := spanStart + int64(float64(spanEnd-spanStart)*s.at)
		t0 -= t0 % 60
		flows, facts := s.build(rand.New(rand.NewPCG(o.Seed, uint64(i)+1000)), t0)
		st := ScenarioTruth{Name: s.name, Description: s.description, Records: len(flows), Facts: facts,
			From: time.Unix(flows[0].start, 0).UTC(), To: time.Unix(flows[0].end+1, 0).UTC()}
		for _, f := range flows {
			st.From = minTime(st.From, time.Unix(f.start, 0).UTC())
			st.To = maxTime(st.To, time.Unix(f.end+1, 0).UTC())
			wi := int((f.end - spanStart) / 300)
			if wi < 0 || wi >= windows {
				return nil, nil, fmt.Errorf("scenario %s does not fit in %d day(s) from %s", s.name, o.Days, o.Start.Format(time.DateOnly))
			}
			byWindow[wi] = append(byWindow[wi], f)
		}
		staged = append(staged, st)
	}
	return byWindow, staged, nil
}

func (o Options) withDefaults() (Options, error) {
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	o.Start = time.Date(o.Start.Year(), o.Start.Month(), o.Start.Day(), 0, 0, 0, 0, time.UTC)
	if o.Days == 0 {
		o.Days = 1
	}
	if o.Days < 0 {
		return o, fmt.Errorf("days %d: want at least 1", o.Days)
	}
	if o.Format.Len() == 0 {
		o.Format, _ = flowlog.Preset("default")
	}
	if o.Records == 0 {
		o.Records = DefaultRecordsPerDay * o.Days
	}
	if o.Records < 0 {
		return o, fmt.Errorf("records %d: want 0 or more", o.Records)
	}
	if o.Scenarios == nil {
		o.Scenarios = ScenariosFor(o.Format)
	}
	for _, n := range o.Scenarios {
		if !slices.Contains(ScenarioNames(), n) {
			return o, fmt.Errorf("unknown scenario %q: want one of %s", n, strings.Join(ScenarioNames(), ", "))
		}
		if missing := o.Format.Missing(ScenarioFields(n)...); len(missing) > 0 {
			return o, fmt.Errorf("scenario %s needs field(s) %s, which the format lacks: give a format that has them (e.g. all, or tgw)", n, strings.Join(missing, ", "))
		}
	}
	return o, nil
}

// fileWriter renders and compresses one file at a time; each worker has one.
type fileWriter struct {
	render *renderer
	header []byte
	buf    []byte
	flows  []flow
	zw     *gzip.Writer
	bw     *bufio.Writer
}

func newFileWriter(format flowlog.Format, w *world) *fileWriter {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed)
	return &fileWriter{render: newRenderer(format, w), header: []byte(format.Header() + "\n"), zw: zw,
		bw: bufio.NewWriterSize(nil, 256<<10)}
}

// write writes the file of one 5-minute window: n background records plus the
// scenario records whose end falls in it. It returns how many files it wrote.
func (fw *fileWriter) write(dir string, opts Options, wi int, from int64, n int, scen []flow, t *tally) (int, error) {
	r := rand.New(rand.NewPCG(opts.Seed, uint64(wi)))
	fw.flows = fw.render.world.background(r, from, n, fw.flows[:0])
	fw.flows = append(fw.flows, scen...)
	if len(fw.flows) == 0 {
		return 0, nil
	}
	obj := partitions.Object{Root: opts.Root, Layout: opts.Layout, Account: fw.render.world.account,
		Region: fw.render.world.region, FlowLogID: fw.render.world.flowLogID, Time: time.Unix(from, 0).UTC(),
		Hash: fmt.Sprintf("%08x", r.Uint32()), Format: partitions.Text}
	path := filepath.Join(dir, filepath.FromSlash(obj.Key()))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	fw.bw.Reset(f)
	fw.zw.Reset(fw.bw)
	fw.buf = append(fw.buf[:0], fw.header...)
	for i := range fw.flows {
		t.add(&fw.flows[i])
		fw.buf = fw.render.append(fw.buf, &fw.flows[i])
		if len(fw.buf) > 128<<10 {
			if _, err := fw.zw.Write(fw.buf); err != nil {
				f.Close()
				return 0, fmt.Errorf("write %s: %w", path, err)
			}
			fw.buf = fw.buf[:0]
		}
	}
	_, err = fw.zw.Write(fw.buf)
	if err == nil {
		err = fw.zw.Close()
	}
	if err == nil {
		err = fw.bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return 1, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
