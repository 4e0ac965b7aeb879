package partitions_test

import (
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/partitions"
)

var fileTime = time.Date(2018, 6, 20, 16, 20, 0, 0, time.UTC)

func object(l partitions.Layout) partitions.Object {
	return partitions.Object{Root: "my-bucket-prefix/", Layout: l, Account: "123456789012", Region: "us-east-1",
		FlowLogID: "fl-1234abcd", Time: fileTime, Hash: "fe123456", Format: partitions.Text}
}

func TestKeys(t *testing.T) {
	want := map[string]string{
		"default":        "my-bucket-prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
		"default-hourly": "my-bucket-prefix/AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/16/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
		"hive":           "my-bucket-prefix/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
		"hive-hourly":    "my-bucket-prefix/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/day=20/hour=16/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
	}
	for _, l := range partitions.Layouts() {
		o := object(l)
		if got := o.Key(); got != want[l.String()] {
			t.Errorf("%s key = %s", l, got)
		}
		back, err := partitions.ParseKey(o.Key())
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		if back != o {
			t.Errorf("%s: parsed %+v, want %+v", l, back, o)
		}
	}
	// Hive keys as some tools list them, with '=' encoded.
	enc := strings.ReplaceAll(want["hive-hourly"], "=", "%3D")
	if o, err := partitions.ParseKey(enc); err != nil || o.Layout != (partitions.Layout{Hive: true, PerHour: true}) {
		t.Errorf("%%3D key: %+v %v", o, err)
	}
	// A local path in a downloaded tree, and a Parquet file.
	p := "/data/flows/" + strings.Replace(want["default"], ".log.gz", ".log.parquet", 1)
	if o, err := partitions.ParsePath(p); err != nil || o.Format != partitions.Parquet || o.Root != "/data/flows/my-bucket-prefix/" {
		t.Errorf("local path: %+v %v", o, err)
	}
	// A flat folder: only the name.
	if o, err := partitions.ParsePath("/tmp/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz"); err != nil || !o.Time.Equal(fileTime) {
		t.Errorf("flat path: %+v %v", o, err)
	}
}

func TestParseKeyErrors(t *testing.T) {
	name := "123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz"
	tests := map[string]string{
		"p/123456789012/vpcflowlogs/us-east-1/2018/06/20/" + name:                                                                             "no AWSLogs/ folder",
		"AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/" + name:                                                                          "want AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{MM}/{dd}[/{HH}]/{file}",
		"AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/21/" + name:                                                                       "does not match the file time",
		"AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/17/" + name:                                                                    "does not match the file time",
		"AWSLogs/999999999999/vpcflowlogs/us-east-1/2018/06/20/" + name:                                                                       "folders say account 999999999999",
		"AWSLogs/123456789012/elasticloadbalancing/us-east-1/2018/06/20/" + name:                                                              `service folder "elasticloadbalancing"`,
		"AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/notes.txt":                                                                     `file name "notes.txt"`,
		"AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/x" + name:                                                                      "file name",
		"AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2018/month=06/dd=20/" + name:                   `folder "dd=20": want day=…`,
		"AWSLogs/123456789012/vpcflowlogs/us-east-1/2018/06/20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20181320T1620Z_fe123456.log.gz": "time 20181320T1620Z",
	}
	for key, want := range tests {
		_, err := partitions.ParseKey(key)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseKey(%s) = %v, want error containing %q", key, err, want)
		}
	}
}

