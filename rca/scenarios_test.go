package rca_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/localdb"
	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/rca"
	"github.com/flowq/flowq/sample"
)

// samples are the sample datasets the scenario tests diagnose, generated
// once per test binary: two days of every scenario each format tells.
var samples = struct {
	sync.Mutex
	dirs   map[string]string
	truths map[string]*sample.Truth
}{dirs: map[string]string{}, truths: map[string]*sample.Truth{}}

// dataset is the sample in a format preset (default, v5, v8, tgw).
func dataset(t *testing.T, preset string) (string, *sample.Truth) {
	t.Helper()
	samples.Lock()
	defer samples.Unlock()
	if dir, ok := samples.dirs[preset]; ok {
		return dir, samples.truths[preset]
	}
	format, ok := flowlog.Preset(preset)
	if !ok {
		t.Fatalf("no preset %s", preset)
	}
	dir, err := os.MkdirTemp(root, preset)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := sample.Generate(context.Background(), dir, sample.Options{Days: 2, Seed: 7, Records: 20000, Format: format})
	if err != nil {
		t.Fatal(err)
	}
	samples.dirs[preset], samples.truths[preset] = dir, truth
	return dir, truth
}

// root holds the samples, for the whole test binary.
var root string

func TestMain(m *testing.M) {
	var err error
	if root, err = os.MkdirTemp("", "flowq-rca"); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(root)
	os.Exit(code)
}

// scenarioOf is a scenario's truth in a dataset.
func scenarioOf(t *testing.T, truth *sample.Truth, name string) sample.ScenarioTruth {
	t.Helper()
	for _, sc := range truth.Scenarios {
		if sc.Name == name {
			return sc
		}
	}
	t.Fatalf("no scenario %s in the %s sample", name, truth.Format)
	return sample.ScenarioTruth{}
}

