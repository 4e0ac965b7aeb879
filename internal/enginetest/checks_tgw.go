package enginetest

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/partitions"
	"github.com/flowq/flowq/sample"
)

// tgwChecks are the truth checks of the tgw queries.
var tgwChecks = map[string]check{
	"tgw-packet-loss@1":   checkTGWPacketLoss,
	"tgw-lost-flows@1":    checkTGWLostFlows,
	"internet-egress@1":   checkInternetEgress,
	"aws-service-paths@1": checkAWSServicePaths,
	"subnet-az-bytes@1":   checkSubnetAZBytes,
	"cross-az-bytes@1":    checkCrossAZBytes,
}

// factList is a scenario's fact that is a list of strings (one per row it
// implies), whether it was kept in memory or read back from JSON.
func factList(t *testing.T, sc sample.ScenarioTruth, k string) []string {
	t.Helper()
	switch v := sc.Facts[k].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = fmt.Sprint(s)
		}
		return out
	}
	t.Fatalf("%s: fact %s = %#v, not a list", sc.Name, k, sc.Facts[k])
	return nil
}

// factInt is a scenario's integer fact.
func factInt(t *testing.T, sc sample.ScenarioTruth, k string) int64 {
	t.Helper()
	var n int64
	if _, err := fmt.Sscan(fact(sc, k), &n); err != nil {
		t.Fatalf("%s: fact %s = %v, not an integer", sc.Name, k, sc.Facts[k])
	}
	return n
}

// rowsAs writes each row's columns joined by spaces, NULL as "-", in the
// result's order.
func rowsAs(t *testing.T, res Table, cols ...string) []string {
	t.Helper()
	out := make([]string, len(res.Rows))
	for i := range res.Rows {
		vals := make([]string, len(cols))
		for j, c := range cols {
			if v := res.Get(t, i, c); v == nil {
				vals[j] = "-"
			} else {
				vals[j] = fmt.Sprint(v)
			}
		}
		out[i] = strings.Join(vals, " ")
	}
	return out
}

// sameRows compares rows with the truth's, in any order.
func sameRows(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

// descending checks that a column never grows from one row to the next.
func descending(t *testing.T, res Table, col string) {
	t.Helper()
	for i := 1; i < len(res.Rows); i++ {
		if res.Int(t, i, col) > res.Int(t, i-1, col) {
			t.Errorf("row %d has more %s than row %d: %v after %v", i, col, i-1, res.Rows[i], res.Rows[i-1])
		}
	}
}

// within checks that a result's first_seen and last_seen lie in a window.
func within(t *testing.T, res Table, w *partitions.Window) {
	t.Helper()
	for i := range res.Rows {
		first, last := res.Time(t, i, "first_seen"), res.Time(t, i, "last_seen")
		if first.Before(w.From) || !last.Before(w.To) || last.Before(first) {
			t.Errorf("row %d seen %s..%s, outside the scenario's %s..%s", i, first, last, w.From, w.To)
		}
	}
}

// checkTGWPacketLoss: the scenario's losses, one row per attachment and
// reason, and nothing else lost in the whole sample; each attachment's
// packets for scale; a window without losses has no rows.
func checkTGWPacketLoss(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "tgw-packet-loss")
	want := factList(t, sc, "losses")
	// The story has every reason, on two attachments.
	for _, reason := range []string{"no-route", "blackhole", "mtu-exceeded", "ttl-expired"} {
		if !strings.Contains(strings.Join(want, "\n"), " "+reason+" ") {
			t.Fatalf("the scenario loses no packet for %s: %v", reason, want)
		}
	}
	cols := []string{"tgw_attachment_id", "reason", "packets_lost", "records", "sources", "destinations"}
	res := s.run(t, ref, nil, s.all(t))
	sameRows(t, "losses", rowsAs(t, res, cols...), want)
	descending(t, res, "packets_lost")
	within(t, res, w)
	// attachment_packets is every packet of the attachment's records: the
	// VPN's are all the scenario's; the VPC's are the background's too,
	// which the world's attachment carries.
	byAtt := func(att string) int64 {
		var n int64
		switch m := sc.Facts["packets_by_attachment"].(type) {
		case map[string]int64:
			n = m[att]
		case map[string]any:
			fmt.Sscan(fmt.Sprint(m[att]), &n)
		}
		return n
	}
	vpc, vpn := fact(sc, "vpc_attachment"), fact(sc, "vpn_attachment")
	wantPackets := map[string]int64{vpn: byAtt(vpn), vpc: s.truth.Packets - factInt(t, sc, "packets") + byAtt(vpc)}
	for i := range res.Rows {
		att := res.Str(t, i, "tgw_attachment_id")
		if got := res.Int(t, i, "attachment_packets"); got != wantPackets[att] {
			t.Errorf("%s %s: attachment_packets %d, want %d", att, res.Str(t, i, "reason"), got, wantPackets[att])
		}
	}
	// The scenario's own window: the same losses.
	sameRows(t, "losses in the scenario's window", rowsAs(t, s.run(t, ref, nil, w), cols...), want)
	// The first hour: traffic, no loss.
	first, _ := partitions.NewWindow(s.truth.Start, s.truth.Start.Add(time.Hour))
	if res := s.run(t, ref, nil, &first); len(res.Rows) != 0 {
		t.Errorf("first hour: %v, want no loss", res.Rows)
	}
}

