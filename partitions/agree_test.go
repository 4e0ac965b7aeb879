package partitions_test

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/partitions"
)

// TestLayoutsAgree holds each layout's one definition to itself, for every
// layout and every partition column, at times that stress the formats (single
// digits, a leap day, the last folder of a year and the first of the next):
//   - the key Folder writes parses back (ParseKey) to the same object, with the
//     same partition values;
//   - the location template, each column's value put in, is that folder, and
//     names each column once;
//   - the projection properties admit every value: a listed account or region,
//     an integer in range with its digits, a date in range in its format, on a
//     step of its interval;
//   - the local engine's ways to a value agree: from the parts of the file
//     name's time, and from each part's strftime conversion;
//   - the folder covers exactly Unit from FolderStart, and the window's
//     partition predicate selects the folder's values.
//
// A new layout is tested by adding its definition.
func TestLayoutsAgree(t *testing.T) {
	const root = "s3://amzn-s3-demo-bucket/prefix/"
	times := []time.Time{
		time.Date(2018, 6, 20, 16, 20, 0, 0, time.UTC),
		time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2025, 12, 31, 23, 55, 0, 0, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 9, 9, 9, 5, 0, 0, time.UTC),
	}
	opts := partitions.ProjectionOptions{
		Accounts: []string{"111122223333", "123456789012"}, Regions: []string{"us-east-1", "eu-west-1"},
		Since: time.Date(2018, 3, 1, 0, 0, 0, 0, time.UTC),
	}
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // what NOW is in the projection's ranges
	for _, l := range partitions.Layouts() {
		t.Run(l.String(), func(t *testing.T) {
			cols := l.Columns()
			props := l.ProjectionProperties(root, opts)
			template := props["storage.location.template"]
			if template != l.LocationTemplate(root) || props["projection.enabled"] != "true" {
				t.Fatalf("template %q, enabled %q", template, props["projection.enabled"])
			}
			checkPropertyNames(t, props, cols)
			for _, c := range cols {
				if n := strings.Count(template, "${"+c.Name+"}"); n != 1 {
					t.Errorf("the template %s names %s %d times", template, c.Name, n)
				}
			}
			injected := l.ProjectionProperties(root, partitions.ProjectionOptions{Injected: true, Since: opts.Since})
			for _, c := range cols {
				typ := injected["projection."+c.Name+".type"]
				if (c.Kind != partitions.Time) != (typ == "injected") {
					t.Errorf("injected table: %s has type %s", c.Name, typ)
				}
			}

			for _, tm := range times {
				o := partitions.Object{Root: root, Layout: l, Account: "123456789012", Region: "eu-west-1",
					FlowLogID: "fl-0a1b2c3d", Time: tm, Hash: "fe123456", Format: partitions.Text}
				folder := l.Folder(root, o.Account, o.Region, tm)
				values := o.Values()

				back, err := partitions.ParseKey(o.Key())
				if err != nil || back != o {
					t.Fatalf("%s: ParseKey(%s) = %+v, %v", tm, o.Key(), back, err)
				}
				if got := back.ValueMap(); !maps.Equal(got, valueMap(cols, values)) {
					t.Errorf("%s: the parsed key's values %v, want %v", tm, got, values)
				}

				loc := template
				for i, c := range cols {
					loc = strings.ReplaceAll(loc, "${"+c.Name+"}", values[i])
				}
				if loc != folder {
					t.Errorf("%s: the template gives %s, Folder %s", tm, loc, folder)
				}

				nameTime := tm.Format("20060102T1504Z")
				for i, c := range cols {
					checkProjected(t, props, c.Name, values[i], now)
					if c.Kind != partitions.Time {
						if len(c.Parts()) != 0 {
							t.Errorf("%s has time parts", c.Name)
						}
						continue
					}
					var fromName, strftime strings.Builder
					for _, p := range c.Parts() {
						if p.Literal != "" {
							fromName.WriteString(p.Literal)
							strftime.WriteString(p.Literal)
							continue
						}
						start, end := p.Field.InName()
						fromName.WriteString(nameTime[start:end])
						strftime.WriteString(strftimeGo.Replace(p.Field.Strftime))
					}
					if fromName.String() != values[i] {
						t.Errorf("%s: %s from the name's time %s is %s, want %s", tm, c.Name, nameTime, fromName.String(), values[i])
					}
					if got := tm.Format(strftime.String()); got != values[i] {
						t.Errorf("%s: %s by strftime is %s, want %s", tm, c.Name, got, values[i])
					}
				}

				start := l.FolderStart(tm)
				if l.Folder(root, o.Account, o.Region, start) != folder ||
					l.Folder(root, o.Account, o.Region, start.Add(l.Unit()-time.Nanosecond)) != folder ||
					l.Folder(root, o.Account, o.Region, start.Add(-time.Nanosecond)) == folder ||
					l.Folder(root, o.Account, o.Region, start.Add(l.Unit())) == folder {
					t.Errorf("%s: folder %s does not span %s from %s", tm, folder, l.Unit(), start)
				}
				w, _ := partitions.NewWindow(start.Add(10*time.Minute), start.Add(20*time.Minute))
				if !l.Filter(w).Matches(o.ValueMap()) {
					t.Errorf("%s: the window's predicate does not select its folder's values %v", tm, values)
				}
			}
		})
	}
}

