package enginetest

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/partitions"
)

// rcaChecks are the truth checks of the rca queries.
var rcaChecks = map[string]check{
	"any-traffic@1":         checkAnyTraffic,
	"unanswered-syns@1":     checkUnansweredSyns,
	"tcp-resets@1":          checkTCPResets,
	"interface-rejects@1":   checkInterfaceRejects,
	"egress-paths@1":        checkEgressPaths,
	"intermediate-hops@1":   checkIntermediateHops,
	"icmp-traffic@1":        checkICMPTraffic,
	"aws-service-traffic@1": checkAWSServiceTraffic,
	"bpa-rejects@1":         checkBPARejects,
	"large-udp-flows@1":     checkLargeUDPFlows,
}

// rcaLines writes each row of a result as one line of the named columns,
// separated by spaces, times in RFC 3339.
func rcaLines(t *testing.T, res Table, cols ...string) []string {
	t.Helper()
	var out []string
	for i := range res.Rows {
		var parts []string
		for _, c := range cols {
			v := res.Get(t, i, c)
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(time.RFC3339)
			}
			parts = append(parts, fmt.Sprint(v))
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// rcaFactLines is a fact that is a list of lines, as the scenario wrote it.
func rcaFactLines(t *testing.T, facts map[string]any, k string) []string {
	t.Helper()
	switch v := facts[k].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, len(v))
		for i, x := range v {
			out[i] = fmt.Sprint(x)
		}
		return out
	}
	t.Fatalf("fact %s = %#v, not a list", k, facts[k])
	return nil
}

func rcaSame(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %d rows\n  %s\nwant %d rows\n  %s", what, len(got), strings.Join(got, "\n  "), len(want), strings.Join(want, "\n  "))
	}
}

// checkAnyTraffic: an idle interface's NODATA and SKIPDATA minute by
// minute, nothing for its address (those records carry none), and a
// client's minutes of traffic with the five silent minutes between them
// marked.
func checkAnyTraffic(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "nodata-skipdata")
	res := s.run(t, ref, map[string]string{"target": fact(sc, "interface_id")}, w)
	from, _ := time.Parse(time.RFC3339, fact(sc, "nodata_from"))
	mid, _ := time.Parse(time.RFC3339, fact(sc, "skipdata_from"))
	to, _ := time.Parse(time.RFC3339, fact(sc, "skipdata_to"))
	var want []string
	for m := from; m.Before(to); m = m.Add(time.Minute) {
		if m.Before(mid) {
			want = append(want, m.Format(time.RFC3339)+" 1 nodata 1 0 0 1 0 0 0")
		} else {
			want = append(want, m.Format(time.RFC3339)+" 1 skipdata 1 0 0 0 1 0 0")
		}
	}
	cols := []string{"minute", "minutes", "state", "records", "accepted", "rejected", "nodata", "skipdata", "packets", "bytes"}
	rcaSame(t, "idle interface", rcaLines(t, res, cols...), want)
	if len(want) != 90 {
		t.Errorf("%d minutes of NODATA and SKIPDATA, want 90", len(want))
	}
	// NODATA and SKIPDATA records have no addresses: asked by address,
	// the idle interface has no records at all: one row of no records for
	// every minute of the window.
	res = s.run(t, ref, map[string]string{"target": fact(sc, "address")}, w)
	whole := fmt.Sprintf("%s %d no records 0 0 0 0 0 0 0", from.Format(time.RFC3339), int(w.To.Sub(from.Truncate(time.Minute)).Minutes()+0.999))
	rcaSame(t, "by address", rcaLines(t, res, cols...), []string{whole})
	// A window an hour wider on each side: an hour of no records before
	// the first minute and after the last.
	wide, _ := partitions.NewWindow(w.From.Add(-time.Hour), w.To.Add(time.Hour))
	res = s.run(t, ref, map[string]string{"target": fact(sc, "interface_id")}, &wide)
	lines := rcaLines(t, res, cols...)
	if len(lines) != len(want)+2 || lines[0] != from.Add(-time.Hour).Format(time.RFC3339)+" 60 no records 0 0 0 0 0 0 0" ||
		lines[len(lines)-1] != to.Format(time.RFC3339)+" 60 no records 0 0 0 0 0 0 0" {
		t.Errorf("wider window: %d rows, first %q, last %q", len(lines), lines[0], lines[len(lines)-1])
	}

	// The client of connect-timeout (told where tcp-flags are): traffic in
	// minutes 0-9 and 15-25, five minutes of nothing between.
	all := s.in(t, "all")
	ct, w := all.scenario(t, "connect-timeout")
	res = all.run(t, ref, map[string]string{"target": fact(ct, "client")}, w)
	var minutes, silent []string
	for i, line := range rcaLines(t, res, "minute", "state", "records", "accepted", "rejected", "nodata", "skipdata", "packets", "bytes") {
		if res.Str(t, i, "state") == "no records" {
			silent = append(silent, fmt.Sprintf("%s no records %d", res.Time(t, i, "minute").Format(time.RFC3339), res.Int(t, i, "minutes")))
			continue
		}
		if res.Int(t, i, "minutes") != 1 {
			t.Errorf("row %d: %v, want 1 minute", i, res.Rows[i])
		}
		minutes = append(minutes, line)
	}
	rcaSame(t, "client minutes", minutes, rcaFactLines(t, ct.Facts, "client_minutes"))
	rcaSame(t, "client silences", silent, rcaFactLines(t, ct.Facts, "client_silent"))
	if want := []string{"no records 5"}; len(silent) != 1 || !strings.HasSuffix(silent[0], want[0]) {
		t.Errorf("silences %v, want one of 5 minutes", silent)
	}
	for i := 1; i < len(res.Rows); i++ {
		if !res.Time(t, i, "minute").After(res.Time(t, i-1, "minute")) {
			t.Errorf("row %d is not after row %d", i, i-1)
		}
	}
}