// checkTGWLostFlows: the flows behind the losses, each reason alone with the
// parameter, and the limit.
func checkTGWLostFlows(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "tgw-packet-loss")
	want := factList(t, sc, "lost_flows")
	cols := []string{"tgw_attachment_id", "tgw_pair_attachment_id", "srcaddr", "dstaddr", "dstport", "protocol", "reason",
		"packets_lost", "records", "packets"}
	res := s.run(t, ref, nil, s.all(t))
	if res.Provenance.Truncated {
		t.Fatalf("%d flows cut by the default limit", len(res.Rows))
	}
	sameRows(t, "lost flows", rowsAs(t, res, cols...), want)
	descending(t, res, "packets_lost")
	within(t, res, w)
	// A blackhole and a missing route leave nowhere: no pair attachment.
	for i := range res.Rows {
		reason, pair := res.Str(t, i, "reason"), res.Get(t, i, "tgw_pair_attachment_id")
		if (reason == "no-route" || reason == "blackhole") != (pair == nil) {
			t.Errorf("%s: pair attachment %v", reason, pair)
		}
	}
	for _, reason := range []string{"no-route", "blackhole", "mtu-exceeded", "ttl-expired"} {
		var only []string
		for _, f := range want {
			if strings.Contains(f, " "+reason+" ") {
				only = append(only, f)
			}
		}
		got := rowsAs(t, s.run(t, ref, map[string]string{"reason": reason}, s.all(t)), cols...)
		if len(only) == 0 {
			t.Errorf("%s: no flow of the scenario loses packets for it", reason)
		}
		sameRows(t, "reason="+reason, got, only)
	}
	one := s.run(t, ref, map[string]string{"limit": "1"}, s.all(t))
	if len(one.Rows) != 1 || !one.Provenance.Truncated || fmt.Sprint(one.Rows[0]) != fmt.Sprint(res.Rows[0]) {
		t.Errorf("limit 1: %v truncated %v, want the first of %v", one.Rows, one.Provenance.Truncated, res.Rows)
	}
}

// private is whether an address lies in the ranges internet-egress takes
// for private by default.
func private(a netip.Addr) bool {
	for _, p := range []string{"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fe80::/10"} {
		if netip.MustParsePrefix(p).Contains(a) {
			return true
		}
	}
	return false
}

