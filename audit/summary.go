package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"time"

	"github.com/flowq/flowq/queries"
)

// Summary is summary.json: what the window's denies add up to, and how
// complete the logs behind them are. The totals are denies.csv's (Write
// checks them against denies-per-day@1); the rankings and the coverage are
// their queries' answers. In a redacted pack the addresses are keyed hashes.
type Summary struct {
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	Redacted bool      `json:"redacted"`

	Denies       int64 `json:"denies"`
	Packets      int64 `json:"packets"`
	Bytes        int64 `json:"bytes"`
	Sources      int   `json:"sources"`      // distinct source addresses of the denies
	Destinations int   `json:"destinations"` // distinct destination addresses
	Interfaces   int   `json:"interfaces"`   // distinct interfaces that rejected
	Accounts     int   `json:"accounts"`
	// FirstDeny is the first deny's start, LastDeny the last one's end.
	FirstDeny *time.Time `json:"first_deny"`
	LastDeny  *time.Time `json:"last_deny"`

	// PerDay is the denies by the UTC day of their start (a deny that began
	// before the window, and reaches into it, counts on its own day).
	PerDay []DayTotal `json:"per_day"`

	TopSources      []SourceRank      `json:"top_sources"`
	TopDestinations []DestinationRank `json:"top_destinations"`
	TopPorts        []PortRank        `json:"top_ports"`
	TopInterfaces   []InterfaceRank   `json:"top_interfaces"`

	Coverage Coverage `json:"coverage"`
}

// DayTotal is the denies of one UTC day.
type DayTotal struct {
	Day     string `json:"day"` // YYYY-MM-DD
	Denies  int64  `json:"denies"`
	Packets int64  `json:"packets"`
	Bytes   int64  `json:"bytes"`
}

// SourceRank is a row of top-rejected-sources@1.
type SourceRank struct {
	Address      string `json:"srcaddr"`
	Rejects      int64  `json:"rejects"`
	Packets      int64  `json:"packets"`
	Destinations int64  `json:"destinations"`
	Ports        int64  `json:"ports"`
}

// DestinationRank is a row of top-rejected-destinations@2.
type DestinationRank struct {
	Address       string `json:"dstaddr"`
	Rejects       int64  `json:"rejects"`
	Packets       int64  `json:"packets"`
	SourcesApprox int64  `json:"sources_approx"`
}

// PortRank is a row of top-rejected-ports@1.
type PortRank struct {
	Address  string `json:"dstaddr"`
	Port     int64  `json:"dstport"`
	Protocol int64  `json:"protocol"`
	Rejects  int64  `json:"rejects"`
	Sources  int64  `json:"sources"`
	Packets  int64  `json:"packets"`
}

// InterfaceRank is a row of interface-rejects@1; Direction is empty before
// flow-direction (v5).
type InterfaceRank struct {
	InterfaceID  string `json:"interface_id"`
	Direction    string `json:"direction"`
	Rejects      int64  `json:"rejects"`
	Packets      int64  `json:"packets"`
	Sources      int64  `json:"sources"`
	Destinations int64  `json:"destinations"`
}

// Coverage is whether the interfaces were logged all along
// (logging-coverage@1) and when records were missing or lost
// (nodata-skipdata@1). Each gap and each SKIPDATA run is a time the log is
// incomplete.
type Coverage struct {
	Gap        string        `json:"gap"` // a silence longer than this is a gap
	Interfaces int           `json:"interfaces"`
	Records    int64         `json:"records"`
	NoData     int64         `json:"nodata_records"`
	SkipData   int64         `json:"skipdata_records"`
	Gaps       int64         `json:"gaps"`
	GapSeconds int64         `json:"gap_seconds"`
	PerDay     []CoverageDay `json:"per_day"`
	// GapDays are the interface-days with a gap, in order of day and interface.
	GapDays []GapDay `json:"gap_days"`
	// SkipDataRuns are every run of SKIPDATA records: records lost.
	SkipDataRuns []StatusRun `json:"skipdata_runs"`
	// NoDataRuns and NoDataSeconds sum the NODATA runs: intervals in which
	// an interface saw no traffic.
	NoDataRuns    int   `json:"nodata_runs"`
	NoDataSeconds int64 `json:"nodata_seconds"`
}

