package audit

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
)

// dayRow is one row of denies-per-day@1: an interface's denies on a day.
type dayRow struct {
	day                     time.Time
	interfaceID             string
	rejects, packets, bytes int64
}

// deniesPerDay runs denies-per-day@1 over the whole window: the totals that
// denies.csv must add up to, and the plan of its slices.
func (a *auditor) deniesPerDay(ctx context.Context) error {
	a.progress("%s: denies per day and interface", DeniesPerDay)
	t, err := a.collect(ctx, DeniesPerDay, "summary.json per_day; the plan and the check of denies.csv",
		map[string]string{"limit": strconv.Itoa(queries.MaxLimit)}, false)
	if err != nil {
		return err
	}
	for _, row := range t.rows {
		day := t.time(row, "day")
		if day == nil {
			return fmt.Errorf("audit: %s: a row without its day", DeniesPerDay)
		}
		a.perDay = append(a.perDay, dayRow{day: *day, interfaceID: t.str(row, "interface_id"),
			rejects: t.int(row, "rejects"), packets: t.int(row, "packets"), bytes: t.int(row, "bytes")})
	}
	return nil
}

// The slice lengths of denies.csv, longest first: a slice that holds more
// denies than a run may return is exported again in slices of the next.
var sliceUnits = []time.Duration{24 * time.Hour, time.Hour, 5 * time.Minute}

// split cuts a window at the multiples of unit (UTC days, hours, 5 minutes).
func split(w partitions.Window, unit time.Duration) []partitions.Window {
	var out []partitions.Window
	for from := w.From; from.Before(w.To); {
		to := from.Truncate(unit).Add(unit)
		if to.After(w.To) {
			to = w.To
		}
		out = append(out, partitions.Window{From: from, To: to})
		from = to
	}
	return out
}