func TestColumns(t *testing.T) {
	want := map[string]string{
		"default":        "aws_account_id aws_region day",
		"default-hourly": "aws_account_id aws_region day hour",
		"hive":           "aws_account_id aws_region year month day",
		"hive-hourly":    "aws_account_id aws_region year month day hour",
	}
	values := map[string]string{
		"default":        "123456789012 us-east-1 2018/06/20",
		"default-hourly": "123456789012 us-east-1 2018/06/20 16",
		"hive":           "123456789012 us-east-1 2018 06 20",
		"hive-hourly":    "123456789012 us-east-1 2018 06 20 16",
	}
	for _, l := range partitions.Layouts() {
		var names []string
		for _, c := range l.Columns() {
			names = append(names, c.Name)
		}
		if got := strings.Join(names, " "); got != want[l.String()] {
			t.Errorf("%s columns = %s", l, got)
		}
		if got := strings.Join(object(l).Values(), " "); got != values[l.String()] {
			t.Errorf("%s values = %s", l, got)
		}
		// Text tables are positional: no partition column may take a data column's name.
		if err := l.CheckCollisions([]string{"account_id", "region", "version", "start", "end"}); err != nil {
			t.Errorf("%s: %v", l, err)
		}
	}
	if err := (partitions.Layout{}).CheckCollisions([]string{"day"}); err == nil {
		t.Error("collision with day not reported")
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestWindowFolders(t *testing.T) {
	tests := []struct {
		name     string
		layout   partitions.Layout
		from, to string
		folders  []string
		filter   string
	}{
		{"inside one file", partitions.Layout{PerHour: true}, "2024-03-10T10:21:00Z", "2024-03-10T10:23:00Z",
			[]string{"2024-03-10T10:00:00Z"}, "day=2024/03/10 hour=10"},
		{"hour boundary: records of 10:50-11:00 can be filed up to 11:15", partitions.Layout{PerHour: true}, "2024-03-10T10:50:00Z", "2024-03-10T11:00:00Z",
			[]string{"2024-03-10T10:00:00Z", "2024-03-10T11:00:00Z"}, "day=2024/03/10 hour=10..11"},
		{"from on the hour reaches back one delivery window", partitions.Layout{PerHour: true}, "2024-03-10T11:00:00Z", "2024-03-10T11:30:00Z",
			[]string{"2024-03-10T10:00:00Z", "2024-03-10T11:00:00Z"}, "day=2024/03/10 hour=10..11"},
		{"midnight, daily", partitions.Layout{}, "2024-03-10T23:30:00Z", "2024-03-11T00:00:00Z",
			[]string{"2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z"}, "day=2024/03/10..2024/03/11"},
		{"midnight, hourly", partitions.Layout{PerHour: true}, "2024-03-10T23:30:00Z", "2024-03-11T00:00:00Z",
			[]string{"2024-03-10T23:00:00Z", "2024-03-11T00:00:00Z"}, "day=2024/03/10 hour=23 | day=2024/03/11 hour=00"},
		{"whole days lose the hour condition", partitions.Layout{PerHour: true}, "2024-03-10T05:00:00Z", "2024-03-12T23:40:00Z",
			nil, "day=2024/03/10 hour=04..23 | day=2024/03/11..2024/03/12"},
		{"hive across a month", partitions.Layout{Hive: true}, "2024-02-28T06:00:00Z", "2024-03-02T06:00:00Z",
			nil, "year=2024 month=02 day=28..29 | year=2024 month=03 day=01..02"},
		{"hive: a whole month loses the day condition, and whole months merge", partitions.Layout{Hive: true}, "2024-07-01T00:10:00Z", "2024-09-01T12:00:00Z",
			nil, "year=2024 month=07..08 | year=2024 month=09 day=01"},
		{"hive hourly: whole days merge within a month", partitions.Layout{Hive: true, PerHour: true}, "2024-06-29T00:10:00Z", "2024-07-02T05:00:00Z",
			nil, "year=2024 month=06 day=29..30 | year=2024 month=07 day=01 | year=2024 month=07 day=02 hour=00..05"},
		{"hive hourly, new year", partitions.Layout{Hive: true, PerHour: true}, "2024-12-31T23:10:00Z", "2025-01-01T00:10:00Z",
			[]string{"2024-12-31T23:00:00Z", "2025-01-01T00:00:00Z"}, "year=2024 month=12 day=31 hour=23 | year=2025 month=01 day=01 hour=00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := partitions.NewWindow(mustTime(tt.from), mustTime(tt.to))
			if err != nil {
				t.Fatal(err)
			}
			if tt.folders != nil {
				var got []string
				for _, f := range tt.layout.Folders(w) {
					got = append(got, f.Format(time.RFC3339))
				}
				if strings.Join(got, " ") != strings.Join(tt.folders, " ") {
					t.Errorf("folders = %v, want %v", got, tt.folders)
				}
			}
			if got := filterString(tt.layout.Filter(w)); got != tt.filter {
				t.Errorf("filter = %s, want %s", got, tt.filter)
			}
			// The filter selects exactly the folders, for every 5-minute file time
			// in the three days around the window.
			for ft := w.From.Add(-36 * time.Hour); ft.Before(w.To.Add(36 * time.Hour)); ft = ft.Add(5 * time.Minute) {
				o := partitions.Object{Layout: tt.layout, Account: "1", Region: "r", Time: ft}
				inFolder := false
				for _, f := range tt.layout.Folders(w) {
					inFolder = inFolder || tt.layout.FolderStart(ft).Equal(f)
				}
				if got := tt.layout.Filter(w).Matches(o.ValueMap()); got != inFolder {
					t.Fatalf("file time %s: filter %v, folder %v", ft, got, inFolder)
				}
				if w.SelectsFile(ft) && !inFolder {
					t.Fatalf("file time %s selected but its folder is not", ft)
				}
			}
		})
	}
	if _, err := partitions.NewWindow(mustTime("2024-03-10T10:00:00Z"), mustTime("2024-03-10T10:00:00Z")); err == nil {
		t.Error("empty window accepted")
	}
}

// TestSlack derives the slack from AWS's filing rules: a record is in the file of
// the 5-minute window holding its end, and end - start is at most 10 minutes. Every
// record overlapping the window must be in a selected file.
func TestSlack(t *testing.T) {
	w, _ := partitions.NewWindow(mustTime("2024-03-10T10:00:00Z"), mustTime("2024-03-10T11:00:00Z"))
	for start := w.From.Add(-15 * time.Minute); start.Before(w.To.Add(15 * time.Minute)); start = start.Add(time.Second * 7) {
		for _, d := range []time.Duration{0, time.Minute, 10 * time.Minute} {
			end := start.Add(d)
			overlaps := !end.Before(w.From) && start.Before(w.To)
			file := end.Truncate(5 * time.Minute)
			if overlaps && !w.SelectsFile(file) {
				t.Fatalf("record %s..%s in file %s not selected", start, end, file)
			}
			// AWS's wording also allows the end of the delivery window as the stamp.
			if overlaps && !w.SelectsFile(file.Add(5*time.Minute)) {
				t.Fatalf("record %s..%s in late-stamped file not selected", start, end)
			}
		}
	}
	if w.SelectsFile(w.From.Add(-10*time.Minute)) || w.SelectsFile(w.To.Add(15*time.Minute)) {
		t.Error("slack wider than derived")
	}
}

func filterString(f partitions.Filter) string {
	var terms []string
	for _, term := range f {
		var conds []string
		for _, c := range term {
			v := c.Lo
			if c.Hi != c.Lo {
				v += ".." + c.Hi
			}
			conds = append(conds, c.Column+"="+v)
		}
		terms = append(terms, strings.Join(conds, " "))
	}
	return strings.Join(terms, " | ")
}

// FuzzParseKey: a key either fails or round-trips through Object.Key.
func FuzzParseKey(f *testing.F) {
	for _, l := range partitions.Layouts() {
		f.Add(object(l).Key())
	}
	f.Add("AWSLogs/aws-account-id%3D123456789012/aws-service%3Dvpcflowlogs/aws-region%3Dus-east-1/year%3D2018/month%3D06/day%3D20/123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz")
	f.Add("x/AWSLogs/1/vpcflowlogs/r/2018/06/20/a_b")
	f.Fuzz(func(t *testing.T, key string) {
		o, err := partitions.ParseKey(key)
		if err != nil {
			return
		}
		back, err := partitions.ParseKey(o.Key())
		if err != nil || back != o {
			t.Fatalf("%q -> %q -> %+v, %v", key, o.Key(), back, err)
		}
	})
}

func TestSelectsFolderCache(t *testing.T) {
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	cache := partitions.Object{Layout: partitions.Layout{}, Time: day, Hash: partitions.FolderCachePrefix + "1a2b3c4d"}
	delivered := partitions.Object{Layout: partitions.Layout{}, Time: day.Add(10 * time.Hour), Hash: "1a2b3c4d"}
	for _, tc := range []struct {
		from, to    time.Time
		cache, file bool
	}{
		{day.Add(10 * time.Hour), day.Add(11 * time.Hour), true, true},
		{day.Add(12 * time.Hour), day.Add(13 * time.Hour), true, false},
		{day.Add(24*time.Hour + 10*time.Minute), day.Add(25 * time.Hour), false, false},
		// Records filed in the day's first files can start up to 10 minutes before it.
		{day.Add(-time.Hour), day.Add(-5 * time.Minute), true, false},
		{day.Add(-time.Hour), day.Add(-15 * time.Minute), false, false},
	} {
		w, _ := partitions.NewWindow(tc.from, tc.to)
		if got := w.Selects(cache); got != tc.cache {
			t.Errorf("%v: folder cache selected %v, want %v", w, got, tc.cache)
		}
		if got := w.Selects(delivered); got != tc.file {
			t.Errorf("%v: delivered file selected %v, want %v", w, got, tc.file)
		}
	}
	if !cache.IsFolderCache() || delivered.IsFolderCache() {
		t.Error("IsFolderCache")
	}
}

// TestProjectionStart: the first time of a projection is read back from the
// properties ProjectionProperties writes, in every layout.
func TestProjectionStart(t *testing.T) {
	since := time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
	for _, l := range partitions.Layouts() {
		props := l.ProjectionProperties("s3://b/", partitions.ProjectionOptions{Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"}, Since: since})
		want := since
		if l.Hive {
			want = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC) // Hive's date column is the year
		}
		if got, ok := l.ProjectionStart(props); !ok || !got.Equal(want) {
			t.Errorf("%s: %v %v, want %v", l, got, ok, want)
		}
		for k := range props {
			if strings.HasSuffix(k, ".range") && props[k] != "1,31" && props[k] != "1,12" && props[k] != "0,23" {
				props[k] = "NOW-1YEARS,NOW"
			}
		}
		if _, ok := l.ProjectionStart(props); ok {
			t.Errorf("%s: a relative range read as a time", l)
		}
	}
}