// checkUnansweredSyns: the silent timeout and the refusals of
// connect-timeout told apart, the one-way client's SYNs unanswered, the
// replies a network ACL rejects, and rejected SYNs not listed.
func checkUnansweredSyns(t *testing.T, s *suite, ref string) {
	cols := []string{"client", "server", "port", "unanswered", "refused", "reply_rejected", "rejected", "answered", "unanswered_syn_packets"}
	sc, w := s.scenario(t, "connect-timeout")
	rcaSame(t, "connect-timeout", rcaLines(t, s.run(t, ref, nil, w), cols...), []string{
		fmt.Sprintf("%s %s %s %s 0 0 0 0 %s", fact(sc, "client"), fact(sc, "silent_peer"), fact(sc, "silent_port"), fact(sc, "unanswered"), fact(sc, "unanswered_syn_packets")),
		fmt.Sprintf("%s %s %s 0 %s 0 0 0 0", fact(sc, "client"), fact(sc, "server"), fact(sc, "refused_port"), fact(sc, "refused")),
	})
	ow, w := s.scenario(t, "one-way")
	rcaSame(t, "one-way", rcaLines(t, s.run(t, ref, nil, w), cols...), []string{
		fmt.Sprintf("%s %s %s %s 0 0 0 0 %s", fact(ow, "src"), fact(ow, "dst"), fact(ow, "dst_port"), fact(ow, "records"), fact(ow, "packets")),
	})
	nacl, w := s.scenario(t, "nacl-return-reject")
	rcaSame(t, "nacl-return-reject", rcaLines(t, s.run(t, ref, nil, w), cols...), []string{
		fmt.Sprintf("%s %s %s 0 0 %s 0 0 0", fact(nacl, "client"), fact(nacl, "server"), fact(nacl, "server_port"), fact(nacl, "connections")),
	})
	// SSH from the internet is rejected outright: no row.
	if _, w := s.scenario(t, "ssh-rejected"); len(s.run(t, ref, nil, w).Rows) != 0 {
		t.Errorf("ssh-rejected: rows, want none (every SYN was rejected)")
	}
}

// checkTCPResets: the crashed service resets as a server (the refused
// connections, whose SYNs are in the window) and as unknown (the connections
// it had open); the port scanner resets its own half-open connections.
func checkTCPResets(t *testing.T, s *suite, ref string) {
	cols := []string{"resetter", "role", "port", "connections", "peers", "records"}
	sc, w := s.scenario(t, "connect-timeout")
	res := s.run(t, ref, nil, w)
	rcaSame(t, "connect-timeout", rcaLines(t, res, cols...), []string{
		fmt.Sprintf("%s server %s %s 1 %d", fact(sc, "server"), fact(sc, "refused_port"), fact(sc, "refused"), 2*sc.Facts["refused"].(int)),
		fmt.Sprintf("%s unknown %s %s 1 %d", fact(sc, "server"), fact(sc, "refused_port"), fact(sc, "reset_established"), 2*sc.Facts["reset_established"].(int)),
	})
	var records, packets int64
	for i := range res.Rows {
		records += res.Int(t, i, "records")
		packets += res.Int(t, i, "packets")
	}
	if fmt.Sprint(records) != fact(sc, "rst_records") || fmt.Sprint(packets) != fact(sc, "rst_packets") {
		t.Errorf("%d RST records, %d packets; want %s, %s", records, packets, fact(sc, "rst_records"), fact(sc, "rst_packets"))
	}
	scan, w := s.scenario(t, "port-scan")
	var want []string
	for _, p := range scan.Facts["open_ports"].([]int) {
		want = append(want, fmt.Sprintf("%s client %d 1 1 1", fact(scan, "scanner"), p))
	}
	rcaSame(t, "port-scan", rcaLines(t, s.run(t, ref, nil, w), cols...), want)
}

