package sample_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/sample"
)

func generate(t testing.TB, opts sample.Options) (string, *sample.Truth) {
	t.Helper()
	dir := t.TempDir()
	truth, err := sample.Generate(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return dir, truth
}

// TestLayoutAndTruth reads every file back as a user would: keys parse in the
// chosen layout, each file starts with the format's header, every record parses,
// and the truth's totals are what the records say.
func TestLayoutAndTruth(t *testing.T) {
	v5, _ := flowlog.Preset("v5")
	for _, layout := range partitions.Layouts() {
		t.Run(layout.String(), func(t *testing.T) {
			dir, truth := generate(t, sample.Options{Days: 2, Format: v5, Layout: layout, Seed: 3, Records: 20000, Root: "logs/"})
			files := 0
			err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || filepath.Base(path) == sample.TruthFile {
					return err
				}
				rel, _ := filepath.Rel(dir, path)
				o, err := partitions.ParseKey(filepath.ToSlash(rel))
				if err != nil {
					return err
				}
				if o.Layout != layout || o.Root != "logs/" || o.Account != truth.Account || o.FlowLogID != truth.FlowLogID {
					t.Errorf("%s: parsed as %+v", rel, o)
				}
				f, ok, err := flowlog.ReadFileHeader(path)
				if err != nil || !ok || !f.Equal(v5) {
					t.Errorf("%s: header %v %v %v", rel, f, ok, err)
				}
				files++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if files != truth.Files || files != 2*288 {
				t.Errorf("%d files, truth says %d, want %d", files, truth.Files, 2*288)
			}

			byAction := map[string]int64{}
			rejected := map[string]int64{}
			var bytes int64
			st, err := flowlog.Scan(context.Background(), []string{dir}, flowlog.Format{}, func(file string, rec flowlog.Record) error {
				o, err := partitions.ParsePath(file)
				if err != nil {
					return err
				}
				// Each record sits in the file of the 5-minute window holding its end.
				end, _ := rec.Get("end")
				if got := time.Unix(end.Int, 0).UTC().Truncate(5 * time.Minute); !got.Equal(o.Time) {
					t.Fatalf("%s: record ending %s", file, got)
				}
				action, _ := rec.Get("action")
				byAction[action.String()]++
				if action.Str == "REJECT" {
					dst, _ := rec.Get("dstaddr")
					rejected[dst.Str]++
				}
				if b, _ := rec.Get("bytes"); !b.Null {
					bytes += b.Int
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(st.BadLines) != 0 || st.Records != truth.Records || st.Headers != int64(files) {
				t.Errorf("scan: %d records, %d headers, bad %v; truth %d records", st.Records, st.Headers, st.BadLines, truth.Records)
			}
			for k, v := range truth.ByAction {
				if byAction[k] != v {
					t.Errorf("action %s: read %d, truth %d", k, byAction[k], v)
				}
			}
			if bytes != truth.Bytes {
				t.Errorf("bytes: read %d, truth %d", bytes, truth.Bytes)
			}
			for _, d := range truth.TopRejectedDestinations {
				if rejected[d.Dstaddr] != d.Rejects {
					t.Errorf("rejects to %s: read %d, truth %d", d.Dstaddr, rejected[d.Dstaddr], d.Rejects)
				}
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	opts := sample.Options{Seed: 42, Records: 5000}
	a, _ := generate(t, opts)
	b, _ := generate(t, opts)
	c, _ := generate(t, sample.Options{Seed: 43, Records: 5000})
	if !sameTree(t, a, b) {
		t.Error("same seed, different bytes")
	}
	if sameTree(t, a, c) {
		t.Error("different seeds, same bytes")
	}
}

func sameTree(t *testing.T, a, b string) bool {
	read := func(root string) map[string][]byte {
		m := map[string][]byte{}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(root, p)
				m[rel], _ = os.ReadFile(p)
			}
			return err
		})
		return m
	}
	ma, mb := read(a), read(b)
	if len(ma) != len(mb) {
		return false
	}
	for k, v := range ma {
		if !bytes.Equal(v, mb[k]) {
			return false
		}
	}
	return true
}

// TestScenarios checks each scenario's facts against its records, read back
// from the files inside the scenario's window.
func TestScenarios(t *testing.T) {
	v5, _ := flowlog.Preset("v5")
	dir, truth := generate(t, sample.Options{Days: 1, Format: v5, Seed: 9, Records: 30000})
	if len(truth.Scenarios) != len(sample.ScenariosFor(v5)) {
		t.Fatalf("%d scenarios, want the %d v5 tells", len(truth.Scenarios), len(sample.ScenariosFor(v5)))
	}
	var recs []flowlog.Record
	if _, err := flowlog.Scan(context.Background(), []string{dir}, flowlog.Format{}, func(_ string, r flowlog.Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	get := func(r flowlog.Record, f string) string { v, _ := r.Get(f); return v.String() }
	count := func(pred func(flowlog.Record) bool) (n int) {
		for _, r := range recs {
			if pred(r) {
				n++
			}
		}
		return n
	}
	facts := map[string]map[string]any{}
	for _, s := range truth.Scenarios {
		b, _ := json.Marshal(s.Facts)
		m := map[string]any{}
		json.Unmarshal(b, &m)
		facts[s.Name] = m
		if !s.From.Before(s.To) || s.From.Before(truth.Start) || s.To.After(truth.End) {
			t.Errorf("%s: window %s..%s", s.Name, s.From, s.To)
		}
	}
	num := func(s, k string) int { return int(facts[s][k].(float64)) }
	str := func(s, k string) string { return facts[s][k].(string) }

	if n := count(func(r flowlog.Record) bool {
		return get(r, "dstport") == "22" && get(r, "action") == "REJECT" && get(r, "dstaddr") == str("ssh-rejected", "target")
	}); n != num("ssh-rejected", "rejects") || n != 200 {
		t.Errorf("ssh-rejected: %d rejects, truth %d", n, num("ssh-rejected", "rejects"))
	}
	if n := count(func(r flowlog.Record) bool {
		return get(r, "srcaddr") == "203.0.113.66" && get(r, "action") == "REJECT"
	}); n != num("port-scan", "rejects") || n != 1022 {
		t.Errorf("port-scan: %d rejects, truth %d", n, num("port-scan", "rejects"))
	}
	if n := count(func(r flowlog.Record) bool {
		return get(r, "srcaddr") == str("nacl-return-reject", "server") && get(r, "srcport") == "5432" && get(r, "action") == "REJECT"
	}); n != num("nacl-return-reject", "return_rejected") {
		t.Errorf("nacl-return-reject: %d return rejects", n)
	}
	if n := count(func(r flowlog.Record) bool {
		return get(r, "srcaddr") == "192.0.2.10" || get(r, "dstaddr") == "192.0.2.10"
	}); n != num("one-way", "records") {
		t.Errorf("one-way: %d records touch the destination, truth %d (no reply may exist)", n, num("one-way", "records"))
	}
	if n := count(func(r flowlog.Record) bool { return get(r, "log-status") == "NODATA" }); n != num("nodata-skipdata", "nodata") {
		t.Errorf("nodata: %d", n)
	}
	if n := count(func(r flowlog.Record) bool { return get(r, "type") == "IPv6" }); n != num("ipv6", "records") {
		t.Errorf("ipv6: %d", n)
	}
	if n := count(func(r flowlog.Record) bool {
		return get(r, "protocol") == "1" && (get(r, "srcaddr") == str("icmp", "src") || get(r, "srcaddr") == str("icmp", "dst"))
	}); n != num("icmp", "records") {
		t.Errorf("icmp: %d", n)
	}
	if n := count(func(r flowlog.Record) bool { return get(r, "pkt-dst-aws-service") == "S3" }); n != 30 {
		t.Errorf("S3 uploads: %d", n)
	}
	if top := truth.TopTalkers[0]; top.Srcaddr != str("top-talker", "src") || top.Bytes != int64(facts["top-talker"]["bytes"].(float64)) {
		t.Errorf("top talker = %+v, scenario %v", top, facts["top-talker"])
	}
	if top := truth.TopRejectedDestinations[0]; top.Dstaddr != str("port-scan", "target") {
		t.Errorf("top rejected = %+v", top)
	}
}

func TestOptionsErrors(t *testing.T) {
	for _, tt := range []struct {
		opts sample.Options
		want string
	}{
		{sample.Options{Scenarios: []string{"portscan"}},
			`unknown scenario "portscan": want one of ` + strings.Join(sample.ScenarioNames(), ", ")},
		{sample.Options{Days: -1}, "days -1: want at least 1"},
		{sample.Options{Records: -5}, "records -5: want 0 or more"},
	} {
		// Check refuses what Generate refuses, and Generate writes nothing then.
		if err := tt.opts.Check(); err == nil || err.Error() != tt.want {
			t.Errorf("Check %+v: %v, want %q", tt.opts, err, tt.want)
		}
		dir := t.TempDir()
		_, err := sample.Generate(context.Background(), dir, tt.opts)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Generate %+v: %v, want %q", tt.opts, err, tt.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%+v: Generate wrote %d entries", tt.opts, len(entries))
		}
	}
	if err := (sample.Options{Days: 2, Scenarios: []string{"icmp"}}).Check(); err != nil {
		t.Errorf("good options: %v", err)
	}
}

// BenchmarkGenerate20M writes 20 million records (7 days) in AWS's layout.
//
//	go test ./sample -run '^$' -bench Generate20M -benchtime 1x
func BenchmarkGenerate20M(b *testing.B) {
	var records int64
	for b.Loop() {
		dir := b.TempDir()
		truth, err := sample.Generate(context.Background(), dir, sample.Options{Days: 7, Seed: 1, Records: 20_000_000})
		if err != nil {
			b.Fatal(err)
		}
		records += truth.Records
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}
