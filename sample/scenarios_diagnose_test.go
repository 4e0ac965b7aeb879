package sample_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/sample"
)

// TestDiagnoseScenarios checks the facts of diagnose's scenario against its
// records, read back from the files, in v5: UDP queries, accepted, nothing
// back, on addresses no other record uses. It needs tcp-flags, so the
// default format's data stays as it was.
func TestDiagnoseScenarios(t *testing.T) {
	v2, _ := flowlog.Preset("default")
	if slices.Contains(sample.ScenariosFor(v2), "dns-no-reply") {
		t.Errorf("dns-no-reply is staged in the default format")
	}
	v5, _ := flowlog.Preset("v5")
	dir, truth := generate(t, sample.Options{Days: 2, Format: v5, Seed: 7, Records: 20000})
	i := slices.IndexFunc(truth.Scenarios, func(s sample.ScenarioTruth) bool { return s.Name == "dns-no-reply" })
	if i < 0 {
		t.Fatal("dns-no-reply is not staged in v5")
	}
	sc := truth.Scenarios[i]
	if d := sc.To.Sub(sc.From); d >= 20*time.Minute {
		t.Errorf("dns-no-reply lasts %s, want under 20 minutes", d)
	}
	fact := func(k string) string { return fmt.Sprint(sc.Facts[k]) }
	var n int
	var packets, bytes int64
	if _, err := flowlog.Scan(context.Background(), []string{dir}, flowlog.Format{}, func(_ string, r flowlog.Record) error {
		get := func(f string) string { v, _ := r.Get(f); return v.String() }
		if get("srcaddr") != fact("dst") && get("dstaddr") != fact("dst") {
			return nil
		}
		n++
		p, _ := strconv.ParseInt(get("packets"), 10, 64)
		b, _ := strconv.ParseInt(get("bytes"), 10, 64)
		packets, bytes = packets+p, bytes+b
		if get("srcaddr") != fact("src") || get("protocol") != "17" || get("dstport") != "53" || get("action") != "ACCEPT" ||
			get("interface-id") != fact("interface_id") || get("flow-direction") != "egress" || get("tcp-flags") != "0" {
			t.Errorf("record %v", r)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(n) != fact("records") || fmt.Sprint(packets) != fact("packets") || fmt.Sprint(bytes) != fact("bytes") {
		t.Errorf("%d records, %d packets, %d bytes; facts %v", n, packets, bytes, sc.Facts)
	}
}