// checkInterfaceRejects: every rejected record once, per interface in the
// default format (no direction) and per interface and direction with
// flow-direction; the port scan's and the SSH target's interfaces on top.
func checkInterfaceRejects(t *testing.T, s *suite, ref string) {
	scan, _ := s.scenario(t, "port-scan")
	ssh, _ := s.scenario(t, "ssh-rejected")
	res := s.run(t, ref, map[string]string{"limit": "100000"}, s.all(t))
	var total int64
	seen := map[string]bool{}
	for i := range res.Rows {
		total += res.Int(t, i, "rejects")
		if seen[res.Str(t, i, "interface_id")] || res.Get(t, i, "direction") != nil {
			t.Errorf("row %d %v: an interface twice, or a direction without flow-direction", i, res.Rows[i])
		}
		seen[res.Str(t, i, "interface_id")] = true
	}
	if total != s.truth.ByAction["REJECT"] || len(res.Rows) < 3 {
		t.Errorf("%d rejects in %d rows, want the truth's %d", total, len(res.Rows), s.truth.ByAction["REJECT"])
	}
	rcaSame(t, "top two", rcaLines(t, res, "interface_id", "rejects")[:2], []string{
		fact(scan, "interface_id") + " " + fact(scan, "rejects"), fact(ssh, "interface_id") + " " + fact(ssh, "rejects"),
	})
	if res := s.run(t, ref, nil, s.all(t)); len(res.Rows) != 20 || !res.Provenance.Truncated {
		t.Errorf("default limit: %d rows, truncated %v; want 20 cut from more", len(res.Rows), res.Provenance.Truncated)
	}

	// With flow-direction: the same total, split by direction.
	all := s.in(t, "all")
	res = all.run(t, ref, map[string]string{"limit": "100000"}, all.all(t))
	byIface := map[string]string{}
	total = 0
	for i := range res.Rows {
		total += res.Int(t, i, "rejects")
		byIface[res.Str(t, i, "interface_id")+" "+res.Str(t, i, "direction")] = fmt.Sprint(res.Int(t, i, "rejects"))
	}
	if total != all.truth.ByAction["REJECT"] {
		t.Errorf("all: %d rejects, want the truth's %d", total, all.truth.ByAction["REJECT"])
	}
	scan, _ = all.scenario(t, "port-scan")
	nacl, _ := all.scenario(t, "nacl-return-reject")
	bpa, _ := all.scenario(t, "bpa-rejects")
	for k, want := range map[string]string{
		fact(scan, "interface_id") + " ingress":       fact(scan, "rejects"),
		fact(scan, "interface_id") + " egress":        "",
		fact(nacl, "server_interface_id") + " egress": fact(nacl, "return_rejected"),
		fact(bpa, "interface_id") + " egress":         fact(bpa, "egress_rejects"),
		fact(bpa, "interface_id") + " ingress":        fmt.Sprint(bpa.Facts["ingress_rejects"].(int) + bpa.Facts["other_rejects"].(int)),
	} {
		if byIface[k] != want {
			t.Errorf("all: %s has %q rejects, want %q", k, byIface[k], want)
		}
	}
	if res.Str(t, 0, "interface_id") != fact(scan, "interface_id") || res.Str(t, 0, "direction") != "ingress" {
		t.Errorf("all: top row %v, want the port scan's interface, ingress", res.Rows[0])
	}
}

