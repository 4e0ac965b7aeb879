package audit_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowq/flowq/audit"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/report"
	"github.com/flowq/flowq/sample"
)

// sampleSet is two days of sample data with every scenario, generated once
// for the tests of this package.
var sampleSet = sync.OnceValues(func() (*sampleData, error) {
	dir, err := os.MkdirTemp("", "flowq-audit-sample")
	if err != nil {
		return nil, err
	}
	truth, err := sample.Generate(context.Background(), dir, sample.Options{Days: 2, Seed: 1})
	if err != nil {
		return nil, err
	}
	return &sampleData{dir: dir, truth: truth}, nil
})

type sampleData struct {
	dir   string
	truth *sample.Truth
}

func TestMain(m *testing.M) {
	code := m.Run()
	if s, err := sampleSet(); err == nil {
		os.RemoveAll(s.dir)
	}
	os.Exit(code)
}

func sampleDir(t testing.TB) *sampleData {
	t.Helper()
	s, err := sampleSet()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// window is the whole of the sample.
func (s *sampleData) window() partitions.Window {
	return partitions.Window{From: s.truth.Start, To: s.truth.End}
}

// openLocal opens the local engine over the sample's window.
func openLocal(t testing.TB, dir string, w partitions.Window) *localdb.DB {
	t.Helper()
	db, err := localdb.Open(context.Background(), []string{dir}, localdb.Options{Window: &w})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// localOptions are the options flowq audit denies gives the local engine:
// its files, and an engine per slice that reads only the slice's files.
func localOptions(db *localdb.DB, dir string) audit.Options {
	var inputs []string
	for _, f := range db.Files() {
		inputs = append(inputs, f.Path)
	}
	return audit.Options{FlowqVersion: "test", Inputs: inputs,
		Slice: func(ctx context.Context, w partitions.Window) (queries.Engine, error) {
			return localdb.Open(ctx, []string{dir}, localdb.Options{Window: &w})
		}}
}

// writeSamplePack writes a pack over the sample with opts changed by edit.
func writeSamplePack(t testing.TB, edit func(*audit.Options)) (*audit.Pack, *sampleData) {
	t.Helper()
	s := sampleDir(t)
	db := openLocal(t, s.dir, s.window())
	opts := localOptions(db, s.dir)
	if edit != nil {
		edit(&opts)
	}
	pack, err := audit.Write(context.Background(), db, filepath.Join(t.TempDir(), "pack"), opts)
	if err != nil {
		t.Fatal(err)
	}
	return pack, s
}

// unslicedExport is deny-export@1 over the whole window in one run, as
// flowq run deny-export -o csv writes it.
func unslicedExport(t testing.TB, s *sampleData) []byte {
	t.Helper()
	db := openLocal(t, s.dir, s.window())
	q, err := queries.Default().Get(audit.DenyExport)
	if err != nil {
		t.Fatal(err)
	}
	vals, err := q.Resolve(map[string]string{"limit": strconv.Itoa(queries.MaxLimit)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := queries.Run(context.Background(), db, q, vals)
	if err != nil || res.Provenance.Truncated {
		t.Fatalf("%v, truncated %v", err, res.Provenance.Truncated)
	}
	var b bytes.Buffer
	if err := report.Print(&b, res, report.Options{Format: report.CSV}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func readSummary(t testing.TB, dir string) *audit.Summary {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, audit.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s audit.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// TestAuditPackSample: a pack over two days of sample data on the local
// engine holds every deny of the sample's truth once, in the query's order
// (denies.csv is byte for byte deny-export@1 run once over the window, as
// flowq run -o csv writes it), and its summary is the truth's.
func TestAuditPackSample(t *testing.T) {
	pack, s := writeSamplePack(t, nil)
	truth := s.truth
	sum := readSummary(t, pack.Dir)
	if want := truth.ByAction["REJECT"]; sum.Denies != want || pack.Summary.Denies != want || pack.Manifest.Denies != want {
		t.Errorf("denies %d (summary.json), %d, manifest %d; truth %d", sum.Denies, pack.Summary.Denies, pack.Manifest.Denies, want)
	}
	// Per day, from the truth's rejects per hour.
	perDay := map[string]int64{}
	for _, h := range truth.RejectsPerHour {
		perDay[h.Hour.Format(time.DateOnly)] += h.Rejects
	}
	got := map[string]int64{}
	for _, d := range sum.PerDay {
		got[d.Day] = d.Denies
	}
	if len(got) != len(perDay) {
		t.Errorf("per day %v, truth %v", got, perDay)
	}
	for day, n := range perDay {
		if got[day] != n {
			t.Errorf("%s: %d denies, truth %d", day, got[day], n)
		}
	}
	for i, d := range truth.TopRejectedDestinations {
		if i >= len(sum.TopDestinations) {
			t.Fatalf("%d top destinations, truth has %d", len(sum.TopDestinations), len(truth.TopRejectedDestinations))
		}
		g := sum.TopDestinations[i]
		if g.Address != d.Dstaddr || g.Rejects != d.Rejects || g.Packets != d.Packets {
			t.Errorf("top destination %d: %+v, truth %+v", i, g, d)
		}
	}
	if sum.Sources == 0 || sum.Destinations < len(truth.TopRejectedDestinations) || sum.Interfaces == 0 || sum.Accounts != 1 || sum.Redacted {
		t.Errorf("summary %+v", sum)
	}
	// The sample's nodata-skipdata scenario is in the coverage.
	if sum.Coverage.SkipData == 0 || len(sum.Coverage.SkipDataRuns) == 0 || sum.Coverage.NoData == 0 || sum.Coverage.Interfaces == 0 {
		t.Errorf("coverage %+v", sum.Coverage)
	}

	csvBytes, err := os.ReadFile(filepath.Join(pack.Dir, audit.DeniesFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := unslicedExport(t, s); !bytes.Equal(csvBytes, want) {
		t.Errorf("denies.csv (%d bytes) is not deny-export@1 over the window (%d bytes)", len(csvBytes), len(want))
	}
	rows, err := csv.NewReader(bytes.NewReader(csvBytes)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(rows)-1) != truth.ByAction["REJECT"] {
		t.Errorf("denies.csv: %d rows, truth %d denies", len(rows)-1, truth.ByAction["REJECT"])
	}
	// A deny that spans midnight is in the sample, and so the day slices
	// had one in two runs: it is written once (the bytes above), in the
	// slice that holds its start.
	if n := spanning(t, rows, 24*time.Hour); n == 0 {
		t.Errorf("the sample has no deny across midnight: the test proves nothing of the boundary")
	}

	// The manifest: every query pinned, each day a slice, the inputs hashed.
	m := pack.Manifest
	ran := map[string]int{}
	for _, r := range m.Queries {
		ran[r.Query]++
		if r.Engine != "duckdb" || r.SQLSHA256 == "" || r.RenderedSQLSHA256 == "" || r.Started.IsZero() || r.Files == 0 {
			t.Errorf("run %+v", r)
		}
	}
	for _, q := range audit.Queries {
		want := 1
		if q == audit.DenyExport {
			want = 2 // a slice a day
		}
		if ran[q] != want {
			t.Errorf("%s ran %d times, want %d (%v)", q, ran[q], want, ran)
		}
	}
	if len(m.Inputs) != truth.Files || m.Inputs[0].SHA256 == "" || m.InputBytes == 0 || m.FlowqVersion != "test" || m.Redaction != nil ||
		len(m.Files) != 3 || m.Engine.Name != "duckdb" || m.Engine.Table != "flow_logs" {
		t.Errorf("manifest: %d inputs (truth %d files), files %+v, engine %+v", len(m.Inputs), truth.Files, m.Files, m.Engine)
	}
}

// spanning counts the rows of denies.csv whose deny crosses a multiple of
// unit (start before it, end at or after it).
func spanning(t testing.TB, rows [][]string, unit time.Duration) int {
	n := 0
	for _, r := range rows[1:] {
		start, err1 := time.Parse(time.RFC3339, r[0])
		end, err2 := time.Parse(time.RFC3339, r[1])
		if err1 != nil || err2 != nil {
			t.Fatalf("row %v", r)
		}
		if !start.Truncate(unit).Equal(end.Truncate(unit)) {
			n++
		}
	}
	return n
}

// TestAuditPackSlices: with fewer rows allowed a run than a day holds,
// denies.csv is exported hour by hour and then 5 minutes at a time where
// an hour holds too many, the runs the limit cut taken back out, and it is
// still byte for byte the one run over the window: no deny lost or
// written twice across hundreds of slice boundaries.
func TestAuditPackSlices(t *testing.T) {
	s := sampleDir(t)
	want := unslicedExport(t, s)
	rows, err := csv.NewReader(bytes.NewReader(want)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The most denies a 5-minute slice returns (those overlapping it): the
	// limit, so that no 5-minute slice fails, but hours and days do.
	limit := 0
	for from := s.truth.Start; from.Before(s.truth.End); from = from.Add(5 * time.Minute) {
		n := 0
		for _, r := range rows[1:] {
			start, _ := time.Parse(time.RFC3339, r[0])
			end, _ := time.Parse(time.RFC3339, r[1])
			if !end.Before(from) && start.Before(from.Add(5*time.Minute)) {
				n++
			}
		}
		limit = max(limit, n)
	}
	pack, _ := writeSamplePack(t, func(o *audit.Options) { o.MaxSliceRows = limit })
	got, err := os.ReadFile(filepath.Join(pack.Dir, audit.DeniesFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("denies.csv sliced with a limit of %d (%d bytes) is not the one run over the window (%d bytes)", limit, len(got), len(want))
	}
	var discarded, fiveMinutes, hours int
	for _, r := range pack.Manifest.Queries {
		if r.Query != audit.DenyExport {
			continue
		}
		switch d := r.To.Sub(*r.From); {
		case r.Discarded:
			discarded++
		case d <= 5*time.Minute:
			fiveMinutes++
		case d <= time.Hour:
			hours++
		}
	}
	t.Logf("limit %d: %d discarded, %d 5-minute, %d hour runs, %d denies across 5 minutes", limit, discarded, fiveMinutes, hours, spanning(t, rows, 5*time.Minute))
	if discarded == 0 || fiveMinutes == 0 || hours == 0 || spanning(t, rows, 5*time.Minute) == 0 {
		t.Errorf("limit %d: %d runs discarded, %d of 5 minutes, %d of an hour: the test did not slice at every level", limit, discarded, fiveMinutes, hours)
	}
	if pack.Summary.Denies != s.truth.ByAction["REJECT"] {
		t.Errorf("%d denies, truth %d", pack.Summary.Denies, s.truth.ByAction["REJECT"])
	}
}

// TestAuditPackRefusesFolder: a pack goes into a new or empty folder only,
// and a failed audit leaves nothing behind.
func TestAuditPackRefusesFolder(t *testing.T) {
	s := sampleDir(t)
	db := openLocal(t, s.dir, s.window())
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	if _, err := audit.Write(context.Background(), db, dir, localOptions(db, s.dir)); err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Errorf("a folder with a file: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "notes.txt")); string(b) != "mine" {
		t.Errorf("the folder's file was touched")
	}
	// Cancelled: nothing is left.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out := filepath.Join(t.TempDir(), "pack")
	if _, err := audit.Write(ctx, db, out, localOptions(db, s.dir)); err != context.Canceled {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a cancelled audit left %s", out)
	}
}