// checkInternetEgress: over the default format (v2) the address test alone:
// the top talker's upload to S3 counts, private senders only; over the
// format of every field, flow-direction and traffic-path: the upload goes
// through a gateway endpoint and drops out, a NAT gateway's egress counts
// once, as the gateway's.
func checkInternetEgress(t *testing.T, s *suite, ref string) {
	every := map[string]string{"limit": "1000"}
	top, _ := s.scenario(t, "top-talker")
	oneWay, _ := s.scenario(t, "one-way")
	ipv6, _ := s.scenario(t, "ipv6")

	// v2: an address test.
	res := s.run(t, ref, every, s.all(t))
	if res.Provenance.Truncated || len(res.Rows) < 20 {
		t.Fatalf("%d sources, truncated %v", len(res.Rows), res.Provenance.Truncated)
	}
	descending(t, res, "bytes")
	rows := map[string]int{}
	for i := range res.Rows {
		src := res.Str(t, i, "srcaddr")
		rows[src] = i
		if a, err := netip.ParseAddr(src); err != nil || !private(a) {
			t.Errorf("v2: sender %s is not a private address", src)
		}
	}
	if res.Str(t, 0, "srcaddr") != fact(top, "src") || fmt.Sprint(res.Int(t, 0, "bytes")) != fact(top, "bytes") ||
		res.Int(t, 0, "destinations") != 1 || res.Int(t, 0, "records") != 30 {
		t.Errorf("v2: top sender %v, want the top talker %s with its %s bytes to S3 in 30 records", res.Rows[0], fact(top, "src"), fact(top, "bytes"))
	}
	checkOneWay := func(what string, res Table, rows map[string]int) {
		i, ok := rows[fact(oneWay, "src")]
		if !ok || fmt.Sprint(res.Int(t, i, "records")) != fact(oneWay, "records") || fmt.Sprint(res.Int(t, i, "packets")) != fact(oneWay, "packets") {
			t.Errorf("%s: the one-way sender %s: %v, want %s records %s packets", what, fact(oneWay, "src"), rows, fact(oneWay, "records"), fact(oneWay, "packets"))
		}
	}
	checkOneWay("v2", res, rows)
	if _, ok := rows[fact(ipv6, "src")]; ok {
		t.Errorf("v2: the IPv6 sender %s counted, whose peer is in the VPC", fact(ipv6, "src"))
	}
	// The default limit cuts the list, and says so.
	cut := s.run(t, ref, nil, s.all(t))
	if len(cut.Rows) != 20 || !cut.Provenance.Truncated || fmt.Sprint(cut.Rows) != fmt.Sprint(res.Rows[:20]) {
		t.Errorf("default limit: %d rows, truncated %v", len(cut.Rows), cut.Provenance.Truncated)
	}

	// With flow-direction and traffic-path.
	all := s.in(t, "all")
	top, _ = all.scenario(t, "top-talker")
	sc, w := all.scenario(t, "egress-costs")
	res = all.run(t, ref, every, all.all(t))
	descending(t, res, "bytes")
	rows = map[string]int{}
	for i := range res.Rows {
		rows[res.Str(t, i, "srcaddr")] = i
	}
	if i, ok := rows[fact(top, "src")]; ok {
		t.Errorf("all: the top talker's upload through a gateway endpoint counted: %v", res.Rows[i])
	}
	if _, ok := rows[fact(ipv6, "src")]; ok {
		t.Errorf("all: the IPv6 sender %s counted, whose peer is in the VPC", fact(ipv6, "src"))
	}
	checkOneWay("all", res, rows)
	cols := []string{"srcaddr", "bytes", "packets", "records", "destinations"}
	want := factList(t, sc, "internet")
	var got []string
	for _, r := range rowsAs(t, res, cols...) {
		if src, _, _ := strings.Cut(r, " "); src == fact(sc, "host") || src == fact(sc, "nat") {
			got = append(got, r)
		}
	}
	sameRows(t, "all: the host's and the NAT gateway's egress", got, want)
	// In the scenario's window, its two senders and the background's.
	res = all.run(t, ref, every, w)
	got = nil
	for _, r := range rowsAs(t, res, cols...) {
		if src, _, _ := strings.Cut(r, " "); !strings.HasPrefix(src, "10.0.1.") && !strings.HasPrefix(src, "10.0.2.") ||
			src == fact(sc, "host") || src == fact(sc, "nat") {
			got = append(got, r)
		}
	}
	sameRows(t, "all: the scenario's window", got, want)
	wide, _ := partitions.NewWindow(w.From.Add(-10*time.Minute), w.To.Add(10*time.Minute))
	within(t, res, &wide)
}

