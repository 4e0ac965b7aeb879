package partitions

import (
	"fmt"
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
// ranges instead of a list of every folder. Whole days of an hourly layout lose
// their hour condition, and runs of whole days merge into one day range (within
// a month for the Hive layout, whose day column is only dd).
func (l Layout) Filter(w Window) Filter {
	type dayRun struct {
		first, last time.Time // days
		hourLo      int
		hourHi      int
		whole       bool
	}
	var days []dayRun
	for _, t := range l.Folders(w) {
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		h := t.Hour()
		if n := len(days); n > 0 && days[n-1].last.Equal(d) {
			days[n-1].hourHi = h
			continue
		}
		days = append(days, dayRun{first: d, last: d, hourLo: h, hourHi: h})
	}
	for i := range days {
		days[i].whole = !l.PerHour || (days[i].hourLo == 0 && days[i].hourHi == 23)
	}
	// Merge runs of whole days.
	var runs []dayRun
	for _, d := range days {
		if n := len(runs); n > 0 && d.whole && runs[n-1].whole &&
			runs[n-1].last.AddDate(0, 0, 1).Equal(d.first) &&
			(!l.Hive || runs[n-1].last.Month() == d.first.Month()) {
			runs[n-1].last = d.first
			continue
		}
		runs = append(runs, d)
	}
	var f Filter
	for _, r := range runs {
		var term Term
		if l.Hive {
			term = append(term,
				Cond{"year", r.first.Format("2006"), r.first.Format("2006")},
				Cond{"month", r.first.Format("01"), r.first.Format("01")},
				Cond{"day", r.first.Format("02"), r.last.Format("02")})
		} else {
			term = append(term, Cond{"day", r.first.Format("2006/01/02"), r.last.Format("2006/01/02")})
		}
		if !r.whole {
			term = append(term, Cond{"hour", fmt.Sprintf("%02d", r.hourLo), fmt.Sprintf("%02d", r.hourHi)})
		}
		f = append(f, term)
	}
	return f
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