// diagnoseOn diagnoses a request over the local engine, opened over a
// scenario's window widened to whole quarter hours, as a person would
// give it.
func diagnoseOn(t *testing.T, preset, scenario string, req rca.Request) (*rca.Diagnosis, sample.ScenarioTruth) {
	t.Helper()
	dir, truth := dataset(t, preset)
	sc := scenarioOf(t, truth, scenario)
	w, err := partitions.NewWindow(sc.From.Truncate(15*time.Minute), sc.To.Truncate(15*time.Minute).Add(15*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	db, err := localdb.Open(context.Background(), []string{dir}, localdb.Options{Window: &w})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d, err := rca.Diagnose(context.Background(), db, req, rca.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d, sc
}

func f(sc sample.ScenarioTruth, k string) string { return fmt.Sprint(sc.Facts[k]) }

// TestDiagnoseScenarios: each verdict over the sample's scenario that
// produces it, on the local engine, in the default format (v2) and in v5;
// a verdict that needs a field neither has in the format that has it (v8
// for Block Public Access, a Transit Gateway's for its losses), and in v2
// what diagnose says it cannot tell instead.
func TestDiagnoseScenarios(t *testing.T) {
	type tc struct {
		name     string
		presets  []string
		scenario string
		req      func(sc sample.ScenarioTruth) rca.Request
		verdict  rca.VerdictID
		check    func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth)
	}
	both := []string{"default", "v5"}
	cases := []tc{
		{name: "no records", presets: both, scenario: "nodata-skipdata", verdict: rca.NoRecords,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: "198.18.50.250", Dst: f(sc, "address")}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				scope := d.Checklist[0].Finding
				for _, want := range []string{"interfaces logged records in the window (logging-coverage@1)", f(sc, "interface_id") + " NODATA Jan 6 00:00:00-01:00:00",
					f(sc, "interface_id") + " SKIPDATA Jan 6 01:00:00-01:30:00"} {
					if !strings.Contains(scope, want) {
						t.Errorf("logging scope lacks %q: %s", want, scope)
					}
				}
				if !strings.Contains(d.Verdict.Summary, "Neither address appears anywhere in the window") {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
			}},
		{name: "no records, the source elsewhere", presets: both, scenario: "one-way", verdict: rca.NoRecords,
			req: func(sc sample.ScenarioTruth) rca.Request { return rca.Request{Src: f(sc, "src"), Dst: "10.0.1.254"} },
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if want := f(sc, "src") + " appears with other peers: sent to " + f(sc, "dst"); !strings.Contains(d.Checklist[2].Finding, want) {
					t.Errorf("addresses: %s; want %q", d.Checklist[2].Finding, want)
				}
				if !strings.Contains(d.Verdict.Summary, "is in the data but never with 10.0.1.254, and 10.0.1.254 appears nowhere") {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
			}},
		{name: "rejected inbound", presets: []string{"default", "v5", "v8"}, scenario: "ssh-rejected", verdict: rca.RejectedInbound,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: "198.51.100.0/24", Dst: f(sc, "target"), Port: 22, Protocol: "tcp"}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				want := "(flow-direction ingress)"
				if !d.Data.FlowDirection {
					want = "(the source is outside the VPC)"
					if !strings.Contains(d.Checklist[3].Finding, "198.51.100.0/24 is not a private address") {
						t.Errorf("security group or network ACL: %s", d.Checklist[3].Finding)
					}
				}
				if !slices.Equal(d.Verdict.Interfaces, []string{f(sc, "interface_id")}) || !strings.Contains(d.Verdict.Summary, want) ||
					!strings.Contains(d.Verdict.Summary, f(sc, "rejects")+" records from 198.51.100.0/24") {
					t.Errorf("verdict %+v", d.Verdict)
				}
				// Without reject-reason, diagnose says it cannot tell Block
				// Public Access from a security group.
				if said := slices.ContainsFunc(d.CouldNotTell, func(s string) bool { return strings.HasPrefix(s, "reject-reason (v8)") }); said == d.Data.RejectReason {
					t.Errorf("could not tell %v", d.CouldNotTell)
				}
				if d.Data.RejectReason && !strings.Contains(d.Verdict.Summary, "The reject-reason is empty: not VPC Block Public Access.") {
					t.Errorf("v8 summary %s", d.Verdict.Summary)
				}
			}},
		// The bastion's telnet sweep, rejected as it leaves: flow-direction
		// says so in v5; in v2 the destinations, outside the VPC, do.
		{name: "rejected outbound", presets: both, scenario: "exposed-admin", verdict: rca.RejectedOutbound,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "bastion"), Dst: "198.18.40.0/24", Port: 23}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				how := map[bool]string{true: "(flow-direction egress)", false: "(the destination is outside the VPC)"}[d.Data.FlowDirection]
				if !slices.Equal(d.Verdict.Interfaces, []string{f(sc, "bastion_interface_id")}) || !strings.Contains(d.Verdict.Summary, how) ||
					!strings.HasPrefix(d.Verdict.Summary, f(sc, "sweep_rejects")+" records from "+f(sc, "bastion")) {
					t.Errorf("verdict %+v", d.Verdict)
				}
			}},
		// A destination network that holds private addresses too: v2
		// cannot tell which side rejected, and says so; v5 can.
		{name: "rejected, side unknown", presets: []string{"default"}, scenario: "exposed-admin", verdict: rca.Rejected,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "bastion"), Dst: "0.0.0.0/0", Port: 23}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if !strings.Contains(d.Verdict.Summary, "Without flow-direction (v5) the records cannot say whether "+f(sc, "bastion_interface_id")) {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
			}},
		{name: "rejected, side told", presets: []string{"v5"}, scenario: "exposed-admin", verdict: rca.RejectedOutbound,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "bastion"), Dst: "0.0.0.0/0", Port: 23}
			}},
		{name: "rejected outbound, both private", presets: []string{"v5"}, scenario: "cross-az", verdict: rca.RejectedOutbound,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "client"), Dst: f(sc, "service"), Port: 22}
			}},
		{name: "reply rejected", presets: both, scenario: "nacl-return-reject", verdict: rca.ReplyRejected,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "client"), Dst: f(sc, "server"), Port: 5432}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				p := d.Verdict.ClientPorts
				if !slices.Equal(d.Verdict.Interfaces, []string{f(sc, "server_interface_id")}) || p == nil || p.From < 32768 || p.To > 60999 || p.From >= p.To ||
					!strings.Contains(d.Verdict.Summary, fmt.Sprintf("its replies to %s's ephemeral ports %s were rejected as they left %s (30 records)", f(sc, "client"), p, f(sc, "server_interface_id"))) {
					t.Errorf("verdict %+v", d.Verdict)
				}
				if got := d.Checklist[4].Finding; got != "return-path-rejects@1: 30 rejected replies from "+f(sc, "server")+" to "+f(sc, "client")+" whose requests were accepted, to 30 client ports" {
					t.Errorf("return path: %s", got)
				}
			}},
		{name: "icmp reply rejected", presets: both, scenario: "icmp", verdict: rca.ReplyRejected,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "src"), Dst: f(sc, "dst"), Protocol: "icmp"}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if d.Verdict.ClientPorts != nil || !strings.Contains(d.Verdict.Summary, "(5 records; 5 others accepted)") {
					t.Errorf("verdict %+v", d.Verdict)
				}
			}},
		{name: "forward only, udp", presets: []string{"v5"}, scenario: "dns-no-reply", verdict: rca.ForwardOnly,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "src"), Dst: f(sc, "dst"), Port: 53, Protocol: "udp"}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if !strings.Contains(d.Verdict.Summary, fmt.Sprintf("%s sent %s records to %s:53/udp", f(sc, "src"), f(sc, "records"), f(sc, "dst"))) ||
					!slices.Equal(d.Verdict.Interfaces, []string{f(sc, "interface_id")}) {
					t.Errorf("verdict %+v", d.Verdict)
				}
			}},
		// v2 has no tcp-flags: SYNs without SYN-ACK read as forward only,
		// and it says so.
		{name: "forward only, v2 cannot tell a SYN", presets: []string{"default"}, scenario: "one-way", verdict: rca.ForwardOnly,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "src"), Dst: f(sc, "dst"), Port: 8443}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if !strings.Contains(d.Verdict.Summary, "Without tcp-flags (v3) the records cannot say whether these were SYNs that got no SYN-ACK") ||
					!strings.HasPrefix(d.CouldNotTell[0], "tcp-flags (v3)") {
					t.Errorf("summary %s; could not tell %v", d.Verdict.Summary, d.CouldNotTell)
				}
			}},
		{name: "syn unanswered", presets: []string{"v5"}, scenario: "one-way", verdict: rca.SYNUnanswered,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "src"), Dst: f(sc, "dst"), Port: 8443}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if !strings.Contains(d.Verdict.Summary, fmt.Sprintf("%s connections from %s to %s:8443 sent SYNs (%s packets", f(sc, "records"), f(sc, "src"), f(sc, "dst"), f(sc, "packets"))) {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
			}},
		{name: "syn unanswered, connect-timeout", presets: []string{"v5"}, scenario: "connect-timeout", verdict: rca.SYNUnanswered,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "client"), Dst: f(sc, "silent_peer"), Port: 443}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if !strings.HasPrefix(d.Verdict.Summary, fmt.Sprintf("%s connections from %s", f(sc, "unanswered"), f(sc, "client"))) {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
			}},
		{name: "connection refused", presets: []string{"v5"}, scenario: "connect-timeout", verdict: rca.ConnectionRefused,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "client"), Dst: f(sc, "server"), Port: 8080}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if !strings.HasPrefix(d.Verdict.Summary, fmt.Sprintf("%s connections from %s to %s:8080 were answered with a RST", f(sc, "refused"), f(sc, "client"), f(sc, "server"))) {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
			}},
		{name: "block public access, out", presets: []string{"v8"}, scenario: "bpa-rejects", verdict: rca.BPARejected,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "host"), Dst: f(sc, "callee"), Port: 443}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if !slices.Equal(d.Verdict.Interfaces, []string{f(sc, "interface_id")}) ||
					!strings.HasPrefix(d.Verdict.Summary, fmt.Sprintf("%s records from %s to %s:443 were rejected with reject-reason BPA", f(sc, "egress_rejects"), f(sc, "host"), f(sc, "callee"))) {
					t.Errorf("verdict %+v", d.Verdict)
				}
			}},
		{name: "block public access, in", presets: []string{"v8"}, scenario: "bpa-rejects", verdict: rca.BPARejected,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: "100.64.20.32/30", Dst: f(sc, "host"), Port: 443}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if e := d.Verdict.Evidence[1]; e.Query != "bpa-rejects@1" || len(e.Rows) != 4 {
					t.Errorf("evidence %+v", e)
				}
			}},
		{name: "reverse only", presets: both, scenario: "one-way", verdict: rca.ReverseOnly,
			req: func(sc sample.ScenarioTruth) rca.Request { return rca.Request{Src: f(sc, "dst"), Dst: f(sc, "src")} }},
		{name: "flows normally", presets: both, scenario: "ipv6", verdict: rca.FlowsNormally,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "src"), Dst: f(sc, "dst"), Port: 443}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				if !strings.HasPrefix(d.Verdict.Summary, fmt.Sprintf("Both directions were accepted: %s sent 12 records", f(sc, "src"))) {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
				// v2 has no tcp-flags: a connection refused with a RST would
				// read so too, and it says so.
				if said := strings.HasSuffix(d.Verdict.Summary, "Without tcp-flags (v3) a connection refused with a RST looks like this too: small records both ways."); said == d.Data.TCPFlags {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
				if !strings.Contains(d.Checklist[5].Finding, "this data has no Transit Gateway flow log") {
					t.Errorf("routes: %s", d.Checklist[5].Finding)
				}
			}},
		{name: "flows normally through a transit gateway", presets: []string{"tgw"}, scenario: "tgw-packet-loss", verdict: rca.FlowsNormally,
			req: func(sc sample.ScenarioTruth) rca.Request {
				return rca.Request{Src: f(sc, "host"), Dst: "10.20.1.10", Port: 443}
			}},
	}
	// A Transit Gateway's losses, each reason.
	for _, l := range []struct {
		reason, src, dst string
		port             int
	}{{"no-route", "", "10.30.7.15", 443}, {"blackhole", "", "10.40.2.20", 5432}, {"mtu-exceeded", "", "172.16.8.20", 445}, {"ttl-expired", "172.16.9.30", "10.50.0.9", 22}} {
		cases = append(cases, tc{name: "lost in a transit gateway, " + l.reason, presets: []string{"tgw"}, scenario: "tgw-packet-loss", verdict: rca.TGWLost,
			req: func(sc sample.ScenarioTruth) rca.Request {
				src := l.src
				if src == "" {
					src = f(sc, "host")
				}
				return rca.Request{Src: src, Dst: l.dst, Port: l.port}
			},
			check: func(t *testing.T, d *rca.Diagnosis, sc sample.ScenarioTruth) {
				// The packets lost are the scenario's, for the reason.
				if !slices.Equal(d.Verdict.Reasons, []string{l.reason}) ||
					!strings.Contains(d.Verdict.Summary, f(sc, "lost_"+strings.ReplaceAll(l.reason, "-", "_"))+" packets") {
					t.Errorf("verdict %+v", d.Verdict)
				}
			}})
	}
	// Every verdict has a scenario that produces it.
	for _, v := range rca.Verdicts {
		if !slices.ContainsFunc(cases, func(c tc) bool { return c.verdict == v }) {
			t.Errorf("verdict %s has no scenario test", v)
		}
	}
	for _, c := range cases {
		for _, preset := range c.presets {
			t.Run(c.name+"/"+preset, func(t *testing.T) {
				_, truth := dataset(t, preset)
				d, sc := diagnoseOn(t, preset, c.scenario, c.req(scenarioOf(t, truth, c.scenario)))
				if d.Verdict.ID != c.verdict {
					t.Fatalf("verdict %s, want %s:\n%s", d.Verdict.ID, c.verdict, d.Verdict.Summary)
				}
				for _, r := range d.Queries {
					if r.Provenance.Engine != "duckdb" || r.Provenance.Files == 0 || r.Provenance.Truncated {
						t.Errorf("query %+v", r)
					}
				}
				if c.check != nil {
					c.check(t, d, sc)
				}
			})
		}
	}
}
