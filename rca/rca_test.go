package rca_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/flowq/flowq/queries"
	"github.com/flowq/flowq/rca"
)

const (
	clientENI = "eni-0c11e47000000000a"
	serverENI = "eni-05e7e47000000000b"
)

// pairOf is pair-summary's parameters for a and b, on any port and
// protocol unless given.
func pairOf(a, b string, portProto ...string) ran {
	p := map[string]string{"a": a, "b": b, "port": "-1", "protocol": "any"}
	if len(portProto) > 0 {
		p["port"] = portProto[0]
	}
	if len(portProto) > 1 {
		p["protocol"] = portProto[1]
	}
	return ran{"pair-summary@1", p}
}

// limited is a query run with diagnose's first limit.
func limited(ref string, params map[string]string) ran {
	p := map[string]string{"limit": "10000"}
	for k, v := range params {
		p[k] = v
	}
	return ran{ref, p}
}

// TestDiagnose: for canned rows of each verdict, the queries diagnose runs,
// with their parameters, in order, and the verdict it reads from them.
func TestDiagnose(t *testing.T) {
	for _, tc := range []struct {
		name    string
		preset  string
		req     rca.Request
		answers map[string]answer
		calls   []ran
		verdict rca.VerdictID
		check   func(t *testing.T, d *rca.Diagnosis)
	}{
		{
			name: "no records", preset: "default", req: rca.Request{Src: "198.18.50.250", Dst: "10.0.3.202"},
			answers: map[string]answer{
				"logging-coverage@1": {rows: []map[string]any{
					{"interface_id": "eni-1", "records": int64(30), "nodata": int64(0), "skipdata": int64(0), "gaps": int64(0)},
					{"interface_id": "eni-2", "records": int64(9), "nodata": int64(6), "skipdata": int64(3), "gaps": int64(0)}}},
				"nodata-skipdata@1": {rows: []map[string]any{{"interface_id": "eni-2", "log_status": "NODATA", "records": int64(6),
					"run_start": window.From, "run_end": window.From.Add(3600e9)}}},
			},
			calls: []ran{pairOf("198.18.50.250", "10.0.3.202"), limited("logging-coverage@1", nil), {"nodata-skipdata@1", nil},
				{"host-traffic@1", map[string]string{"host": "198.18.50.250", "direction": "from", "limit": "5"}},
				{"host-traffic@1", map[string]string{"host": "198.18.50.250", "direction": "to", "limit": "5"}},
				{"host-traffic@1", map[string]string{"host": "10.0.3.202", "direction": "from", "limit": "5"}},
				{"host-traffic@1", map[string]string{"host": "10.0.3.202", "direction": "to", "limit": "5"}}},
			verdict: rca.NoRecords,
			check: func(t *testing.T, d *rca.Diagnosis) {
				scope := d.Checklist[0].Finding
				if !strings.Contains(scope, "2 interfaces logged records in the window (logging-coverage@1): eni-1, eni-2") ||
					!strings.Contains(scope, "eni-2 NODATA Jan 5 14:00:00-15:00:00") {
					t.Errorf("logging scope: %s", scope)
				}
				// The interface with NODATA first in the evidence.
				if e := evidence(t, d, "logging-coverage@1"); e.Rows[0][1] != "eni-2" {
					t.Errorf("coverage evidence %v", e.Rows)
				}
				if !strings.Contains(d.Verdict.Summary, "Neither address appears anywhere in the window") {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
			},
		},
		{
			name: "reply rejected", preset: "default", req: rca.Request{Src: "10.0.2.201", Dst: "10.0.3.201", Port: 5432},
			answers: map[string]answer{
				"pair-summary@1": {rows: []map[string]any{
					pair("a->b", clientENI, "ACCEPT", "", "", 6, 30, 33012, 60817, 5432),
					pair("a->b", serverENI, "ACCEPT", "", "", 6, 30, 33012, 60817, 5432),
					pair("b->a", serverENI, "REJECT", "", "", 6, 30, 33012, 60817, 5432)}},
				"return-path-rejects@1": {rows: []map[string]any{
					{"server": "10.0.3.201", "server_port": int64(5432), "client": "10.0.2.201", "interface_id": serverENI, "rejected_replies": int64(30), "client_ports": int64(30)},
					{"server": "10.0.3.9", "server_port": int64(5432), "client": "10.0.2.201", "interface_id": serverENI, "rejected_replies": int64(4), "client_ports": int64(4)},
					{"server": "10.0.3.201", "server_port": int64(22), "client": "10.0.2.201", "interface_id": serverENI, "rejected_replies": int64(2), "client_ports": int64(2)}}},
			},
			calls:   []ran{pairOf("10.0.2.201", "10.0.3.201", "5432"), {"return-path-rejects@1", nil}},
			verdict: rca.ReplyRejected,
			check: func(t *testing.T, d *rca.Diagnosis) {
				if v := d.Verdict; v.ClientPorts == nil || *v.ClientPorts != (rca.PortRange{From: 33012, To: 60817}) || !slices.Equal(v.Interfaces, []string{serverENI}) {
					t.Errorf("verdict %+v", v)
				}
				// Only this server's rejected replies on this port.
				if e := evidence(t, d, "return-path-rejects@1"); len(e.Rows) != 1 || e.Rows[0][0] != "10.0.3.201" {
					t.Errorf("return-path evidence %v", e.Rows)
				}
				// The client's interface saw the requests and no reply: the
				// replies never left the server's.
				if f := d.Checklist[3].Finding; !strings.Contains(f, "the outbound rules of the network ACL of "+serverENI+"'s subnet (10.0.3.201's side)") {
					t.Errorf("security group or network ACL: %s", f)
				}
				if !strings.Contains(d.Next[0], "tcp to 10.0.2.201 on ports 1024-65535 (the replies went to 33012-60817") {
					t.Errorf("next %v", d.Next)
				}
			},
		},
		{
			name: "rejected inbound from the internet, v2", preset: "default", req: rca.Request{Src: "198.51.100.0/24", Dst: "10.0.1.200", Port: 22, Protocol: "tcp"},
			answers: map[string]answer{"pair-summary@1": {rows: []map[string]any{pair("a->b", serverENI, "REJECT", "", "", 6, 200, 32768, 60000, 22)}}},
			calls:   []ran{pairOf("198.51.100.0/24", "10.0.1.200", "22", "tcp")},
			verdict: rca.RejectedInbound,
			check: func(t *testing.T, d *rca.Diagnosis) {
				if !strings.Contains(d.Verdict.Summary, "(the source is outside the VPC)") || !strings.Contains(d.Checklist[3].Finding, "198.51.100.0/24 is not a private address") {
					t.Errorf("summary %s; checklist %s", d.Verdict.Summary, d.Checklist[3].Finding)
				}
				if !followUps(d, "rejects-on-port@1 port=22 protocol=tcp", "interface-rejects@1", "traffic-between@2 a=198.51.100.0/24 b=10.0.1.200") {
					t.Errorf("follow-ups %+v", d.FollowUps)
				}
			},
		},
		{
			name: "rejected, side unknown in v2", preset: "default", req: rca.Request{Src: "10.0.1.252", Dst: "10.0.3.252"},
			answers: map[string]answer{"pair-summary@1": {rows: []map[string]any{pair("a->b", clientENI, "REJECT", "", "", 6, 12, 40000, 50000, 8443)}}},
			calls:   []ran{pairOf("10.0.1.252", "10.0.3.252")},
			verdict: rca.Rejected,
		},
		{
			name: "rejected outbound, v5", preset: "v5", req: rca.Request{Src: "10.0.1.252", Dst: "10.0.3.252"},
			answers: map[string]answer{"pair-summary@1": {rows: []map[string]any{pair("a->b", clientENI, "REJECT", "egress", "", 6, 12, 40000, 50000, 8443)}}},
			calls:   []ran{pairOf("10.0.1.252", "10.0.3.252")},
			verdict: rca.RejectedOutbound,
		},
		{
			name: "rejected inbound, accepted on the way out", preset: "default", req: rca.Request{Src: "10.0.1.9", Dst: "10.0.3.9"},
			answers: map[string]answer{"pair-summary@1": {rows: []map[string]any{
				pair("a->b", clientENI, "ACCEPT", "", "", 6, 5, 40000, 50000, 443),
				pair("a->b", serverENI, "REJECT", "", "", 6, 5, 40000, 50000, 443)}}},
			calls:   []ran{pairOf("10.0.1.9", "10.0.3.9")},
			verdict: rca.RejectedInbound,
		},
		{
			name: "bpa, v8", preset: "v8", req: rca.Request{Src: "10.0.3.226", Dst: "198.18.20.26", Port: 443},
			answers: map[string]answer{
				"pair-summary@1": {rows: []map[string]any{pair("a->b", serverENI, "REJECT", "egress", "BPA", 6, 12, 40000, 50000, 443)}},
				"bpa-rejects@1": {rows: []map[string]any{
					{"interface_id": serverENI, "srcaddr": "10.0.3.226", "dstaddr": "198.18.20.26", "dstport": int64(443), "protocol": int64(6), "rejects": int64(12)},
					{"interface_id": serverENI, "srcaddr": "100.64.20.30", "dstaddr": "10.0.3.226", "dstport": int64(443), "protocol": int64(6), "rejects": int64(3)}}},
			},
			calls:   []ran{pairOf("10.0.3.226", "198.18.20.26", "443"), limited("bpa-rejects@1", nil)},
			verdict: rca.BPARejected,
			check: func(t *testing.T, d *rca.Diagnosis) {
				if e := evidence(t, d, "bpa-rejects@1"); len(e.Rows) != 1 {
					t.Errorf("bpa evidence %v", e.Rows)
				}
				if len(d.CouldNotTell) != 0 {
					t.Errorf("v8 can tell everything the checklist needs: %v", d.CouldNotTell)
				}
			},
		},
		{
			name: "lost in a transit gateway", preset: "tgw", req: rca.Request{Src: "10.0.1.232", Dst: "10.0.0.0/8"},
			answers: map[string]answer{
				"pair-summary@1": {rows: []map[string]any{pair("a->b", "", "", "ingress", "", 6, 20, 40000, 50000, 443)}},
				"tgw-lost-flows@1": {rows: []map[string]any{
					{"tgw_attachment_id": "tgw-attach-1", "srcaddr": "10.0.1.232", "dstaddr": "10.30.7.15", "dstport": int64(443), "protocol": int64(6), "reason": "no-route", "packets_lost": int64(33)},
					{"tgw_attachment_id": "tgw-attach-1", "srcaddr": "10.0.1.232", "dstaddr": "10.40.2.20", "dstport": int64(5432), "protocol": int64(6), "reason": "blackhole", "packets_lost": int64(40)},
					{"tgw_attachment_id": "tgw-attach-2", "srcaddr": "172.16.9.30", "dstaddr": "10.50.0.9", "dstport": int64(22), "protocol": int64(6), "reason": "ttl-expired", "packets_lost": int64(9)}}},
				"tgw-packet-loss@1": {rows: []map[string]any{
					{"tgw_attachment_id": "tgw-attach-1", "reason": "no-route", "packets_lost": int64(33)},
					{"tgw_attachment_id": "tgw-attach-2", "reason": "ttl-expired", "packets_lost": int64(9)}}},
			},
			calls:   []ran{pairOf("10.0.1.232", "10.0.0.0/8"), limited("tgw-lost-flows@1", map[string]string{"reason": "any"}), {"tgw-packet-loss@1", nil}},
			verdict: rca.TGWLost,
			check: func(t *testing.T, d *rca.Diagnosis) {
				if v := d.Verdict; !slices.Equal(v.Reasons, []string{"blackhole", "no-route"}) || !slices.Equal(v.Interfaces, []string{"tgw-attach-1"}) ||
					v.Title != "lost in a Transit Gateway: blackhole, no-route" {
					t.Errorf("verdict %+v", v)
				}
				if e := evidence(t, d, "tgw-packet-loss@1"); len(e.Rows) != 1 {
					t.Errorf("packet-loss evidence %v", e.Rows)
				}
				if len(d.CouldNotTell) != 1 || !strings.HasPrefix(d.CouldNotTell[0], "interface-id and action") {
					t.Errorf("could not tell %v", d.CouldNotTell)
				}
			},
		},
		{
			name: "flows through a transit gateway", preset: "tgw", req: rca.Request{Src: "10.0.1.232", Dst: "10.20.1.10"},
			answers: map[string]answer{"pair-summary@1": {rows: []map[string]any{
				pair("a->b", "", "", "ingress", "", 6, 20, 40000, 50000, 443),
				pair("b->a", "", "", "egress", "", 6, 20, 40000, 50000, 443)}}},
			calls:   []ran{pairOf("10.0.1.232", "10.20.1.10"), limited("tgw-lost-flows@1", map[string]string{"reason": "any"})},
			verdict: rca.FlowsNormally,
		},
		{
			name: "syn unanswered, v5", preset: "v5", req: rca.Request{Src: "10.0.1.220", Dst: "198.18.20.20", Port: 443},
			answers: map[string]answer{
				"pair-summary@1": {rows: []map[string]any{pair("a->b", clientENI, "ACCEPT", "egress", "", 6, 20, 40000, 50000, 443)}},
				"unanswered-syns@1": {rows: []map[string]any{
					{"client": "10.0.1.220", "server": "198.18.20.20", "port": int64(443), "unanswered": int64(20), "refused": int64(0), "answered": int64(0), "unanswered_syn_packets": int64(80)},
					{"client": "10.0.1.220", "server": "10.0.3.221", "port": int64(8080), "unanswered": int64(0), "refused": int64(20), "answered": int64(0)}}},
			},
			calls: []ran{pairOf("10.0.1.220", "198.18.20.20", "443"), limited("unanswered-syns@1", nil),
				{"host-traffic@1", map[string]string{"host": "198.18.20.20", "limit": "5"}}, {"nodata-skipdata@1", nil}},
			verdict: rca.SYNUnanswered,
			check: func(t *testing.T, d *rca.Diagnosis) {
				if !strings.Contains(d.Verdict.Summary, "20 connections from 10.0.1.220 to 198.18.20.20:443 sent SYNs (80 packets") {
					t.Errorf("summary %s", d.Verdict.Summary)
				}
			},
		},
		{
			name: "refused, v5", preset: "v5", req: rca.Request{Src: "10.0.1.220", Dst: "10.0.3.221", Port: 8080},
			answers: map[string]answer{
				"pair-summary@1": {rows: []map[string]any{
					pair("a->b", clientENI, "ACCEPT", "egress", "", 6, 23, 40000, 50000, 8080),
					pair("b->a", clientENI, "ACCEPT", "ingress", "", 6, 23, 40000, 50000, 8080)}},
				"unanswered-syns@1": {rows: []map[string]any{
					{"client": "10.0.1.220", "server": "10.0.3.221", "port": int64(8080), "unanswered": int64(0), "refused": int64(20), "answered": int64(0)}}},
			},
			calls:   []ran{pairOf("10.0.1.220", "10.0.3.221", "8080"), limited("unanswered-syns@1", nil)},
			verdict: rca.ConnectionRefused,
		},
		{
			name: "forward only, v2", preset: "default", req: rca.Request{Src: "10.0.2.202", Dst: "192.0.2.10", Port: 8443},
			answers: map[string]answer{
				"pair-summary@1": {rows: []map[string]any{pair("a->b", clientENI, "ACCEPT", "", "", 6, 20, 40000, 50000, 8443)}},
				"one-way-flows@1": {rows: []map[string]any{
					{"srcaddr": "10.0.2.202", "dstaddr": "192.0.2.10", "dstport": int64(8443), "protocol": int64(6), "records": int64(20)},
					{"srcaddr": "10.0.2.99", "dstaddr": "192.0.2.10", "dstport": int64(8443), "protocol": int64(6), "records": int64(2)}}},
				"nodata-skipdata@1": {rows: []map[string]any{
					{"interface_id": clientENI, "log_status": "SKIPDATA", "records": int64(1)},
					{"interface_id": clientENI, "log_status": "NODATA", "records": int64(1)},
					{"interface_id": serverENI, "log_status": "SKIPDATA", "records": int64(1)}}},
			},
			calls: []ran{pairOf("10.0.2.202", "192.0.2.10", "8443"), {"one-way-flows@1", nil},
				{"host-traffic@1", map[string]string{"host": "192.0.2.10", "limit": "5"}}, {"nodata-skipdata@1", nil}},
			verdict: rca.ForwardOnly,
			check: func(t *testing.T, d *rca.Diagnosis) {
				for _, want := range []string{"192.0.2.10 is outside the VPC", "192.0.2.10 sent nothing at all in the window",
					clientENI + " lost records (SKIPDATA) in the window", "Without tcp-flags (v3)"} {
					if !strings.Contains(d.Verdict.Summary, want) {
						t.Errorf("summary lacks %q: %s", want, d.Verdict.Summary)
					}
				}
				if e := evidence(t, d, "one-way-flows@1"); len(e.Rows) != 1 {
					t.Errorf("one-way evidence %v", e.Rows)
				}
				if e := evidence(t, d, "nodata-skipdata@1"); len(e.Rows) != 1 {
					t.Errorf("skipdata evidence %v", e.Rows)
				}
			},
		},
		{
			name: "reverse only", preset: "default", req: rca.Request{Src: "192.0.2.10", Dst: "10.0.2.202"},
			answers: map[string]answer{"pair-summary@1": {rows: []map[string]any{pair("b->a", clientENI, "ACCEPT", "", "", 6, 20, 8443, 8443, 40000)}}},
			calls:   []ran{pairOf("192.0.2.10", "10.0.2.202")},
			verdict: rca.ReverseOnly,
		},
		{
			name: "flows normally, v5", preset: "v5", req: rca.Request{Src: "2600:1f18:4c1:a100::cc", Dst: "2600:1f18:4c1:a300::dd", Port: 443},
			answers: map[string]answer{"pair-summary@1": {rows: []map[string]any{
				pair("a->b", clientENI, "ACCEPT", "egress", "", 6, 12, 40000, 50000, 443),
				pair("b->a", clientENI, "ACCEPT", "ingress", "", 6, 12, 40000, 50000, 443)}}},
			calls:   []ran{pairOf("2600:1f18:4c1:a100::cc", "2600:1f18:4c1:a300::dd", "443"), limited("unanswered-syns@1", nil)},
			verdict: rca.FlowsNormally,
			check: func(t *testing.T, d *rca.Diagnosis) {
				if strings.Contains(d.Verdict.Summary, "tcp-flags") || len(d.CouldNotTell) != 1 || !strings.HasPrefix(d.CouldNotTell[0], "reject-reason (v8)") {
					t.Errorf("v5: %s; could not tell %v", d.Verdict.Summary, d.CouldNotTell)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStub(t, tc.preset, tc.answers)
			d, err := rca.Diagnose(context.Background(), s, tc.req, rca.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s.wantCalls(tc.calls...)
			if d.Verdict.ID != tc.verdict {
				t.Fatalf("verdict %s, want %s: %s", d.Verdict.ID, tc.verdict, d.Verdict.Summary)
			}
			// Every query run is in the diagnosis, with its provenance; the
			// checklist has every step; pair-summary is the first evidence.
			if len(d.Queries) != len(tc.calls) {
				t.Errorf("%d queries in the diagnosis, %d run", len(d.Queries), len(tc.calls))
			}
			for i, q := range d.Queries {
				if q.Provenance.Query != tc.calls[i].ref || q.Provenance.Engine != "duckdb" || q.Provenance.Files != 3 || q.Step == "" {
					t.Errorf("query %d: %+v", i, q)
				}
			}
			if len(d.Checklist) != len(rca.Steps) || slices.ContainsFunc(d.Checklist, func(s rca.Step) bool { return s.Finding == "" }) {
				t.Errorf("checklist %+v", d.Checklist)
			}
			if len(d.Verdict.Evidence) == 0 || d.Verdict.Evidence[0].Query != "pair-summary@1" || d.Verdict.Title == "" || d.Verdict.Summary == "" ||
				len(d.Next) == 0 || len(d.FollowUps) == 0 {
				t.Errorf("diagnosis %+v", d)
			}
			if tc.preset == "default" && len(d.CouldNotTell) != 3 {
				t.Errorf("v2: could not tell %v, want tcp-flags, flow-direction and reject-reason", d.CouldNotTell)
			}
			if tc.check != nil {
				tc.check(t, d)
			}
		})
	}
}

// TestDiagnoseLimit: a result the first limit cuts is run again at the
// highest; one cut even there is said to be, and the verdict still comes.
func TestDiagnoseLimit(t *testing.T) {
	syn := map[string]any{"client": "10.0.9.9", "server": "10.0.9.10", "port": int64(443), "unanswered": int64(1)}
	answers := map[string]answer{
		"pair-summary@1": {rows: []map[string]any{
			pair("a->b", clientENI, "ACCEPT", "egress", "", 6, 3, 40000, 50000, 443),
			pair("b->a", clientENI, "ACCEPT", "ingress", "", 6, 3, 40000, 50000, 443)}},
		"unanswered-syns@1": {many: syn},
	}
	s := newStub(t, "v5", answers)
	d, err := rca.Diagnose(context.Background(), s, rca.Request{Src: "10.0.1.1", Dst: "10.0.3.3"}, rca.Options{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	s.wantCalls(pairOf("10.0.1.1", "10.0.3.3"), ran{"unanswered-syns@1", map[string]string{"limit": "2"}},
		ran{"unanswered-syns@1", map[string]string{"limit": "1000000"}})
	if d.Verdict.ID != rca.FlowsNormally || !d.Queries[1].Provenance.Truncated || !d.Queries[2].Provenance.Truncated {
		t.Fatalf("verdict %s, queries %+v", d.Verdict.ID, d.Queries)
	}
	if len(d.CouldNotTell) != 2 || !strings.HasPrefix(d.CouldNotTell[1], "unanswered-syns@1 was cut at its limit of 1000000 rows") {
		t.Errorf("could not tell %v", d.CouldNotTell)
	}

	// Cut at the first limit only: the second run reads it all.
	answers["unanswered-syns@1"] = answer{many: syn, times: 3}
	s = newStub(t, "v5", answers)
	d, err = rca.Diagnose(context.Background(), s, rca.Request{Src: "10.0.1.1", Dst: "10.0.3.3"}, rca.Options{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.calls) != 3 || !d.Queries[1].Provenance.Truncated || d.Queries[2].Provenance.Truncated || len(d.CouldNotTell) != 1 {
		t.Errorf("queries %+v, could not tell %v", d.Queries, d.CouldNotTell)
	}
}

// TestDiagnoseErrors: a request Check refuses runs nothing; a query that
// fails is named with the step it served, and cancelling is ctx's error.
func TestDiagnoseErrors(t *testing.T) {
	for _, tc := range []struct {
		req  rca.Request
		want string
	}{
		{rca.Request{Src: "10.0.1.5", Dst: "x"}, `diagnose: dst: "x" is not an address or a CIDR network (10.0.1.5, 10.0.1.0/24)`},
		{rca.Request{Src: "10.0.1.5/24", Dst: "10.0.2.5"}, `diagnose: src: "10.0.1.5/24" has host bits set; the network is 10.0.1.0/24`},
		{rca.Request{Src: "10.0.1.5", Dst: "10.0.2.5", Port: 70000}, "diagnose: port 70000: want 1-65535 (0 for any)"},
		{rca.Request{Src: "10.0.1.5", Dst: "10.0.2.5", Protocol: "sctp"}, `diagnose: protocol "sctp": want tcp, udp, icmp or icmpv6`},
		{rca.Request{Src: "10.0.1.5", Dst: "10.0.2.5", Port: 80, Protocol: "icmp"}, "diagnose: port 80 with protocol icmp: ICMP has no ports"},
	} {
		s := newStub(t, "default", nil)
		if _, err := rca.Diagnose(context.Background(), s, tc.req, rca.Options{}); err == nil || err.Error() != tc.want || len(s.calls) != 0 {
			t.Errorf("%+v: %v, %d calls; want %q", tc.req, err, len(s.calls), tc.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := rca.Diagnose(ctx, failing{newStub(t, "default", nil)}, rca.Request{Src: "10.0.1.5", Dst: "10.0.2.5"}, rca.Options{})
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "diagnose: accept and reject: ") {
		t.Errorf("cancelled: %v", err)
	}
}

// failing is an engine whose queries end with their context.
type failing struct{ *stub }

func (f failing) Query(ctx context.Context, _ string, _ []any, _ func(queries.Page) error) (queries.EngineProvenance, error) {
	return queries.EngineProvenance{}, ctx.Err()
}

func evidence(t *testing.T, d *rca.Diagnosis, ref string) rca.Evidence {
	t.Helper()
	for _, e := range d.Verdict.Evidence {
		if e.Query == ref {
			return e
		}
	}
	t.Fatalf("no evidence of %s in %+v", ref, d.Verdict.Evidence)
	return rca.Evidence{}
}

// followUps reports whether the diagnosis's follow-ups are these, each
// "name@version k=v…" in order.
func followUps(d *rca.Diagnosis, want ...string) bool {
	var got []string
	for _, f := range d.FollowUps {
		s := f.Query
		keys := make([]string, 0, len(f.Params))
		for k := range f.Params {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			s += " " + k + "=" + f.Params[k]
		}
		got = append(got, s)
	}
	return slices.Equal(got, want)
}
