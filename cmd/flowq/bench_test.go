package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flowq/flowq/sample"
)

// The benchmarks behind BENCHMARKS.md run the flowq binary as a user would and
// report its peak RSS. Their data is generated once per run, or kept in
// $FLOWQ_BENCH_DATA between runs:
//
//	FLOWQ_BENCH_DATA=/tmp/flowq-bench go test ./cmd/flowq -run '^$' -bench . -benchtime 3x

// benchData returns a sample dataset and its truth, generating it if needed.
func benchData(b *testing.B, name string, opts sample.Options) (string, *sample.Truth) {
	b.Helper()
	root := os.Getenv("FLOWQ_BENCH_DATA")
	if root == "" {
		root = b.TempDir()
	}
	dir := filepath.Join(root, name)
	if t, err := sample.ReadTruth(dir); err == nil {
		return dir, t
	}
	os.RemoveAll(dir)
	t, err := sample.Generate(context.Background(), dir, opts)
	if err != nil {
		b.Fatal(err)
	}
	return dir, t
}

// flowqBinary builds the CLI once per benchmark.
func flowqBinary(b *testing.B) string { return buildBinary(b, ".") }

// buildBinary builds a command of this folder.
func buildBinary(b *testing.B, pkg string) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), filepath.Base(filepath.Clean(pkg))+".bin")
	if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
		b.Fatalf("build %s: %v\n%s", pkg, err, out)
	}
	return bin
}

// runTimed runs argv b.N times and reports its peak RSS (a shell pipeline's is
// not meaningful, so none is reported for sh). prepare runs before each
// iteration, off the clock, and returns extra environment. It returns the last
// run's stdout.
func runTimed(b *testing.B, prepare func() []string, argv ...string) string {
	b.Helper()
	var out bytes.Buffer
	var rss int64
	for b.Loop() {
		var env []string
		if prepare != nil {
			b.StopTimer()
			env = prepare()
			b.StartTimer()
		}
		out.Reset()
		var errOut bytes.Buffer
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			b.Fatalf("%v: %v\n%s", argv, err, errOut.String())
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			rss = max(rss, ru.Maxrss*1024)
		}
	}
	if argv[0] != "sh" {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MiB")
	}
	return out.String()
}

// cacheHome points flowq's cache (which remembers checked files) at dir.
func cacheHome(dir string) func() []string {
	return func() []string { return []string{"XDG_CACHE_HOME=" + dir} }
}

// topRejectedAwk is top-rejected-destinations in awk over the default format:
// rejects, packets, distinct sources, first start and last end per destination.
const topRejectedAwk = `find "$1/" -name '*.log.gz' -print0 | xargs -0 zcat | awk '
$13 == "REJECT" { d = $5; n[d]++; p[d] += $9
  if (!((d, $4) in seen)) { seen[d, $4] = 1; s[d]++ }
  if (!(d in f) || $11 < f[d]) f[d] = $11
  if ($12 > l[d]) l[d] = $12 }
END { for (d in n) print d, n[d], p[d], s[d], f[d], l[d] }' | sort -k2,2nr -k1,1 | head -10`

// firstField is the first field of the first data line of CSV or awk output.
func firstField(out string, header bool) string {
	lines := strings.Split(out, "\n")
	if header {
		lines = lines[1:]
	}
	return strings.FieldsFunc(lines[0], func(r rune) bool { return r == ',' || r == ' ' })[0]
}

// shapes are the trees BENCHMARKS.md measures, laid out as AWS writes them:
// 5-minute files in daily folders.
var shapes = []struct {
	name string
	opts sample.Options
}{
	{"7d-2016x1.1k", sample.Options{Days: 7, Seed: 2, Records: 2_300_000}},
	{"7d-2016x10k", sample.Options{Days: 7, Seed: 1, Records: 20_000_000}},
	{"30d-8640x300", sample.Options{Days: 30, Seed: 3, Records: 2_600_000}},
}

// readcsvBinary builds the reference: the same query hand-written against
// DuckDB's read_csv (testdata/readcsv), run as its own process like flowq.
func readcsvBinary(b *testing.B) string { return buildBinary(b, "./testdata/readcsv") }

