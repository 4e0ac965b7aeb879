package audit_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/audit"
)

// chromium finds headless Chromium on PATH (Debian's chromium package;
// .ci/run installs it). Without it the page's rendering cannot be checked:
// the test says so and skips.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium or chromium-browser on PATH: report.html is not rendered (apt-get install -y chromium)")
	return ""
}

// runChromium runs headless Chromium on a page with a new, empty profile
// and no background networking, and returns its stdout.
func runChromium(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	argv := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1200,3000"}, args...)
	cmd := exec.CommandContext(ctx, bin, append(argv, "file://"+page)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %v: %v\n%s", bin, args, err, errOut.String())
	}
	return out.Bytes()
}

// TestAuditReportChromium renders report.html in headless Chromium, from
// the file as a user opens it: the page fetches nothing (its policy allows
// no network at all, and it names no address outside itself), its charts
// drew (the page marks its body once every chart's canvas holds ink), the
// totals it shows are summary.json's, and a screenshot of it is not blank.
func TestAuditReportChromium(t *testing.T) {
	bin := chromium(t)
	pack, _ := writeSamplePack(t, nil)
	page, err := filepath.Abs(filepath.Join(pack.Dir, audit.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	chart, err := os.ReadFile("assets/chart.umd.min.js")
	if err != nil {
		t.Fatal(err)
	}
	own := strings.Replace(string(html), string(chart), "", 1)
	if len(own) == len(html) {
		t.Errorf("the page does not inline Chart.js")
	}
	if !strings.Contains(own, `content="default-src 'none'; script-src 'unsafe-inline'`) {
		t.Errorf("the page's content security policy is not default-src 'none'")
	}
	if m := regexp.MustCompile(`(?i)\b(src|href)\s*=|url\(|@import|https?:|//[a-z]`).FindString(own); m != "" {
		t.Errorf("the page names something outside itself: %q", m)
	}

	dom := string(runChromium(t, bin, page, "--dump-dom"))
	body := regexp.MustCompile(`<body[^>]*>`).FindString(dom)
	if !strings.Contains(body, `data-charts="drawn"`) || !strings.Contains(body, `data-chart-count="6"`) {
		t.Errorf("the charts did not draw: %s", body)
	}
	s := readSummary(t, pack.Dir)
	shown := map[string]int64{}
	for _, m := range regexp.MustCompile(`data-total="([a-z]+)">([0-9,]+)<`).FindAllStringSubmatch(dom, -1) {
		n, _ := strconv.ParseInt(strings.ReplaceAll(m[2], ",", ""), 10, 64)
		shown[m[1]] = n
	}
	for name, want := range map[string]int64{"denies": s.Denies, "packets": s.Packets, "bytes": s.Bytes, "sources": int64(s.Sources),
		"destinations": int64(s.Destinations), "interfaces": int64(s.Interfaces), "accounts": int64(s.Accounts)} {
		if got, ok := shown[name]; !ok || got != want {
			t.Errorf("the page shows %s %d (shown: %v), summary.json %d", name, got, ok, want)
		}
	}
	for _, d := range s.PerDay {
		m := regexp.MustCompile(`data-day-denies="` + d.Day + `">([0-9,]+)<`).FindStringSubmatch(dom)
		if m == nil || strings.ReplaceAll(m[1], ",", "") != strconv.FormatInt(d.Denies, 10) {
			t.Errorf("%s: the page shows %v denies, summary.json %d", d.Day, m, d.Denies)
		}
	}

	shot := filepath.Join(t.TempDir(), "report.png")
	runChromium(t, bin, page, "--screenshot="+shot)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	checkDrawn(t, img)
}

// checkDrawn fails on a blank screenshot: one colour, or hardly any pixels
// but the background's, or none of the bars' red.
func checkDrawn(t *testing.T, img image.Image) {
	t.Helper()
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	colours := map[[3]uint32]bool{}
	var inked, red int
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := img.At(x, y)
			r, g, bl, _ := c.RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
			if c != bg {
				inked++
			}
			// The bars of the denies (#c53030).
			if r>>8 > 170 && r>>8 < 220 && g>>8 < 80 && bl>>8 < 80 {
				red++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	if len(colours) < 50 || inked*10 < total || red < 500 {
		t.Errorf("the screenshot (%dx%d) looks blank: %d colours, %d of %d pixels not the background, %d red ones", b.Dx(), b.Dy(), len(colours), inked, total, red)
	}
}