// exportDenies writes denies.csv: deny-export@1 day by day (a day whose
// count per denies-per-day@1 is above the limit, hour by hour), each row in
// the slice that holds its start, so that a deny spanning a boundary is
// written once; the rows of the slices, one after the other, are the
// query's total order over the whole window.
func (a *auditor) exportDenies(ctx context.Context) error {
	f, err := os.Create(filepath.Join(a.dir, DeniesFile))
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer f.Close()
	d := &denyWriter{a: a, f: f, csv: csv.NewWriter(f), totals: newDenyTotals()}
	perDay := map[time.Time]int64{}
	for _, r := range a.perDay {
		perDay[r.day] += r.rejects
	}
	for _, day := range split(a.window, sliceUnits[0]) {
		level := 0
		if perDay[day.From.Truncate(sliceUnits[0])] > int64(a.opts.MaxSliceRows) {
			level = 1 // planned: no day run that the limit would cut
		}
		if err := d.slices(ctx, split(day, sliceUnits[level]), level); err != nil {
			return err
		}
	}
	if d.cols == nil {
		// Stream hands over the columns even of an empty result: only an
		// empty window, which partitions.NewWindow refuses, has no slice.
		return fmt.Errorf("audit: %s: no slice ran", DenyExport)
	}
	d.csv.Flush()
	if err := d.csv.Error(); err != nil {
		return fmt.Errorf("audit: write %s: %w", DeniesFile, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("audit: write %s: %w", DeniesFile, err)
	}
	a.denies = d.totals
	return nil
}

// errCut is a slice whose run the limit cut.
var errCut = errors.New("cut by the limit")

// denyWriter streams deny-export's rows into denies.csv.
type denyWriter struct {
	a      *auditor
	f      *os.File
	csv    *csv.Writer
	cols   []queries.Column
	idx    denyColumns
	addrs  []int
	totals *denyTotals
	slice  int // slices exported
}

// denyColumns are the indexes of the columns the totals read.
type denyColumns struct{ start, end, account, iface, src, dst, packets, bytes int }

// slices exports each slice, and a slice the limit cut in slices of the
// next unit.
func (d *denyWriter) slices(ctx context.Context, list []partitions.Window, level int) error {
	for _, s := range list {
		err := d.export(ctx, s)
		if errors.Is(err, errCut) {
			if level+1 == len(sliceUnits) {
				return fmt.Errorf("audit: %s: more than %d denies from %s to %s: a slice of %s is the shortest the audit runs, and it will not cut one",
					DenyExport, d.a.opts.MaxSliceRows, s.From.Format(time.RFC3339), s.To.Format(time.RFC3339), sliceUnits[level])
			}
			err = d.slices(ctx, split(s, sliceUnits[level+1]), level+1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// export runs deny-export over one slice and appends its rows; a run the
// limit cut is taken back out of the file and is errCut.
func (d *denyWriter) export(ctx context.Context, s partitions.Window) error {
	a := d.a
	d.csv.Flush()
	if err := d.csv.Error(); err != nil {
		return fmt.Errorf("audit: write %s: %w", DeniesFile, err)
	}
	offset, err := d.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	eng := queries.Engine(narrowed{Engine: a.eng, window: s})
	if a.opts.Slice != nil {
		if eng, err = a.opts.Slice(ctx, s); err != nil {
			return fmt.Errorf("audit: open the engine for %s to %s: %w", s.From.Format(time.RFC3339), s.To.Format(time.RFC3339), err)
		}
		defer eng.Close()
	}
	first := s.From.Equal(a.window.From) // the first slice also holds the denies that began before the window
	totals := newDenyTotals()
	kept := 0
	a.progress("%s: denies from %s to %s", DenyExport, s.From.Format(time.RFC3339), s.To.Format(time.RFC3339))
	purpose := fmt.Sprintf("denies.csv: the denies that start from %s to %s", s.From.Format(time.RFC3339), s.To.Format(time.RFC3339))
	if first {
		purpose = fmt.Sprintf("denies.csv: the denies that start before %s", s.To.Format(time.RFC3339))
	}
	run, err := a.stream(ctx, eng, DenyExport, purpose, map[string]string{"limit": strconv.Itoa(a.opts.MaxSliceRows)}, func(p queries.Page) error {
		if err := d.header(p.Columns); err != nil {
			return err
		}
		for _, row := range p.Rows {
			start, _ := row[d.idx.start].(time.Time)
			if start.IsZero() {
				return fmt.Errorf("a deny without its start time: %v", row)
			}
			if !start.Before(s.To) {
				return fmt.Errorf("a deny that starts at %s, after the slice's end %s", start.Format(time.RFC3339), s.To.Format(time.RFC3339))
			}
			if start.Before(s.From) && !first {
				continue // in the slice before
			}
			totals.add(row, d.idx)
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = textValue(v)
			}
			for _, i := range d.addrs {
				cells[i] = a.red.address(cells[i])
			}
			if err := d.csv.Write(cells); err != nil {
				return err
			}
			kept++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if run.Truncated {
		run.Discarded = true
		d.csv.Flush()
		if err := d.f.Truncate(offset); err != nil {
			return fmt.Errorf("audit: take a cut slice out of %s: %w", DeniesFile, err)
		}
		if _, err := d.f.Seek(offset, io.SeekStart); err != nil {
			return fmt.Errorf("audit: %w", err)
		}
		return errCut
	}
	run.Kept = &kept
	d.totals.merge(totals)
	d.slice++
	return nil
}

// header writes the CSV header from the first slice's columns, and checks
// that every later slice has the same ones.
func (d *denyWriter) header(cols []queries.Column) error {
	if d.cols != nil {
		if !slices.Equal(cols, d.cols) {
			return fmt.Errorf("the columns changed from one slice to the next: %v, then %v", d.cols, cols)
		}
		return nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	find := func(name string) (int, error) {
		if i := slices.Index(names, name); i >= 0 {
			return i, nil
		}
		return 0, fmt.Errorf("no column %s in %v", name, names)
	}
	var err error
	for _, c := range []struct {
		name string
		i    *int
	}{{"start_time", &d.idx.start}, {"end_time", &d.idx.end}, {"account_id", &d.idx.account}, {"interface_id", &d.idx.iface},
		{"srcaddr", &d.idx.src}, {"dstaddr", &d.idx.dst}, {"packets", &d.idx.packets}, {"bytes", &d.idx.bytes}} {
		if *c.i, err = find(c.name); err != nil {
			return err
		}
	}
	if d.a.red != nil {
		d.addrs = addressColumns(names)
	}
	d.cols = cols
	return d.csv.Write(names)
}

// denyTotals are what the denies written add up to.
type denyTotals struct {
	denies, packets, bytes int64
	perDay                 map[time.Time]*DayTotal
	sources, destinations  map[string]struct{}
	interfaces, accounts   map[string]struct{}
	first, last            time.Time // the first deny's start, the last one's end
}

func newDenyTotals() *denyTotals {
	return &denyTotals{perDay: map[time.Time]*DayTotal{}, sources: map[string]struct{}{}, destinations: map[string]struct{}{},
		interfaces: map[string]struct{}{}, accounts: map[string]struct{}{}}
}

func (t *denyTotals) add(row []any, idx denyColumns) {
	start, _ := row[idx.start].(time.Time)
	end, _ := row[idx.end].(time.Time)
	packets, bytes := toInt(row[idx.packets]), toInt(row[idx.bytes])
	t.denies++
	t.packets += packets
	t.bytes += bytes
	day := start.UTC().Truncate(24 * time.Hour)
	dt := t.perDay[day]
	if dt == nil {
		dt = &DayTotal{Day: day.Format(time.DateOnly)}
		t.perDay[day] = dt
	}
	dt.Denies++
	dt.Packets += packets
	dt.Bytes += bytes
	t.sources[toString(row[idx.src])] = struct{}{}
	t.destinations[toString(row[idx.dst])] = struct{}{}
	t.interfaces[toString(row[idx.iface])] = struct{}{}
	t.accounts[toString(row[idx.account])] = struct{}{}
	if t.first.IsZero() || start.Before(t.first) {
		t.first = start
	}
	if end.After(t.last) {
		t.last = end
	}
}

func (t *denyTotals) merge(o *denyTotals) {
	t.denies += o.denies
	t.packets += o.packets
	t.bytes += o.bytes
	for k, v := range o.perDay {
		dt := t.perDay[k]
		if dt == nil {
			t.perDay[k] = v
			continue
		}
		dt.Denies += v.Denies
		dt.Packets += v.Packets
		dt.Bytes += v.Bytes
	}
	for _, m := range [][2]map[string]struct{}{{t.sources, o.sources}, {t.destinations, o.destinations},
		{t.interfaces, o.interfaces}, {t.accounts, o.accounts}} {
		for k := range m[1] {
			m[0][k] = struct{}{}
		}
	}
	if !o.first.IsZero() && (t.first.IsZero() || o.first.Before(t.first)) {
		t.first = o.first
	}
	if o.last.After(t.last) {
		t.last = o.last
	}
}

// crossCheck compares denies.csv with denies-per-day@1, day by day: both
// count the window's denies by the day of their start, so any difference
// is a deny lost or written twice, or data that changed during the audit.
func (a *auditor) crossCheck() error {
	want := map[time.Time]*DayTotal{}
	for _, r := range a.perDay {
		dt := want[r.day]
		if dt == nil {
			dt = &DayTotal{Day: r.day.Format(time.DateOnly)}
			want[r.day] = dt
		}
		dt.Denies += r.rejects
		dt.Packets += r.packets
		dt.Bytes += r.bytes
	}
	got := a.denies.perDay
	for day, w := range want {
		g := got[day]
		if g == nil {
			g = &DayTotal{Day: w.Day}
		}
		if *g != *w {
			return fmt.Errorf("audit: the evidence disagrees on %s: %s holds %d denies (%d packets, %d bytes), %s counts %d (%d packets, %d bytes); did the data change while the audit ran?",
				w.Day, DeniesFile, g.Denies, g.Packets, g.Bytes, DeniesPerDay, w.Denies, w.Packets, w.Bytes)
		}
	}
	for day, g := range got {
		if want[day] == nil {
			return fmt.Errorf("audit: the evidence disagrees on %s: %s holds %d denies, %s counts none; did the data change while the audit ran?",
				g.Day, DeniesFile, g.Denies, DeniesPerDay)
		}
	}
	return nil
}