// checkAWSServicePaths: the bytes to and from each service by path, as the
// egress-costs scenario's records hold them; the top talker's upload through
// the S3 gateway endpoint.
func checkAWSServicePaths(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "egress-costs")
	res := s.run(t, ref, nil, w)
	descending(t, res, "bytes")
	sameRows(t, "services", rowsAs(t, res, "service", "direction", "path", "bytes", "packets", "records", "hosts"), factList(t, sc, "services"))
	within(t, res, w)
	via := map[string]string{"7": "gateway VPC endpoint", "8": "internet gateway", "1": "inside the VPC (a NAT gateway, an interface or another resource)", "-": "-"}
	for i, r := range rowsAs(t, res, "path", "via") {
		path, got, _ := strings.Cut(r, " ")
		if want, ok := via[path]; !ok || got != want {
			t.Errorf("row %d: path %s via %q, want %q", i, path, got, want)
		}
	}
	// DynamoDB leaves through its gateway endpoint; API Gateway by the NAT
	// gateway: the instance's hop inside the VPC, then the gateway's out.
	if got := strings.Join(rowsAs(t, res, "service", "direction", "path"), ", "); !strings.Contains(got, "DYNAMODB to 7") ||
		!strings.Contains(got, "API_GATEWAY to 1") || !strings.Contains(got, "API_GATEWAY to 8") {
		t.Errorf("rows %s", got)
	}

	top, tw := s.scenario(t, "top-talker")
	res = s.run(t, ref, nil, tw)
	if got := rowsAs(t, res, "service", "direction", "path", "hosts"); len(got) != 2 || got[0] != "S3 to 7 1" || got[1] != "S3 from - 1" ||
		fmt.Sprint(res.Int(t, 0, "bytes")) != fact(top, "bytes") || res.Int(t, 0, "records") != 30 {
		t.Errorf("top talker: %v, want its %s bytes to S3 by the gateway endpoint, then S3's answers", res.Rows, fact(top, "bytes"))
	}
}

// checkSubnetAZBytes: every subnet's totals as the truth tallies them,
// adding up to the sample's bytes.
func checkSubnetAZBytes(t *testing.T, s *suite, ref string) {
	res := s.run(t, ref, nil, s.all(t))
	descending(t, res, "bytes")
	var want []string
	for _, b := range s.truth.BySubnet {
		want = append(want, fmt.Sprintf("%s %s %d %d %d %d %d %d", b.AZ, b.Subnet, b.Interfaces, b.Records, b.Packets, b.Bytes, b.BytesOut, b.BytesIn))
	}
	got := rowsAs(t, res, "az_id", "subnet_id", "interfaces", "records", "packets", "bytes", "bytes_out", "bytes_in")
	if len(want) < 3 {
		t.Errorf("the truth tallies %d subnets, want the world's 3", len(want))
	}
	sameRows(t, "subnets", got, want)
	var bytes int64
	for i := range res.Rows {
		bytes += res.Int(t, i, "bytes")
	}
	if bytes != s.truth.Bytes {
		t.Errorf("the subnets carried %d bytes, the sample %d", bytes, s.truth.Bytes)
	}
	// The cross-AZ client's and service's subnets, in their AZs.
	sc, _ := s.scenario(t, "cross-az")
	for _, side := range []string{"client", "service"} {
		if !slices.ContainsFunc(got, func(r string) bool {
			return strings.HasPrefix(r, fact(sc, side+"_az")+" "+fact(sc, side+"_subnet")+" ")
		}) {
			t.Errorf("no row for the %s's subnet %s in %s", side, fact(sc, side+"_subnet"), fact(sc, side+"_az"))
		}
	}
}