// CoverageDay is the coverage of one UTC day, over its interfaces.
type CoverageDay struct {
	Day        string `json:"day"`
	Interfaces int    `json:"interfaces"`
	Records    int64  `json:"records"`
	NoData     int64  `json:"nodata_records"`
	SkipData   int64  `json:"skipdata_records"`
	Gaps       int64  `json:"gaps"`
	GapSeconds int64  `json:"gap_seconds"`
}

// GapDay is an interface's gaps on a day.
type GapDay struct {
	Day          string     `json:"day"`
	InterfaceID  string     `json:"interface_id"`
	Gaps         int64      `json:"gaps"`
	GapSeconds   int64      `json:"gap_seconds"`
	Longest      int64      `json:"longest_gap_seconds"`
	FirstGapFrom *time.Time `json:"first_gap_from"`
}

// StatusRun is a run of NODATA or SKIPDATA records of an interface.
type StatusRun struct {
	InterfaceID string     `json:"interface_id"`
	Status      string     `json:"log_status"`
	From        *time.Time `json:"from"`
	To          *time.Time `json:"to"`
	Records     int64      `json:"records"`
	Seconds     int64      `json:"seconds"`
}

// rankings runs the rankings and the coverage, and makes the summary with
// denies.csv's totals.
func (a *auditor) rankings(ctx context.Context) (*Summary, error) {
	d := a.denies
	s := &Summary{From: a.window.From, To: a.window.To, Redacted: a.red != nil,
		Denies: d.denies, Packets: d.packets, Bytes: d.bytes,
		Sources: len(d.sources), Destinations: len(d.destinations), Interfaces: len(d.interfaces), Accounts: len(d.accounts),
		PerDay: []DayTotal{}}
	if !d.first.IsZero() {
		first, last := d.first, d.last
		s.FirstDeny, s.LastDeny = &first, &last
	}
	for _, day := range slices.SortedFunc(maps.Keys(d.perDay), time.Time.Compare) {
		s.PerDay = append(s.PerDay, *d.perDay[day])
	}
	top := map[string]string{"limit": strconv.Itoa(a.opts.Top)}

	a.progress("%s, %s, %s, %s: the rankings", TopRejectedSources, TopRejectedDestinations, TopRejectedPorts, InterfaceRejects)
	t, err := a.collect(ctx, TopRejectedSources, "summary.json top_sources", top, true)
	if err != nil {
		return nil, err
	}
	s.TopSources = []SourceRank{}
	for _, r := range t.rows {
		s.TopSources = append(s.TopSources, SourceRank{Address: a.red.address(t.str(r, "srcaddr")), Rejects: t.int(r, "rejects"),
			Packets: t.int(r, "packets"), Destinations: t.int(r, "destinations"), Ports: t.int(r, "ports")})
	}
	if t, err = a.collect(ctx, TopRejectedDestinations, "summary.json top_destinations", top, true); err != nil {
		return nil, err
	}
	s.TopDestinations = []DestinationRank{}
	for _, r := range t.rows {
		s.TopDestinations = append(s.TopDestinations, DestinationRank{Address: a.red.address(t.str(r, "dstaddr")), Rejects: t.int(r, "rejects"),
			Packets: t.int(r, "packets"), SourcesApprox: t.int(r, "sources_approx")})
	}
	if t, err = a.collect(ctx, TopRejectedPorts, "summary.json top_ports", top, true); err != nil {
		return nil, err
	}
	s.TopPorts = []PortRank{}
	for _, r := range t.rows {
		s.TopPorts = append(s.TopPorts, PortRank{Address: a.red.address(t.str(r, "dstaddr")), Port: t.int(r, "dstport"),
			Protocol: t.int(r, "protocol"), Rejects: t.int(r, "rejects"), Sources: t.int(r, "sources"), Packets: t.int(r, "packets")})
	}
	if t, err = a.collect(ctx, InterfaceRejects, "summary.json top_interfaces", top, true); err != nil {
		return nil, err
	}
	s.TopInterfaces = []InterfaceRank{}
	for _, r := range t.rows {
		s.TopInterfaces = append(s.TopInterfaces, InterfaceRank{InterfaceID: t.str(r, "interface_id"), Direction: t.str(r, "direction"),
			Rejects: t.int(r, "rejects"), Packets: t.int(r, "packets"), Sources: t.int(r, "sources"), Destinations: t.int(r, "destinations")})
	}
	if err := a.coverage(ctx, s); err != nil {
		return nil, err
	}
	return s, nil
}