// strftimeGo reads strftime's conversions (C, DuckDB's strftime, Trino's
// date_format) as Go layouts.
var strftimeGo = strings.NewReplacer("%Y", "2006", "%m", "01", "%d", "02", "%H", "15")

func valueMap(cols []partitions.Column, values []string) map[string]string {
	m := map[string]string{}
	for i, c := range cols {
		m[c.Name] = values[i]
	}
	return m
}

// checkPropertyNames: every projection property is one Athena defines for its
// column's projection type, of a column of the layout.
func checkPropertyNames(t *testing.T, props map[string]string, cols []partitions.Column) {
	t.Helper()
	allowed := map[string][]string{
		"enum":     {"type", "values"},
		"injected": {"type"},
		"integer":  {"type", "range", "digits"},
		"date":     {"type", "format", "range", "interval", "interval.unit"},
	}
	for k := range props {
		rest, ok := strings.CutPrefix(k, "projection.")
		if !ok || k == "projection.enabled" {
			continue
		}
		i := slices.IndexFunc(cols, func(c partitions.Column) bool { return strings.HasPrefix(rest, c.Name+".") })
		if i < 0 {
			t.Errorf("property %s names no partition column", k)
			continue
		}
		prefix := "projection." + cols[i].Name + "."
		if !slices.Contains(allowed[props[prefix+"type"]], strings.TrimPrefix(k, prefix)) {
			t.Errorf("property %s is not one of a %q projection's", k, props[prefix+"type"])
		}
	}
}

// checkProjected: Athena's projection of the column, as its properties say,
// yields value. now stands for NOW.
func checkProjected(t *testing.T, props map[string]string, column, value string, now time.Time) {
	t.Helper()
	p := "projection." + column + "."
	lo, hi, _ := strings.Cut(props[p+"range"], ",")
	switch typ := props[p+"type"]; typ {
	case "enum":
		if !slices.Contains(strings.Split(props[p+"values"], ","), value) {
			t.Errorf("%s = %s: not in values %s", column, value, props[p+"values"])
		}
	case "integer":
		n, err := strconv.Atoi(value)
		a, _ := strconv.Atoi(lo)
		b, _ := strconv.Atoi(hi)
		if err != nil || n < a || n > b || props[p+"digits"] != strconv.Itoa(len(value)) {
			t.Errorf("%s = %s: not an integer of %s digits in %s", column, value, props[p+"digits"], props[p+"range"])
		}
	case "date":
		// Java's DateTimeFormatter letters, as Go layouts.
		layout := strings.NewReplacer("yyyy", "2006", "MM", "01", "dd", "02", "HH", "15").Replace(props[p+"format"])
		v, err := time.Parse(layout, value)
		from, ferr := time.Parse(layout, lo)
		if err != nil || ferr != nil || hi != "NOW" || v.Before(from) || v.After(now) || v.Format(layout) != value {
			t.Errorf("%s = %s: not a date %s in %s", column, value, props[p+"format"], props[p+"range"])
			return
		}
		step, _ := strconv.Atoi(props[p+"interval"])
		d := from
		for d.Before(v) {
			switch props[p+"interval.unit"] {
			case "DAYS":
				d = d.AddDate(0, 0, step)
			case "YEARS":
				d = d.AddDate(step, 0, 0)
			default:
				t.Fatalf("%s: interval unit %q", column, props[p+"interval.unit"])
			}
		}
		if !d.Equal(v) {
			t.Errorf("%s = %s: not a step of %s %s from %s", column, value, props[p+"interval"], props[p+"interval.unit"], lo)
		}
	default:
		t.Errorf("%s: projection type %q", column, typ)
	}
}
