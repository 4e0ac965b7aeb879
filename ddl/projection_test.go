package ddl

import (
	"context"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/sample"
)

// project does what Athena does with a table's projection properties: every
// combination of the projected values, each with the location the template
// gives it. now stands for NOW.
func project(t *testing.T, params map[string]string, keys []Column, now time.Time) map[string]map[string]string {
	t.Helper()
	values := map[string][]string{}
	for _, k := range keys {
		p := "projection." + k.Name + "."
		switch params[p+"type"] {
		case "enum":
			values[k.Name] = strings.Split(params[p+"values"], ",")
		case "integer":
			lo, hi, _ := strings.Cut(params[p+"range"], ",")
			a, _ := strconv.Atoi(lo)
			b, _ := strconv.Atoi(hi)
			digits, _ := strconv.Atoi(params[p+"digits"])
			for n := a; n <= b; n++ {
				s := strconv.Itoa(n)
				for len(s) < digits {
					s = "0" + s
				}
				values[k.Name] = append(values[k.Name], s)
			}
		case "date":
			layout := strings.NewReplacer("yyyy", "2006", "MM", "01", "dd", "02").Replace(params[p+"format"])
			lo, hi, _ := strings.Cut(params[p+"range"], ",")
			from, err := time.Parse(layout, lo)
			if err != nil || hi != "NOW" {
				t.Fatalf("%s range %q", k.Name, params[p+"range"])
			}
			for d := from; !d.After(now); {
				values[k.Name] = append(values[k.Name], d.Format(layout))
				switch params[p+"interval.unit"] {
				case "DAYS":
					d = d.AddDate(0, 0, 1)
				case "YEARS":
					d = d.AddDate(1, 0, 0)
				default:
					t.Fatalf("%s interval unit %q", k.Name, params[p+"interval.unit"])
				}
			}
		default:
			t.Fatalf("partition %s has projection type %q", k.Name, params[p+"type"])
		}
	}
	out := map[string]map[string]string{}
	var walk func(i int, chosen map[string]string)
	walk = func(i int, chosen map[string]string) {
		if i == len(keys) {
			loc := params["storage.location.template"]
			m := map[string]string{}
			for k, v := range chosen {
				loc = strings.ReplaceAll(loc, "${"+k+"}", v)
				m[k] = v
			}
			if _, dup := out[loc]; dup {
				t.Fatalf("two partitions project to %s", loc)
			}
			out[loc] = m
			return
		}
		for _, v := range values[keys[i].Name] {
			chosen[keys[i].Name] = v
			walk(i+1, chosen)
		}
		delete(chosen, keys[i].Name)
	}
	walk(0, map[string]string{})
	return out
}

// TestProjectionMatchesSample: the table for
//
//	flowq ddl --format v5 --location s3://b/p/ --layout hive --per-hour \
//	  --accounts 111122223333 --regions us-east-1,eu-west-1
//
// projects to exactly the folders flowq sample --layout hive --per-hour
// writes: every sample key maps to one projected partition, whose values are
// the key's, and every partition of the sample's span holds sample files. The
// same for the other three layouts.
func TestProjectionMatchesSample(t *testing.T) {
	v5, _ := flowlog.Preset("v5")
	for _, layout := range partitions.Layouts() {
		t.Run(layout.String(), func(t *testing.T) {
			dir := t.TempDir()
			truth, err := sample.Generate(context.Background(), dir, sample.Options{Days: 2, Format: v5, Layout: layout, Seed: 1, Records: 2000})
			if err != nil {
				t.Fatal(err)
			}
			tbl := &Table{Database: "d", Name: "t", Format: v5, Layout: layout, Location: "s3://b/p/", Projection: true,
				Accounts: []string{truth.Account}, Regions: []string{truth.Region, "eu-west-1"}, Since: truth.Start}
			if err := tbl.Validate(); err != nil {
				t.Fatal(err)
			}
			parsed, err := ParseCreateTable(tbl.AthenaDDL())
			if err != nil {
				t.Fatal(err)
			}
			projected := project(t, parsed.Parameters, parsed.PartitionKeys, truth.End.Add(-time.Second))
			used := map[string]bool{}
			err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".log.gz") {
					return err
				}
				key := filepath.ToSlash(strings.TrimPrefix(path, dir+string(filepath.Separator)))
				o, err := partitions.ParseKey(key)
				if err != nil {
					return err
				}
				folder := "s3://b/p/" + key[:strings.LastIndex(key, "/")+1]
				want, ok := projected[folder]
				if !ok {
					t.Fatalf("%s: folder %s is not a projected partition", key, folder)
				}
				for col, v := range o.ValueMap() {
					if want[col] != v {
						t.Fatalf("%s: partition %s = %q, the key says %q", key, col, want[col], v)
					}
				}
				used[folder] = true
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// Back: every projected partition of the sample's account, region and span has files.
			for loc, vals := range projected {
				if vals["aws_region"] != truth.Region || used[loc] {
					continue
				}
				if inSpan(vals, truth.Start, truth.End) {
					t.Errorf("projected partition %s holds no sample file", loc)
				}
			}
			if len(used) == 0 {
				t.Fatal("no sample files")
			}
		})
	}
}

// inSpan reports whether a partition's time lies in [from, to).
func inSpan(vals map[string]string, from, to time.Time) bool {
	var s string
	if y, ok := vals["year"]; ok {
		s = y + "/" + vals["month"] + "/" + vals["day"]
	} else {
		s = vals["day"]
	}
	layout := "2006/01/02"
	if h, ok := vals["hour"]; ok {
		s += " " + h
		layout += " 15"
	}
	ts, err := time.Parse(layout, s)
	return err == nil && !ts.Before(from) && ts.Before(to)
}