// coverageGap is logging-coverage@1's gap parameter: its default, written
// here so that the manifest and the page say it whatever the default
// becomes.
const coverageGap = "15m"

func (a *auditor) coverage(ctx context.Context, s *Summary) error {
	a.progress("%s, %s: the logging coverage", LoggingCoverage, NodataSkipdata)
	t, err := a.collect(ctx, LoggingCoverage, "summary.json coverage",
		map[string]string{"gap": coverageGap, "limit": strconv.Itoa(queries.MaxLimit)}, false)
	if err != nil {
		return err
	}
	c := Coverage{Gap: coverageGap, PerDay: []CoverageDay{}, GapDays: []GapDay{}, SkipDataRuns: []StatusRun{}}
	interfaces := map[string]bool{}
	days := map[string]*CoverageDay{}
	var order []string
	for _, r := range t.rows {
		day := ""
		if d := t.time(r, "day"); d != nil {
			day = d.Format(time.DateOnly)
		}
		cd := days[day]
		if cd == nil {
			cd = &CoverageDay{Day: day}
			days[day] = cd
			order = append(order, day)
		}
		iface := t.str(r, "interface_id")
		interfaces[iface] = true
		cd.Interfaces++
		for _, f := range []struct {
			col      string
			day, all *int64
		}{{"records", &cd.Records, &c.Records}, {"nodata", &cd.NoData, &c.NoData}, {"skipdata", &cd.SkipData, &c.SkipData},
			{"gaps", &cd.Gaps, &c.Gaps}, {"gap_seconds", &cd.GapSeconds, &c.GapSeconds}} {
			v := t.int(r, f.col)
			*f.day += v
			*f.all += v
		}
		if gaps := t.int(r, "gaps"); gaps > 0 {
			c.GapDays = append(c.GapDays, GapDay{Day: day, InterfaceID: iface, Gaps: gaps, GapSeconds: t.int(r, "gap_seconds"),
				Longest: t.int(r, "longest_gap_seconds"), FirstGapFrom: t.time(r, "first_gap_from")})
		}
	}
	slices.Sort(order)
	for _, day := range order {
		c.PerDay = append(c.PerDay, *days[day])
	}
	c.Interfaces = len(interfaces)

	if t, err = a.collect(ctx, NodataSkipdata, "summary.json coverage: NODATA and SKIPDATA runs", map[string]string{}, false); err != nil {
		return err
	}
	for _, r := range t.rows {
		run := StatusRun{InterfaceID: t.str(r, "interface_id"), Status: t.str(r, "log_status"), From: t.time(r, "run_start"),
			To: t.time(r, "run_end"), Records: t.int(r, "records"), Seconds: t.int(r, "seconds")}
		switch run.Status {
		case "SKIPDATA":
			c.SkipDataRuns = append(c.SkipDataRuns, run)
		case "NODATA":
			c.NoDataRuns++
			c.NoDataSeconds += run.Seconds
		}
	}
	s.Coverage = c
	return nil
}

// writeJSON writes v as indented JSON, ending in a newline.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