// checkCrossAZBytes: the cross-az scenario's two directions and nothing of
// its same-AZ or unlogged peers; the egress-costs host's hops to and from a
// NAT gateway in another AZ; the network ACL scenario's accepted requests,
// and not its rejected replies.
func checkCrossAZBytes(t *testing.T, s *suite, ref string) {
	cols := []string{"src_az", "dst_az", "srcaddr", "dstaddr", "bytes", "packets", "records"}
	sc, w := s.scenario(t, "cross-az")
	res := s.run(t, ref, nil, w)
	descending(t, res, "bytes")
	sameRows(t, "cross-az", rowsAs(t, res, cols...), factList(t, sc, "cross_az"))
	within(t, res, w)
	for i := range res.Rows {
		if res.Int(t, i, "az_pair_bytes") != res.Int(t, i, "bytes") { // one pair of addresses per pair of AZs here
			t.Errorf("row %d: az_pair_bytes %d, bytes %d", i, res.Int(t, i, "az_pair_bytes"), res.Int(t, i, "bytes"))
		}
	}
	if factInt(t, sc, "same_az_bytes") == 0 || factInt(t, sc, "unlogged_peer_bytes") == 0 || factInt(t, sc, "refused_egress_bytes") == 0 {
		t.Errorf("the scenario lacks a same-AZ, unlogged or refused flow: %v", sc.Facts)
	}

	ec, ew := s.scenario(t, "egress-costs")
	res = s.run(t, ref, nil, ew)
	sameRows(t, "egress-costs", rowsAs(t, res, cols...), factList(t, ec, "cross_az"))
	pairs := map[string]int64{}
	for i := range res.Rows {
		pairs[res.Str(t, i, "src_az")+" "+res.Str(t, i, "dst_az")] += res.Int(t, i, "bytes")
	}
	for i := range res.Rows {
		if k := res.Str(t, i, "src_az") + " " + res.Str(t, i, "dst_az"); res.Int(t, i, "az_pair_bytes") != pairs[k] {
			t.Errorf("row %d: az_pair_bytes %d, the rows of %s add up to %d", i, res.Int(t, i, "az_pair_bytes"), k, pairs[k])
		}
	}

	// The whole sample: both scenarios' rows, the network ACL scenario's
	// requests (its replies were rejected on the way out), never one AZ.
	res = s.run(t, ref, map[string]string{"limit": "1000"}, s.all(t))
	if res.Provenance.Truncated {
		t.Fatalf("%d rows, truncated", len(res.Rows))
	}
	got := rowsAs(t, res, cols...)
	for _, want := range append(factList(t, sc, "cross_az"), factList(t, ec, "cross_az")...) {
		if !slices.Contains(got, want) {
			t.Errorf("whole sample: no row %s", want)
		}
	}
	nacl, _ := s.scenario(t, "nacl-return-reject")
	client, server := fact(nacl, "client"), fact(nacl, "server")
	requests, replies := 0, 0
	for i := range res.Rows {
		src, dst := res.Str(t, i, "srcaddr"), res.Str(t, i, "dstaddr")
		if res.Str(t, i, "src_az") == res.Str(t, i, "dst_az") {
			t.Errorf("row %d within one AZ: %v", i, res.Rows[i])
		}
		if src == client && dst == server && fmt.Sprint(res.Int(t, i, "records")) == fact(nacl, "connections") {
			requests++
		}
		if src == server && dst == client {
			replies++
		}
		for _, peer := range []string{fact(sc, "cache"), fact(sc, "database")} {
			if dst == peer || src == peer {
				t.Errorf("row %d: the %s peer counted: %v", i, peer, res.Rows[i])
			}
		}
	}
	if requests != 1 || replies != 0 {
		t.Errorf("network ACL scenario: %d request rows with %s records, %d reply rows; want 1 and 0", requests, fact(nacl, "connections"), replies)
	}
}
