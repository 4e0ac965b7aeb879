package localdb_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/internal/enginetest"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/sample"
)

// TestLibrary runs the query library's conformance suite on DuckDB, over sample
// data in each of the four layouts.
func TestLibrary(t *testing.T) {
	for _, layout := range partitions.Layouts() {
		t.Run(layout.String(), func(t *testing.T) {
			dirs, truths := generateDatasets(t, layout)
			enginetest.Run(t, opener(dirs, t.TempDir()), truths)
		})
	}
}

// generateDatasets writes each of the suite's datasets into a folder of its
// own, and returns the folders and the truths by dataset.
func generateDatasets(t *testing.T, layout partitions.Layout) (map[string]string, map[string]*sample.Truth) {
	dirs, truths := map[string]string{}, map[string]*sample.Truth{}
	for _, d := range enginetest.Datasets(layout) {
		dirs[d.Name] = t.TempDir()
		truths[d.Name] = generate(t, dirs[d.Name], d.Options)
	}
	return dirs, truths
}

// opener opens the engine over a dataset's folder with each window the
// suite asks for, all of them sharing one check cache (the first reads files
// cold, later ones warm, as runs would).
func opener(dirs map[string]string, cache string) enginetest.Opener {
	return func(dataset string, w *partitions.Window) (queries.Engine, error) {
		return localdb.Open(context.Background(), []string{dirs[dataset]}, localdb.Options{Window: w, CheckCache: cache})
	}
}

// TestUnplacedFiles: files renamed so their names say nothing of their time
// still answer a windowed query like the originals, because their partition
// columns come from each record's end.
func TestUnplacedFiles(t *testing.T) {
	dir, flat := t.TempDir(), t.TempDir()
	truth := generate(t, dir, sample.Options{Days: 1, Seed: 3, Records: 5000})
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".log.gz") {
			return err
		}
		n++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(flat, fmt.Sprintf("part-%04d.log.gz", n)), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	q, _ := queries.Default().Get("rejects-over-time")
	vals, _ := q.Resolve(nil)
	w, _ := partitions.NewWindow(truth.Start.Add(5*time.Hour), truth.Start.Add(8*time.Hour))
	var answers []string
	for _, d := range []string{dir, flat} {
		res, err := open(t, []string{d}, localdb.Options{Window: &w}).RunQuery(context.Background(), q, vals)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, fmt.Sprint(res.Rows))
	}
	if answers[0] != answers[1] || !strings.Contains(answers[0], " ") {
		t.Errorf("renamed files answer differently:\n%s\n%s", answers[0], answers[1])
	}
}

func TestRunQueryMissingFields(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, "a.log.gz"), "version srcaddr dstaddr start end\n2 10.0.0.1 10.0.0.2 1 2\n")
	q, _ := queries.Default().Get("top-rejected-destinations")
	vals, _ := q.Resolve(nil)
	_, err := open(t, []string{dir}, localdb.Options{}).RunQuery(context.Background(), q, vals)
	want := "top-rejected-destinations@2 needs field(s) packets (v2), action (v2), which the data's format lacks " +
		"(${version} ${srcaddr} ${dstaddr} ${start} ${end}); create the flow log with a format that includes them"
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

// TestLibraryOnParquetCache runs the conformance suite over an imported cache,
// and checks that a second import converts nothing.
func TestLibraryOnParquetCache(t *testing.T) {
	srcs, truths := generateDatasets(t, partitions.Layout{PerHour: true})
	caches := map[string]string{}
	for name, src := range srcs {
		caches[name] = t.TempDir()
		if _, err := localdb.Import(context.Background(), []string{src}, caches[name], localdb.Options{}); err != nil {
			t.Fatal(err)
		}
	}
	src, cache, truth := srcs["default"], t.TempDir(), truths["default"]
	st, err := localdb.Import(context.Background(), []string{src}, cache, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// One Parquet file per hour folder.
	hours := int(truth.End.Sub(truth.Start) / time.Hour)
	if st.Written != hours || st.Records != truth.Records || len(st.BadLines) != 0 {
		t.Fatalf("import %+v, want %d files %d records", st, hours, truth.Records)
	}
	db := open(t, []string{cache}, localdb.Options{})
	if db.Layout() != (partitions.Layout{PerHour: true}) || len(db.Files()) != hours {
		t.Errorf("cache layout %v, %d files", db.Layout(), len(db.Files()))
	}
	enginetest.Run(t, opener(caches, t.TempDir()), truths)

	// A window reads only its folders: an hour needs the hour before too
	// (records that end in it may be filed up to 5 minutes later... and earlier).
	w, _ := partitions.NewWindow(truth.Start.Add(10*time.Hour), truth.Start.Add(11*time.Hour))
	if n := len(open(t, []string{cache}, localdb.Options{Window: &w}).Files()); n != 3 {
		t.Errorf("a 1-hour window reads %d cache files, want 3 (09h for the slack before, 10h, 11h for the slack after)", n)
	}

	again, err := localdb.Import(context.Background(), []string{src}, cache, localdb.Options{})
	if err != nil || again.Written != 0 || again.UpToDate != hours {
		t.Errorf("second import %+v, %v: want every file up to date", again, err)
	}
	// A late delivery into an old folder, even with an old modification time,
	// rewrites that folder's file only.
	var first string
	filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if first == "" && err == nil && strings.HasSuffix(path, ".log.gz") {
			first = path
		}
		return err
	})
	data, err := os.ReadFile(first)
	if err != nil {
		t.Fatal(err)
	}
	late := strings.Replace(first, ".log.gz", "", 1) + "0.log.gz" // the same folder and time, another hash
	if err := os.WriteFile(late, data, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	os.Chtimes(late, old, old)
	third, err := localdb.Import(context.Background(), []string{src}, cache, localdb.Options{})
	if err != nil || third.Written != 1 || third.UpToDate != hours-1 {
		t.Errorf("import after a late delivery %+v, %v: want one file rewritten", third, err)
	}
	var n int64
	if err := open(t, []string{cache}, localdb.Options{}).Conn().QueryRowContext(context.Background(), "SELECT count(*) FROM flow_logs").Scan(&n); err != nil || n <= truth.Records {
		t.Errorf("cache holds %d records, want more than %d", n, truth.Records)
	}
}