// checkEgressPaths: the paths only egress-paths uses, exactly (records,
// packets, bytes of its egress records, none of its replies), and those the
// background shares with it, at least as much.
func checkEgressPaths(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "egress-paths")
	res := s.run(t, ref, nil, w)
	got := map[string]string{}
	var order []string
	for i, line := range rcaLines(t, res, "path", "records", "packets", "bytes", "interfaces") {
		p, _, _ := strings.Cut(line, " ")
		got[p] = line
		order = append(order, p+" "+res.Str(t, i, "meaning"))
	}
	for _, line := range rcaFactLines(t, sc.Facts, "paths") {
		p, _, _ := strings.Cut(line, " ")
		switch p {
		case "1", "8": // background traffic takes these paths too
			var want, have [5]int64
			fmt.Sscan(line, &want[0], &want[1], &want[2], &want[3], &want[4])
			fmt.Sscan(got[p], &have[0], &have[1], &have[2], &have[3], &have[4])
			if have[1] < want[1] || have[2] < want[2] || have[3] < want[3] || have[4] < want[4] {
				t.Errorf("path %s: %q, want at least %q", p, got[p], line)
			}
		default:
			if got[p] != line {
				t.Errorf("path %s: %q, want %q", p, got[p], line)
			}
		}
	}
	want := []string{"1 another resource in the same VPC", "2 internet gateway or gateway VPC endpoint",
		"3 virtual private gateway", "4 intra-Region VPC peering connection", "5 inter-Region VPC peering connection",
		"7 gateway VPC endpoint (Nitro-based instance)", "8 internet gateway (Nitro-based instance)"}
	rcaSame(t, "paths", order, want)
}

// checkIntermediateHops: the NAT gateway's two kinds of legs whose
// packet-level addresses differ, per instance and internet host, and
// nothing of the instances' own interfaces.
func checkIntermediateHops(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "nat-gateway")
	res := s.run(t, ref, nil, w)
	hops := rcaFactLines(t, sc.Facts, "hops")
	rcaSame(t, "nat-gateway", rcaLines(t, res, "interface_id", "srcaddr", "pkt_srcaddr", "dstaddr", "pkt_dstaddr", "records", "packets", "bytes"), hops)
	if len(hops) != 8 {
		t.Errorf("%d hops, want 8: 2 instances x 2 hosts, there and back", len(hops))
	}
	nat := fact(sc, "nat_address")
	for i := range res.Rows {
		want := "destination"
		if res.Str(t, i, "srcaddr") == nat {
			want = "source"
		}
		if res.Str(t, i, "differs") != want || res.Str(t, i, "interface_id") != fact(sc, "nat_interface_id") {
			t.Errorf("row %d %v: want %s on the NAT gateway's interface", i, res.Rows[i], want)
		}
	}
	if res := s.run(t, ref, map[string]string{"limit": "3"}, w); len(res.Rows) != 3 || !res.Provenance.Truncated {
		t.Errorf("limit 3: %d rows, truncated %v", len(res.Rows), res.Provenance.Truncated)
	}
}

// checkICMPTraffic: the pings of icmp per direction (replies half
// rejected, listed first), and the ICMP a router sends to large-udp's host,
// all rejected.
func checkICMPTraffic(t *testing.T, s *suite, ref string) {
	cols := []string{"icmp", "srcaddr", "dstaddr", "records", "packets", "bytes", "accepted", "rejected", "interfaces"}
	sc, w := s.scenario(t, "icmp")
	half := sc.Facts["records"].(int) / 2
	rcaSame(t, "icmp", rcaLines(t, s.run(t, ref, nil, w), cols...), []string{
		fmt.Sprintf("ICMP %s %s %d %d %d %s %s 1", fact(sc, "dst"), fact(sc, "src"), half, 4*half, 336*half, fact(sc, "replies_accepted"), fact(sc, "replies_rejected")),
		fmt.Sprintf("ICMP %s %s %d %d %d %d 0 1", fact(sc, "src"), fact(sc, "dst"), half, 4*half, 336*half, half),
	})
	mtu, w := s.scenario(t, "large-udp")
	rcaSame(t, "large-udp", rcaLines(t, s.run(t, ref, nil, w), cols...), []string{
		fmt.Sprintf("ICMP %s %s %s %s %s 0 %s 1", fact(mtu, "icmp_source"), fact(mtu, "host"), fact(mtu, "icmp_records"),
			fact(mtu, "icmp_packets"), fact(mtu, "icmp_bytes"), fact(mtu, "icmp_records")),
	})
	// Nothing but ICMP: the tunnel, DNS and QUIC of large-udp are UDP.
	if res := s.run(t, ref, nil, s.all(t)); len(res.Rows) < 3 {
		t.Errorf("whole sample: %d rows, want at least the 3 pairs above", len(res.Rows))
	}
}

