package enginetest

import (
	"fmt"
	"net/netip"
	"testing"
)

// diagnoseChecks are the truth checks of the queries flowq diagnose needs
// that the library had no other use for.
var diagnoseChecks = map[string]check{
	"pair-summary@1": checkPairSummary,
}

// pairCols are pair-summary's columns the checks compare, row by row.
var pairCols = []string{"direction", "interface_id", "action", "flow_direction", "reject_reason", "protocol", "records", "packets", "bytes",
	"client_port_min", "client_port_max", "client_ports", "server_port_min", "server_port_max", "server_ports"}

// checkPairSummary: the network ACL's rejected replies per direction and
// interface, with the client's ephemeral ports as traffic-between lists
// them; narrowed to the server's port and to a protocol; overlapping
// endpoints; flow-direction and reject-reason (BPA) where the format has
// them; UDP with no reply; and a Transit Gateway's records, which have no
// interface or action.
func checkPairSummary(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "nacl-return-reject")
	client, server, serverENI := fact(sc, "client"), fact(sc, "server"), fact(sc, "server_interface_id")
	ab := map[string]string{"a": client, "b": server}
	// The client's ports, from every record traffic-between lists; the
	// client's interface is the other one that recorded the requests.
	between := s.run(t, "traffic-between@2", ab, w)
	lo, hi, clientENI := int64(65536), int64(-1), ""
	for i := range between.Rows {
		p := between.Int(t, i, "srcport")
		if between.Str(t, i, "direction") == "b->a" {
			p = between.Int(t, i, "dstport")
		}
		lo, hi = min(lo, p), max(hi, p)
		if iface := between.Str(t, i, "interface_id"); iface != serverENI {
			clientENI = iface
		}
	}
	ports := fmt.Sprintf("%d %d 30 5432 5432 1", lo, hi)
	want := []string{
		"a->b " + clientENI + " ACCEPT - - 6 30 90 5400 " + ports,
		"a->b " + serverENI + " ACCEPT - - 6 30 90 5400 " + ports,
		"b->a " + serverENI + " REJECT - - 6 30 90 5400 " + ports,
	}
	if clientENI > serverENI {
		want[0], want[1] = want[1], want[0]
	}
	for _, params := range []map[string]string{ab, {"a": client, "b": server, "port": "5432"}, {"a": client, "b": server, "protocol": "tcp"}} {
		rcaSame(t, fmt.Sprint(params), rowsAs(t, s.run(t, ref, params, w), pairCols...), want)
	}
	for _, params := range []map[string]string{{"a": client, "b": server, "port": "22"}, {"a": client, "b": server, "protocol": "udp"},
		{"a": server, "b": client, "port": "5432"}} {
		if res := s.run(t, ref, params, w); len(res.Rows) != 0 {
			t.Errorf("%v: rows %v, want none", params, res.Rows)
		}
	}
	// The other way round, B's port is the client's: the requests are b->a.
	swapped := rowsAs(t, s.run(t, ref, map[string]string{"a": server, "b": client}, w), "direction", "action", "records", "client_port_min", "server_port_min")
	rcaSame(t, "swapped", swapped, []string{
		fmt.Sprintf("a->b REJECT 30 5432 %d", lo),
		fmt.Sprintf("b->a ACCEPT 30 5432 %d", lo),
		fmt.Sprintf("b->a ACCEPT 30 5432 %d", lo),
	})
	// A and B overlap, both hosts in each: every record fits both ways.
	c, v := netip.MustParseAddr(client), netip.MustParseAddr(server)
	both := common(c, v).String()
	res := s.run(t, ref, map[string]string{"a": both, "b": both}, w)
	var records int64
	for i := range res.Rows {
		if res.Str(t, i, "direction") != "a<->b" {
			t.Errorf("a = b = %s: row %v, want a<->b", both, res.Rows[i])
		}
		records += res.Int(t, i, "records")
	}
	if records < 90 {
		t.Errorf("a = b = %s: %d records, want at least the 90 between client and server", both, records)
	}

	// With flow-direction and reject-reason: a row per direction the
	// interfaces recorded, and BPA's rejects apart from the security group's.
	all := s.in(t, "all")
	sc, w = all.scenario(t, "nacl-return-reject")
	rcaSame(t, "nacl-return-reject, all fields", rowsAs(t, all.run(t, ref, ab, w), "direction", "interface_id", "action", "flow_direction", "reject_reason", "records"),
		sortedPair(clientENI, serverENI, []string{
			"a->b " + clientENI + " ACCEPT egress - 30",
			"a->b " + serverENI + " ACCEPT ingress - 30",
			"b->a " + serverENI + " REJECT egress - 30",
		}))
	bpa, w := all.scenario(t, "bpa-rejects")
	cols := []string{"direction", "interface_id", "action", "flow_direction", "reject_reason", "records", "server_port_min", "server_port_max"}
	rcaSame(t, "bpa-rejects out", rowsAs(t, all.run(t, ref, map[string]string{"a": fact(bpa, "host"), "b": fact(bpa, "callee")}, w), cols...),
		[]string{fmt.Sprintf("a->b %s REJECT egress BPA %s 443 443", fact(bpa, "interface_id"), fact(bpa, "egress_rejects"))})
	rcaSame(t, "bpa-rejects in", rowsAs(t, all.run(t, ref, map[string]string{"a": "100.64.20.0/24", "b": fact(bpa, "host")}, w), cols...),
		[]string{
			fmt.Sprintf("a->b %s REJECT ingress BPA %s 443 443", fact(bpa, "interface_id"), fact(bpa, "ingress_rejects")),
			fmt.Sprintf("a->b %s REJECT ingress - %s 22 22", fact(bpa, "interface_id"), fact(bpa, "other_rejects")),
		})

	// UDP with no reply: the queries on the sender's interface, nothing back.
	dns, w := all.scenario(t, "dns-no-reply")
	rcaSame(t, "dns-no-reply", rowsAs(t, all.run(t, ref, map[string]string{"a": fact(dns, "src"), "b": fact(dns, "dst"), "protocol": "udp"}, w),
		"direction", "interface_id", "action", "flow_direction", "protocol", "records", "packets", "bytes", "client_ports", "server_port_min", "server_port_max"),
		[]string{fmt.Sprintf("a->b %s ACCEPT egress 17 %s %s %s %s 53 53", fact(dns, "interface_id"), fact(dns, "records"), fact(dns, "packets"),
			fact(dns, "bytes"), fact(dns, "records"))})

	// A Transit Gateway's records: no interface, no action; each flow where
	// it enters the gateway and where it leaves.
	tgw := s.in(t, "tgw")
	loss, w := tgw.scenario(t, "tgw-packet-loss")
	rcaSame(t, "tgw healthy", rowsAs(t, tgw.run(t, ref, map[string]string{"a": fact(loss, "host"), "b": "10.20.1.10"}, w),
		"direction", "interface_id", "action", "flow_direction", "reject_reason", "records", "server_port_min", "server_ports"),
		[]string{"a->b - - egress - 20 443 1", "a->b - - ingress - 20 443 1", "b->a - - egress - 20 443 1", "b->a - - ingress - 20 443 1"})
}

// sortedPair orders want's first two rows by interface, as the query does:
// rows 0 and 1 are of interfaces x and y.
func sortedPair(x, y string, want []string) []string {
	if x > y {
		want[0], want[1] = want[1], want[0]
	}
	return want
}
