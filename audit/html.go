package audit

import (
	_ "embed"
	"fmt"
	"html/template"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flowq/flowq/flowlog"
)

// chartJS is Chart.js's browser build, vendored (assets/README.md says from
// where), inlined in every page so that it draws with no network fetch.
//
//go:embed assets/chart.umd.min.js
var chartJS string

// chartVersion is the vendored Chart.js's version.
const chartVersion = "4.6.1"

//go:embed report.html.tmpl
var reportTemplate string

var reportPage = template.Must(template.New("report").Funcs(template.FuncMap{
	"num":   func(n any) string { return groupDigits(toInt(n)) },
	"size":  byteSize,
	"time":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"ptime": formatTimePtr,
	"dur":   func(s int64) string { return (time.Duration(s) * time.Second).String() },
	"proto": protocolName,
}).Parse(reportTemplate))

// reportData is what the page shows.
type reportData struct {
	S            *Summary
	M            *Manifest
	ChartJS      template.JS
	ChartVersion string
	Charts       chartData
	Methods      []methodRow
	MaxListed    int
	CheckQuery   string   // the query denies.csv's totals are checked against
	Formats      []string // the data's formats, in short
}

// chartData is the charts' data, which the page's script reads as JSON.
type chartData struct {
	PerDay       series `json:"perDay"`
	Sources      series `json:"sources"`
	Destinations series `json:"destinations"`
	Ports        series `json:"ports"`
	Interfaces   series `json:"interfaces"`
	Coverage     series `json:"coverage"`
}

// series is a chart's labels and its datasets' values, by name.
type series struct {
	Labels []string           `json:"labels"`
	Values map[string][]int64 `json:"values"`
}

// methodRow is one query of the method: every run of it together.
type methodRow struct {
	Query, SQLSHA256, Params, Purpose string
	Runs, Rows                        int
	ExecutionIDs                      []string
	Scanned                           int64
}

// maxListed is how many gaps and SKIPDATA runs the page lists (summary.json
// has them all).
const maxListed = 200

// writeReport writes report.html.
func writeReport(path string, s *Summary, m *Manifest) error {
	d := reportData{S: s, M: m, ChartJS: template.JS(chartJS), ChartVersion: chartVersion, MaxListed: maxListed, CheckQuery: DeniesPerDay}
	c := &d.Charts
	c.PerDay = series{Values: map[string][]int64{"denies": {}}}
	for _, day := range s.PerDay {
		c.PerDay.Labels = append(c.PerDay.Labels, day.Day)
		c.PerDay.Values["denies"] = append(c.PerDay.Values["denies"], day.Denies)
	}
	c.Sources = series{Values: map[string][]int64{"rejects": {}}}
	for _, r := range s.TopSources {
		c.Sources.Labels = append(c.Sources.Labels, r.Address)
		c.Sources.Values["rejects"] = append(c.Sources.Values["rejects"], r.Rejects)
	}
	c.Destinations = series{Values: map[string][]int64{"rejects": {}}}
	for _, r := range s.TopDestinations {
		c.Destinations.Labels = append(c.Destinations.Labels, r.Address)
		c.Destinations.Values["rejects"] = append(c.Destinations.Values["rejects"], r.Rejects)
	}
	c.Ports = series{Values: map[string][]int64{"rejects": {}}}
	for _, r := range s.TopPorts {
		c.Ports.Labels = append(c.Ports.Labels, portLabel(r))
		c.Ports.Values["rejects"] = append(c.Ports.Values["rejects"], r.Rejects)
	}
	c.Interfaces = series{Values: map[string][]int64{"rejects": {}}}
	for _, r := range s.TopInterfaces {
		label := r.InterfaceID
		if r.Direction != "" {
			label += " (" + r.Direction + ")"
		}
		c.Interfaces.Labels = append(c.Interfaces.Labels, label)
		c.Interfaces.Values["rejects"] = append(c.Interfaces.Values["rejects"], r.Rejects)
	}
	c.Coverage = series{Values: map[string][]int64{"nodata": {}, "skipdata": {}, "gaps": {}}}
	for _, day := range s.Coverage.PerDay {
		c.Coverage.Labels = append(c.Coverage.Labels, day.Day)
		c.Coverage.Values["nodata"] = append(c.Coverage.Values["nodata"], day.NoData)
		c.Coverage.Values["skipdata"] = append(c.Coverage.Values["skipdata"], day.SkipData)
		c.Coverage.Values["gaps"] = append(c.Coverage.Values["gaps"], day.Gaps)
	}
	for _, series := range []*series{&c.PerDay, &c.Sources, &c.Destinations, &c.Ports, &c.Interfaces, &c.Coverage} {
		if series.Labels == nil {
			series.Labels = []string{}
		}
	}
	d.Methods = methods(m.Queries)
	for _, f := range m.Engine.Formats {
		d.Formats = append(d.Formats, formatLabel(f))
	}

	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	if err := reportPage.Execute(f, d); err != nil {
		f.Close()
		return fmt.Errorf("audit: write %s: %w", ReportFile, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("audit: write %s: %w", ReportFile, err)
	}
	return nil
}

// methods groups the runs by query, in the order they first ran.
func methods(runs []QueryRun) []methodRow {
	var out []methodRow
	for _, r := range runs {
		i := slices.IndexFunc(out, func(m methodRow) bool { return m.Query == r.Query })
		if i < 0 {
			var params []string
			for _, k := range slices.Sorted(maps.Keys(r.Params)) {
				if k == "limit" && r.Query == DenyExport {
					params = append(params, k+"="+r.Params[k]+" (a slice)")
					continue
				}
				params = append(params, k+"="+r.Params[k])
			}
			purpose := r.Purpose
			if r.Query == DenyExport {
				purpose = "denies.csv, slice by slice of the window"
			}
			out = append(out, methodRow{Query: r.Query, SQLSHA256: r.SQLSHA256, Params: strings.Join(params, ", "), Purpose: purpose})
			i = len(out) - 1
		}
		m := &out[i]
		m.Runs++
		switch {
		case r.Discarded:
		case r.Kept != nil:
			m.Rows += *r.Kept
		default:
			m.Rows += r.Rows
		}
		if r.ExecutionID != "" {
			m.ExecutionIDs = append(m.ExecutionIDs, r.ExecutionID)
		}
		m.Scanned += r.ScannedBytes
	}
	return out
}

func portLabel(p PortRank) string {
	addr := p.Address
	if strings.Contains(addr, ":") {
		addr = "[" + addr + "]"
	}
	return fmt.Sprintf("%s:%d/%s", addr, p.Port, protocolName(p.Protocol))
}

// protocolName is an IP protocol's usual name, or its number.
func protocolName(p int64) string {
	switch p {
	case 1:
		return "icmp"
	case 6:
		return "tcp"
	case 17:
		return "udp"
	case 58:
		return "icmpv6"
	}
	return strconv.FormatInt(p, 10)
}

// groupDigits writes n with commas between groups of three digits.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// byteSize is a size in B, kB, MB, GB… (powers of 1000, as Athena bills).
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

func formatTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// formatLabel is a flow-log format in short: its version and fields.
func formatLabel(format string) string {
	f, err := flowlog.ParseFormat(format)
	if err != nil {
		return format
	}
	return fmt.Sprintf("v%d format, %d fields", f.Version(), f.Len())
}