// BenchmarkTopRejected: top-rejected-destinations over each shape, side by
// side: flowq over files it never saw (cold: every gzip stream and line
// checked as the query reads them), flowq over files it checked before
// (warm), the same SQL hand-written against DuckDB's read_csv, zcat | awk
// computing the same answer, and flowq over the Parquet cache of the tree.
//
//	FLOWQ_BENCH_DATA=/tmp/fb go test ./cmd/flowq -run '^$' -bench TopRejected -benchtime 5x -timeout 60m
func BenchmarkTopRejected(b *testing.B) {
	bin, ref := flowqBinary(b), readcsvBinary(b)
	for _, shape := range shapes {
		dir, truth := benchData(b, shape.name, shape.opts)
		want := truth.TopRejectedDestinations[0].Dstaddr
		check := func(b *testing.B, got string) {
			if got != want {
				b.Fatalf("top destination %s, want %s", got, want)
			}
		}
		run := []string{bin, "run", "top-rejected-destinations", "--local", dir, "-o", "csv"}
		b.Run(shape.name+"/flowq-cold", func(b *testing.B) {
			fresh := func() []string { return cacheHome(b.TempDir())() }
			check(b, firstField(runTimed(b, fresh, run...), true))
		})
		warm := b.TempDir()
		b.Run(shape.name+"/flowq-warm", func(b *testing.B) {
			cmd := exec.Command(run[0], run[1:]...)
			cmd.Env = append(os.Environ(), cacheHome(warm)()...)
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			check(b, firstField(runTimed(b, cacheHome(warm), run...), true))
		})
		b.Run(shape.name+"/read_csv", func(b *testing.B) {
			check(b, firstField(runTimed(b, nil, ref, dir, "top-rejected-destinations"), true))
		})
		b.Run(shape.name+"/zcat-awk", func(b *testing.B) {
			check(b, firstField(runTimed(b, nil, "sh", "-c", topRejectedAwk, "sh", dir), false))
		})
		b.Run(shape.name+"/flowq-parquet", func(b *testing.B) {
			cache := dir + "-parquet"
			if _, err := os.Stat(cache); err != nil {
				if out, err := exec.Command(bin, "import", dir, "--to", cache).CombinedOutput(); err != nil {
					b.Fatalf("import: %v\n%s", err, out)
				}
			}
			check(b, firstField(runTimed(b, cacheHome(warm), bin, "run", "top-rejected-destinations", "--local", cache, "-o", "csv"), true))
		})
	}
}

// BenchmarkImport7Days: flowq import of 7 days at ~2.3M records (2,016 files),
// first time (every file checked), against zcat | awk reading the same files.
func BenchmarkImport7Days(b *testing.B) {
	dir, truth := benchData(b, shapes[0].name, shapes[0].opts)
	bin := flowqBinary(b)
	dest := filepath.Join(b.TempDir(), "parquet")
	// Each import starts from nothing: no cache folder, no checked files.
	fresh := func() []string {
		os.RemoveAll(dest)
		return cacheHome(b.TempDir())()
	}
	b.Run("flowq-import", func(b *testing.B) {
		runTimed(b, fresh, bin, "import", dir, "--to", dest)
		// Every record kept: count them in the cache.
		res, err := exec.Command(bin, "sql", "SELECT count(*) FROM flow_logs", "--local", dest, "-o", "csv").Output()
		if err != nil {
			b.Fatal(err)
		}
		if got := strings.TrimSpace(strings.Split(string(res), "\n")[1]); got != strconv.FormatInt(truth.Records, 10) {
			b.Fatalf("cache holds %s records, want %d", got, truth.Records)
		}
	})
	b.Run("zcat-awk", func(b *testing.B) {
		runTimed(b, nil, "sh", "-c", topRejectedAwk, "sh", dir)
	})
}

// BenchmarkWindowPruning30Days: a 1-hour window over 30 days of data (8,640
// files) reads only the files that can hold its records.
func BenchmarkWindowPruning30Days(b *testing.B) {
	dir, truth := benchData(b, shapes[2].name, shapes[2].opts)
	bin := flowqBinary(b)
	from := truth.Start.Add(15*24*time.Hour + 10*time.Hour)
	out := runTimed(b, cacheHome(b.TempDir()), bin, "run", "rejects-over-time", "--local", dir,
		"--from", from.Format(time.RFC3339), "--to", from.Add(time.Hour).Format(time.RFC3339), "-o", "json")
	var doc struct {
		Provenance struct {
			Files int `json:"files"`
		} `json:"provenance"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(100*float64(doc.Provenance.Files)/float64(truth.Files), "%-files-read")
	b.ReportMetric(float64(doc.Provenance.Files), "files-read")
}