// checkAWSServiceTraffic: DynamoDB and AMAZON per direction, exactly as
// egress-paths sent and received them, and the top talker's S3 uploads.
func checkAWSServiceTraffic(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "egress-paths")
	rcaSame(t, "egress-paths", rcaLines(t, s.run(t, ref, nil, w), "service", "direction", "records", "packets", "bytes", "interfaces"),
		rcaFactLines(t, sc.Facts, "services"))
	top, w := s.scenario(t, "top-talker")
	res := s.run(t, ref, nil, w)
	got := rcaLines(t, res, "service", "direction", "bytes")
	if len(got) != 2 || got[0] != "S3 to "+fact(top, "bytes") || !strings.HasPrefix(got[1], "S3 from ") {
		t.Errorf("top-talker: %v, want S3 to %s first, then S3 from", got, fact(top, "bytes"))
	}
}

// checkBPARejects: the BPA rejects of bpa-rejects, both ways, per source,
// destination and port, the outbound calls first; the security group's SSH
// rejects are not BPA's.
func checkBPARejects(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "bpa-rejects")
	res := s.run(t, ref, nil, w)
	got := rcaLines(t, res, "srcaddr", "dstaddr", "dstport", "protocol", "rejects", "packets")
	sorted := slices.Sorted(slices.Values(got))
	rcaSame(t, "bpa groups", sorted, rcaFactLines(t, sc.Facts, "bpa_groups"))
	if len(res.Rows) != 11 || res.Str(t, 0, "srcaddr") != fact(sc, "host") || fmt.Sprint(res.Int(t, 0, "rejects")) != fact(sc, "egress_rejects") {
		t.Fatalf("rows %v, want the outbound calls first, then the 10 sources", got)
	}
	for i := range res.Rows {
		if res.Str(t, i, "interface_id") != fact(sc, "interface_id") || res.Int(t, i, "dstport") == 22 {
			t.Errorf("row %d %v", i, res.Rows[i])
		}
		if i > 0 && res.Int(t, i, "rejects") > res.Int(t, i-1, "rejects") {
			t.Errorf("row %d has more rejects than row %d", i, i-1)
		}
	}
}

// checkLargeUDPFlows: the jumbo tunnel alone at the default size, with its
// keepalives as the only packets back; QUIC joins it below 1400 bytes; the
// DNS flow never (too few packets); every row over the whole sample keeps to
// the limits.
func checkLargeUDPFlows(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "large-udp")
	cols := []string{"srcaddr", "dstaddr", "dstport", "records", "packets", "bytes", "reply_packets"}
	tunnel := fmt.Sprintf("%s %s %s %s %s %s %s", fact(sc, "host"), fact(sc, "peer"), fact(sc, "port"), fact(sc, "records"),
		fact(sc, "packets"), fact(sc, "bytes"), fact(sc, "reply_packets"))
	res := s.run(t, ref, nil, w)
	rcaSame(t, "default size", rcaLines(t, res, cols...), []string{tunnel})
	if len(res.Rows) == 1 {
		avg, _ := res.Get(t, 0, "avg_packet_bytes").(float64)
		want := math.Round(float64(sc.Facts["bytes"].(int64))/float64(sc.Facts["packets"].(int64))*10) / 10
		if math.Abs(avg-want) > 0.051 || avg < 8900 {
			t.Errorf("average %v bytes a packet, want %v", res.Get(t, 0, "avg_packet_bytes"), want)
		}
	}
	quic := fmt.Sprintf("%s %s 443 20 %s %s %d", fact(sc, "host"), fact(sc, "quic_peer"), fact(sc, "quic_packets"), fact(sc, "quic_bytes"),
		3*sc.Facts["quic_packets"].(int64))
	rcaSame(t, "1300 bytes", rcaLines(t, s.run(t, ref, map[string]string{"min_packet_bytes": "1300"}, w), cols...), []string{tunnel, quic})
	if res := s.run(t, ref, map[string]string{"min_packets": "1000000"}, w); len(res.Rows) != 0 {
		t.Errorf("min_packets 1000000: %v", res.Rows)
	}
	res = s.run(t, ref, nil, s.all(t))
	found := false
	for i := range res.Rows {
		avg, _ := res.Get(t, i, "avg_packet_bytes").(float64)
		if avg <= 1400 || res.Int(t, i, "packets") < 100 {
			t.Errorf("row %v breaks the limits", res.Rows[i])
		}
		found = found || strings.Join(rcaLines(t, res, cols...)[i:i+1], "") == tunnel
	}
	if !found {
		t.Errorf("whole sample: the tunnel is missing from %v", res.Rows)
	}
}
