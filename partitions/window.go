package partitions

import (
	"fmt"
	"slices"
	"time"
)

// How far a record can sit from its file's time.
//
// AWS files each record by the 5-minute delivery window that holds the record's
// end time (the file 20180620T1620Z holds records ending 16:20:00–16:24:59), and
// a record's end is at most one aggregation interval (10 minutes at most) after
// its start. A record overlaps the window [From, To) when end >= From and
// start < To, so:
//   - its file time is at least From minus one delivery window (the window that
//     holds From may start before it): SlackBefore = 5 min;
//   - its file time is before To plus the longest aggregation interval plus one
//     delivery window (AWS's wording also allows the window's end as the stamp):
//     SlackAfter = 15 min.
//
// Partition predicates and file selection are widened by these; the exact window
// is then applied to start and end.
const (
	DeliveryWindow = 5 * time.Minute
	MaxAggregation = 10 * time.Minute
	SlackBefore    = DeliveryWindow
	SlackAfter     = MaxAggregation + DeliveryWindow
)

// Window is a half-open time range [From, To).
type Window struct {
	From, To time.Time
}

// NewWindow checks that from is before to.
func NewWindow(from, to time.Time) (Window, error) {
	if !from.Before(to) {
		return Window{}, fmt.Errorf("time window: from %s is not before to %s", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	return Window{From: from.UTC(), To: to.UTC()}, nil
}

// fileSpan is the range of file times that can hold records of the window.
func (w Window) fileSpan() (lo, hi time.Time) {
	return w.From.Add(-SlackBefore), w.To.Add(SlackAfter)
}

// SelectsFile reports whether a file with this time can hold records that
// overlap the window.
func (w Window) SelectsFile(fileTime time.Time) bool {
	lo, hi := w.fileSpan()
	return !fileTime.Before(lo) && fileTime.Before(hi)
}

// Selects reports whether an object can hold records that overlap the window:
// a delivered file by its time, a folder's cache file by its folder.
func (w Window) Selects(o Object) bool {
	if !o.IsFolderCache() {
		return w.SelectsFile(o.Time)
	}
	lo, hi := w.fileSpan()
	start := o.Layout.FolderStart(o.Time)
	return start.Before(hi) && o.Layout.next(start).After(lo)
}

// Folders lists the start times of the layout's folders (days or hours) that can
// hold records of the window, ascending.
func (l Layout) Folders(w Window) []time.Time {
	lo, hi := w.fileSpan()
	var out []time.Time
	for t := l.FolderStart(lo); t.Before(hi); t = l.next(t) {
		out = append(out, t)
	}
	return out
}

func (l Layout) next(t time.Time) time.Time {
	if l.PerHour {
		return t.Add(time.Hour)
	}
	return t.AddDate(0, 0, 1)
}

// Prefixes lists the key prefixes to read for the window, for each account and
// region, below root ("" or ending in "/").
func (l Layout) Prefixes(root string, accounts, regions []string, w Window) []string {
	var out []string
	for _, a := range accounts {
		for _, r := range regions {
			for _, t := range l.Folders(w) {
				out = append(out, l.Folder(root, a, r, t))
			}
		}
	}
	return out
}

// Cond is one condition on a partition column: Lo <= column <= Hi, or
// column = Lo when Lo == Hi. Values are zero-padded strings, so string order is
// time order.
type Cond struct {
	Column string
	Lo, Hi string
}

// Term is a conjunction of conditions.
type Term []Cond

// Filter is a disjunction of terms: the partition predicate of a window.
type Filter []Term

// Filter is the partition predicate that selects the window's folders: a few
// ranges instead of a list of every folder. It starts from one term a folder,
// each time column equal to the folder's value, and from the last time column
// to the first merges neighbouring terms that differ only in that column into
// a range; a range over all of a column's values (the hours 00 to 23 of a day)
// then loses its condition, so that such terms merge at the column before.
// So whole days of an hourly layout lose their hour condition, runs of whole
// days merge into one day range (within a month for the Hive layout, whose day
// column is only dd), and in the Hive layout a whole month of 31 days loses its
// day condition. The layout's time columns run from the coarsest to the finest.
func (l Layout) Filter(w Window) Filter {
	var cols []Column
	for _, c := range l.def().columns {
		if c.Kind == Time {
			cols = append(cols, c)
		}
	}
	var f Filter
	for _, t := range l.Folders(w) {
		term := make(Term, len(cols))
		for i, c := range cols {
			v := c.Value("", "", t)
			term[i] = Cond{Column: c.Name, Lo: v, Hi: v}
		}
		f = append(f, term)
	}
	// The folders are consecutive, so neighbouring terms are too.
	for k := len(cols) - 1; k >= 0; k-- {
		merged := f[:0]
		for _, term := range f {
			if n := len(merged); n > 0 && len(term) == k+1 && len(merged[n-1]) == k+1 && slices.Equal(merged[n-1][:k], term[:k]) {
				merged[n-1][k].Hi = term[k].Hi
				continue
			}
			merged = append(merged, term)
		}
		f = merged
		for i, term := range f {
			// The first time column stays, so that no term is empty.
			if k > 0 && len(term) == k+1 && cols[k].whole(term[k]) {
				f[i] = term[:k]
			}
		}
	}
	return f
}

// whole reports whether a condition on the column admits every value its
// projection enumerates (an integer column's whole range), so that leaving it
// out selects the same folders.
func (c Column) whole(cond Cond) bool {
	pr := c.Projection
	pad := func(n int) string { return fmt.Sprintf("%0*d", pr.Digits, n) }
	return pr.Type == "integer" && cond.Lo == pad(pr.Min) && cond.Hi == pad(pr.Max)
}

// Matches reports whether partition values (column name → value) satisfy the
// filter. The local engine uses it to prune files before opening them.
func (f Filter) Matches(values map[string]string) bool {
	for _, term := range f {
		ok := true
		for _, c := range term {
			v, has := values[c.Column]
			if !has || v < c.Lo || v > c.Hi {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