// TestImportBadLines: a file's bad lines are reported and its good records
// imported.
func TestImportBadLines(t *testing.T) {
	src, cache := t.TempDir(), t.TempDir()
	writeGzip(t, filepath.Join(src, "a.log.gz"), "version srcaddr dstaddr start end action\n"+
		"2 10.0.0.1 10.0.0.2 100 160 ACCEPT\n2 10.0.0.1 oops\n2 10.0.0.3 10.0.0.2 100 160 REJECT\n")
	st, err := localdb.Import(context.Background(), []string{src}, cache, localdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Written != 1 || st.Records != 2 || len(st.BadLines) != 1 || st.BadLines[0].Line != 3 {
		t.Fatalf("import %+v", st)
	}
	db := open(t, []string{cache}, localdb.Options{})
	res, err := db.RunSQL(context.Background(), `SELECT srcaddr, action, day FROM flow_logs ORDER BY srcaddr`)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(res.Rows); got != "[[10.0.0.1 ACCEPT 1970/01/01] [10.0.0.3 REJECT 1970/01/01]]" {
		t.Errorf("rows %s", got)
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "unplaced", "a-*.log.parquet")); len(m) != 1 {
		t.Errorf("unplaced cache files %v", m)
	}
	// The cache reports the line left out of it, as its source did.
	if bad := db.BadLines(); db.BadLineCount() != 1 || len(bad) != 1 || bad[0].Line != 3 || bad[0].File != filepath.Join(src, "a.log.gz") {
		t.Errorf("bad lines from the cache: %v (%d)", bad, db.BadLineCount())
	}
}

// restricted is the engine with its view narrowed to some columns.
type restricted struct {
	*localdb.DB
	table  string
	format flowlog.Format // the fields the view keeps
}

func (r restricted) Dataset() queries.Dataset {
	ds := r.DB.Dataset()
	ds.Table, ds.Formats = r.table, []flowlog.Format{r.format}
	return ds
}

// TestEveryQueryReadsOnlyItsFields: every query of the library, every
// version, runs on DuckDB over sample data holding every field, through a view
// that keeps only the fields the query declares (and the partition columns):
// a query with an SQL error, or one reading a field it does not declare,
// fails here. Parameters without a default get a value of their type.
func TestEveryQueryReadsOnlyItsFields(t *testing.T) {
	all, _ := flowlog.Preset("all")
	tgw, _ := flowlog.Preset("tgw")
	samples := map[string]string{}
	truths := map[string]*sample.Truth{}
	for name, format := range map[string]flowlog.Format{"all": all, "tgw": tgw} {
		dir := t.TempDir()
		truth := generate(t, dir, sample.Options{Days: 1, Seed: 3, Records: 2000, Format: format})
		samples[name], truths[name] = dir, truth
	}
	for _, q := range queries.Default().All() {
		t.Run(q.Ref(), func(t *testing.T) {
			kind := "all"
			if all.Missing(q.Fields...) != nil {
				kind = "tgw"
			}
			if tgw.Missing(q.Fields...) != nil && kind == "tgw" {
				t.Fatalf("no sample format holds every field of %s: %v", q.Ref(), q.Fields)
			}
			truth := truths[kind]
			w, _ := partitions.NewWindow(truth.Start, truth.End)
			db := open(t, []string{samples[kind]}, localdb.Options{Window: &w})
			given := map[string]string{}
			for _, p := range q.Params {
				if p.Required() {
					given[p.Name] = valueOfType(p, truth)
				}
			}
			vals, err := q.Resolve(given)
			if err != nil {
				t.Fatal(err)
			}
			// Its fields alone, then with its optional ones: a query must
			// run both ways.
			for i, fields := range [][]string{q.Fields, append(slices.Clone(q.Fields), q.Optional...)} {
				if i == 1 && len(q.Optional) == 0 {
					break
				}
				var cols []string
				for _, name := range fields {
					fd, _ := flowlog.Lookup(name)
					cols = append(cols, `"`+fd.Column()+`"`)
				}
				for _, c := range db.Layout().Columns() {
					cols = append(cols, c.Name)
				}
				view := fmt.Sprintf("declared%d", i)
				if _, err := db.Conn().ExecContext(context.Background(), "CREATE TEMP VIEW "+view+" AS SELECT "+strings.Join(cols, ", ")+" FROM flow_logs"); err != nil {
					t.Fatal(err)
				}
				format, err := flowlog.NewFormat(fields...)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := queries.Run(context.Background(), restricted{db, view, format}, q, vals); err != nil {
					t.Errorf("%s over only the fields %v: %v", q.Ref(), fields, err)
				}
			}
		})
	}
}

// valueOfType is a value a parameter of its type takes in the sample data.
func valueOfType(p queries.Param, truth *sample.Truth) string {
	switch p.Type {
	case queries.IP:
		return "10.0.1.10"
	case queries.CIDR:
		return "10.0.0.0/8"
	case queries.Port:
		return "443"
	case queries.Protocol:
		return "tcp"
	case queries.Timestamp:
		return truth.Start.Format(time.RFC3339)
	case queries.Duration:
		return "1h"
	case queries.Int:
		return "1"
	case queries.Enum:
		return p.Values[0]
	}
	return "x"
}
