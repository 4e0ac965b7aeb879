package rca

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The library queries diagnose runs, pinned.
const (
	qPair        = "pair-summary@1"
	qCoverage    = "logging-coverage@1"
	qNoData      = "nodata-skipdata@1"
	qHost        = "host-traffic@1"
	qBPA         = "bpa-rejects@1"
	qTGWLost     = "tgw-lost-flows@1"
	qTGWLoss     = "tgw-packet-loss@1"
	qReturnPath  = "return-path-rejects@1"
	qSYNs        = "unanswered-syns@1"
	qOneWay      = "one-way-flows@1"
	qBetween     = "traffic-between@2"
	qSummary     = "conversation-summary@2"
	qResets      = "tcp-resets@1"
	qOnPort      = "rejects-on-port@1"
	qIfaceReject = "interface-rejects@1"
)

// side is one direction of the connection, summed from pair-summary's rows.
type side struct {
	records, packets, bytes int64
	// accepted and rejected count records. A Transit Gateway's records have
	// no action: they count as accepted, traffic the gateway carried.
	accepted, rejected int64
	bpa                int64 // rejected records whose reject-reason is BPA
	ingress, egress    int64 // rejected records by flow-direction
	acceptedOn         []string
	rejectedOn         []string
	protocols          []int64
	// rejectedClientPorts is the range of Src's ports in rejected records.
	rejectedClientPorts *PortRange
	clientPorts         *PortRange
	serverPorts         *PortRange
}

func widen(r *PortRange, from, to int64) *PortRange {
	if r == nil {
		return &PortRange{From: from, To: to}
	}
	return &PortRange{From: min(r.From, from), To: max(r.To, to)}
}

func addOnce[T comparable](list []T, v T) []T {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// sides sums pair-summary's rows per direction: a->b is forward, b->a
// the reply, and a<->b (A and B overlap) both.
func sides(t *table) (fwd, rev side) {
	for _, row := range t.rows {
		var into []*side
		switch t.str(row, "direction") {
		case "a->b":
			into = []*side{&fwd}
		case "b->a":
			into = []*side{&rev}
		default:
			into = []*side{&fwd, &rev}
		}
		n, iface := t.int(row, "records"), t.str(row, "interface_id")
		for _, s := range into {
			s.records += n
			s.packets += t.int(row, "packets")
			s.bytes += t.int(row, "bytes")
			s.protocols = addOnce(s.protocols, t.int(row, "protocol"))
			if !t.null(row, "client_port_min") {
				s.clientPorts = widen(s.clientPorts, t.int(row, "client_port_min"), t.int(row, "client_port_max"))
			}
			if !t.null(row, "server_port_min") {
				s.serverPorts = widen(s.serverPorts, t.int(row, "server_port_min"), t.int(row, "server_port_max"))
			}
			if t.str(row, "action") == "REJECT" {
				s.rejected += n
				if iface != "" {
					s.rejectedOn = addOnce(s.rejectedOn, iface)
				}
				if t.str(row, "reject_reason") == "BPA" {
					s.bpa += n
				}
				switch t.str(row, "flow_direction") {
				case "ingress":
					s.ingress += n
				case "egress":
					s.egress += n
				}
				if !t.null(row, "client_port_min") {
					s.rejectedClientPorts = widen(s.rejectedClientPorts, t.int(row, "client_port_min"), t.int(row, "client_port_max"))
				}
				continue
			}
			s.accepted += n
			if iface != "" {
				s.acceptedOn = addOnce(s.acceptedOn, iface)
			}
		}
	}
	for _, s := range []*side{&fwd, &rev} {
		slices.Sort(s.acceptedOn)
		slices.Sort(s.rejectedOn)
		slices.Sort(s.protocols)
	}
	return fwd, rev
}

// walk runs the checklist, step by step, to the first verdict the data
// gives.
func (d *diag) walk() error {
	if w := d.eng.Dataset().Window; w != nil {
		from, to := w.From, w.To
		d.out.From, d.out.To = &from, &to
	}
	d.formatLimits()
	pair, err := d.run("accept and reject", qPair, d.pairParams(), nil)
	if err != nil {
		return err
	}
	fwd, rev := sides(pair)
	d.defaultSteps(fwd, rev)
	evidence := []Evidence{pair.evidence()}
	switch {
	case fwd.records == 0 && rev.records == 0:
		return d.noRecords(evidence)
	case fwd.bpa > 0 || rev.bpa > 0:
		return d.bpa(evidence, fwd, rev)
	}
	if d.data.Kind == "tgw" {
		lost, err := d.tgwLosses()
		if err != nil {
			return err
		}
		if len(lost.rows) > 0 {
			return d.tgwLost(append(evidence, lost.evidence()), lost, fwd, rev)
		}
		d.steps["routes"] = fmt.Sprintf("%s: the Transit Gateway lost no packet of this connection", qTGWLost)
	}
	switch {
	case fwd.records == 0:
		d.reverseOnly(evidence, rev)
		return nil
	case fwd.accepted > 0 && rev.rejected > 0:
		return d.replyRejected(evidence, fwd, rev)
	case fwd.rejected > 0 && (fwd.accepted == 0 || rev.records == 0):
		d.rejected(evidence, fwd, rev)
		return nil
	}
	if d.data.TCPFlags && slices.Contains(fwd.protocols, 6) && d.can(qSYNs) {
		syns, err := d.run("return path", qSYNs, nil, func(t *table, row []any) bool {
			return in(d.a, t.str(row, "client")) && in(d.b, t.str(row, "server")) && d.portIs(t.int(row, "port"))
		})
		if err != nil {
			return err
		}
		var c synCounts
		for _, row := range syns.rows {
			c.unanswered += syns.int(row, "unanswered")
			c.refused += syns.int(row, "refused")
			c.answered += syns.int(row, "answered")
			c.packets += syns.int(row, "unanswered_syn_packets")
		}
		switch {
		case c.refused > 0 && c.refused >= c.unanswered && c.answered == 0:
			d.refused(append(evidence, syns.evidence()), fwd, rev, c)
			return nil
		case c.unanswered > 0 && c.answered == 0 && rev.accepted == 0:
			return d.synUnanswered(append(evidence, syns.evidence()), fwd, c)
		}
		if c.unanswered+c.refused > 0 {
			d.caveats = append(d.caveats, fmt.Sprintf("%s of the connections got no SYN-ACK (%d unanswered, %d refused with a RST; %s)",
				count(c.unanswered+c.refused, "connection"), c.unanswered, c.refused, qSYNs))
			evidence = append(evidence, syns.evidence())
		}
	}
	if rev.records == 0 {
		return d.forwardOnly(evidence, fwd)
	}
	d.flowsNormally(evidence, fwd, rev)
	return nil
}

type synCounts struct{ unanswered, refused, answered, packets int64 }

// pairParams are pair-summary's parameters for the request.
func (d *diag) pairParams() map[string]string {
	p := map[string]string{"a": d.src(), "b": d.dst(), "port": "-1", "protocol": "any"}
	if d.req.Port != 0 {
		p["port"] = strconv.Itoa(d.req.Port)
	}
	if d.req.Protocol != "" {
		p["protocol"] = d.req.Protocol
	}
	return p
}

// betweenParams are a and b for the queries between two endpoints.
func (d *diag) betweenParams() map[string]string {
	return map[string]string{"a": d.src(), "b": d.dst()}
}

// portIs reports whether a port is the request's (any, without one).
func (d *diag) portIs(p int64) bool { return d.req.Port == 0 || p == int64(d.req.Port) }

// protoIs reports whether a protocol number is the request's.
func (d *diag) protoIs(p int64) bool { return d.proto == 0 || p == d.proto }

// formatLimits says what the data's formats cannot tell.
func (d *diag) formatLimits() {
	data := d.data
	switch data.Kind {
	case "tgw":
		d.cannot = append(d.cannot, "interface-id and action: a Transit Gateway flow log records what the gateway carried and lost, "+
			"not what the security groups and network ACLs of the VPCs accepted or rejected (diagnose the VPCs' flow logs for that)")
		return
	case "mixed":
		d.cannot = append(d.cannot, "the data mixes VPC and Transit Gateway flow logs (or formats without interface-id and action): "+
			"only what every format has is read; diagnose each flow log's files on their own")
	}
	if !data.TCPFlags {
		d.cannot = append(d.cannot, "tcp-flags (v3): without it a SYN that got no SYN-ACK (a silent timeout) and a connection refused "+
			"with a RST look like other traffic, accepted one way or both")
	}
	if !data.FlowDirection {
		d.cannot = append(d.cannot, "flow-direction (v5): without it the side that rejected (an interface's inbound or outbound rules) "+
			"is inferred from the interfaces and addresses, when it can be")
	}
	if !data.RejectReason {
		d.cannot = append(d.cannot, "reject-reason (v8): without it a REJECT by VPC Block Public Access looks like a security group's "+
			"or a network ACL's")
	}
}

// defaultSteps fills the checklist from the connection's two directions;
// a verdict then says more of the steps it decides.
func (d *diag) defaultSteps(fwd, rev side) {
	ifaces := addAll(addAll(addAll(addAll(nil, fwd.acceptedOn), fwd.rejectedOn), rev.acceptedOn), rev.rejectedOn)
	slices.Sort(ifaces)
	scope := fmt.Sprintf("%s; %s", d.data, d.windowText())
	switch {
	case len(ifaces) > 0:
		scope += fmt.Sprintf("; this connection's records are on %s: %s", count(int64(len(ifaces)), "interface"), list(ifaces))
	case fwd.records+rev.records > 0:
		scope += "; this connection's records are the Transit Gateway's"
	}
	d.steps["logging scope"] = scope
	d.steps["accept and reject"] = fmt.Sprintf("%s → %s: %s; %s → %s: %s", d.src(), d.dst(), d.tally(fwd), d.dst(), d.src(), d.tally(rev))
	ports := "protocol " + d.protocols(fwd, rev)
	for _, p := range []struct {
		who   string
		ports *PortRange
	}{{d.src(), cmp.Or(fwd.clientPorts, rev.clientPorts)}, {d.dst(), cmp.Or(fwd.serverPorts, rev.serverPorts)}} {
		if p.ports != nil {
			ports += fmt.Sprintf("; %s's %s %s", p.who, map[bool]string{true: "port", false: "ports"}[p.ports.From == p.ports.To], p.ports)
		}
	}
	d.steps["addresses and ports"] = ports
	switch {
	case d.data.Kind == "tgw":
		d.steps["security group or network ACL"] = "not in a Transit Gateway flow log: what the VPCs' security groups and network ACLs did is in their own flow logs"
	case fwd.rejected+rev.rejected == 0:
		d.steps["security group or network ACL"] = "no record of this connection was rejected: neither a security group nor a network ACL refused it"
	default:
		d.steps["security group or network ACL"] = fmt.Sprintf("%s rejected", count(fwd.rejected+rev.rejected, "record"))
	}
	switch {
	case rev.records == 0:
		d.steps["return path"] = fmt.Sprintf("no record of %s sending anything back to %s", d.dst(), d.src())
	case rev.rejected > 0:
		d.steps["return path"] = fmt.Sprintf("%s of %s back to %s rejected", count(rev.rejected, "record"), d.dst(), d.src())
	case d.data.Kind == "tgw":
		d.steps["return path"] = fmt.Sprintf("%s answered: the Transit Gateway carried %s back, %d bytes", d.dst(), count(rev.records, "record"), rev.bytes)
	default:
		d.steps["return path"] = fmt.Sprintf("%s answered: %s accepted back, %d bytes", d.dst(), count(rev.accepted, "record"), rev.bytes)
	}
	if d.data.Kind == "tgw" {
		d.steps["routes"] = "a Transit Gateway flow log: its packets lost to no route, a blackhole, the MTU or a loop are read below"
	} else {
		d.steps["routes"] = "VPC flow logs record no route: a route that sends the traffic elsewhere shows only as records missing; " +
			"this data has no Transit Gateway flow log (its losses would be in tgw-lost-flows)"
	}
}

func addAll(list, more []string) []string {
	for _, v := range more {
		list = addOnce(list, v)
	}
	return list
}

// tally is one direction's records for the checklist: "60 accepted, 0
// rejected".
func (d *diag) tally(s side) string {
	if d.data.Kind == "tgw" {
		return fmt.Sprintf("%s carried, %d packets", count(s.records, "record"), s.packets)
	}
	return fmt.Sprintf("%d accepted, %d rejected", s.accepted, s.rejected)
}

// protocols names the protocols of both directions.
func (d *diag) protocols(fwd, rev side) string {
	var names []string
	for _, p := range append(slices.Clone(fwd.protocols), rev.protocols...) {
		names = addOnce(names, protoName(p))
	}
	if len(names) == 0 {
		if d.req.Protocol != "" {
			return d.req.Protocol
		}
		return "any"
	}
	return strings.Join(names, ", ")
}

// noRecords: nothing between the two. Which interfaces logged anything, and
// their NODATA and SKIPDATA; whether either address is in the data at all.
func (d *diag) noRecords(evidence []Evidence) error {
	v := Verdict{ID: NoRecords, Title: "no records at all"}
	summary := fmt.Sprintf("No record between %s and %s%s in the window: their interfaces are not in a flow log that delivers here "+
		"(the logging scope), or the traffic never reached the VPC.", d.src(), d.dstPort(), d.protoSuffix())
	scope := d.steps["logging scope"]
	if d.can(qCoverage) && d.can(qNoData) {
		cov, err := d.run("logging scope", qCoverage, nil, nil)
		if err != nil {
			return err
		}
		gaps, err := d.run("logging scope", qNoData, nil, nil)
		if err != nil {
			return err
		}
		ifaces := map[string]bool{}
		var quiet []string
		for _, row := range cov.rows {
			ifaces[cov.str(row, "interface_id")] = true
			if cov.int(row, "gaps") > 0 {
				quiet = addOnce(quiet, fmt.Sprintf("%s silent for %s from %s", cov.str(row, "interface_id"),
					time.Duration(cov.int(row, "longest_gap_seconds"))*time.Second, clock(cov.time(row, "first_gap_from"))))
			}
		}
		var runs []string
		for _, row := range gaps.rows {
			runs = append(runs, fmt.Sprintf("%s %s %s", gaps.str(row, "interface_id"), gaps.str(row, "log_status"),
				span(gaps.time(row, "run_start"), gaps.time(row, "run_end"))))
		}
		// The interfaces with NODATA, SKIPDATA or gaps first: what the
		// evidence shows of them is what matters.
		slices.SortStableFunc(cov.rows, func(x, y []any) int {
			quiet := func(r []any) bool { return cov.int(r, "nodata")+cov.int(r, "skipdata")+cov.int(r, "gaps") > 0 }
			return cmp.Compare(b2i(quiet(y)), b2i(quiet(x)))
		})
		names := slices.Sorted(maps.Keys(ifaces))
		scope += fmt.Sprintf("; %s logged records in the window (%s): %s", count(int64(len(ifaces)), "interface"), qCoverage, list(names))
		if len(runs) > 0 {
			scope += fmt.Sprintf("; NODATA or SKIPDATA (%s): %s", qNoData, list(runs))
		} else {
			scope += "; none had NODATA or SKIPDATA"
		}
		if len(quiet) > 0 {
			scope += "; gaps: " + list(quiet)
		}
		evidence = append(evidence, gaps.evidence(), cov.evidence())
	} else {
		scope += "; which interfaces logged cannot be listed: the format has no interface-id"
	}
	d.steps["logging scope"] = scope

	// Whether each address is in the data at all, with anyone.
	var seen []string
	for _, e := range []struct {
		name string
		p    netip.Prefix
	}{{d.src(), d.a}, {d.dst(), d.b}} {
		var parts []string
		found := false
		for _, dir := range []string{"from", "to"} {
			t, err := d.run("addresses and ports", qHost, map[string]string{"host": endpoint(e.p), "direction": dir, "limit": "5"}, nil)
			if err != nil {
				return err
			}
			if len(t.rows) == 0 {
				continue
			}
			found = true
			evidence = append(evidence, t.evidence())
			var peers []string
			for _, row := range t.rows {
				peer := t.str(row, "dstaddr")
				if dir == "to" {
					peer = t.str(row, "srcaddr")
				}
				peers = addOnce(peers, peer)
			}
			more := ""
			if t.cut || len(t.rows) == 5 {
				more = " (and maybe more)"
			}
			if dir == "from" {
				parts = append(parts, fmt.Sprintf("sent to %s%s", list(peers), more))
			} else {
				parts = append(parts, fmt.Sprintf("received from %s%s", list(peers), more))
			}
		}
		if found {
			seen = append(seen, fmt.Sprintf("%s appears with other peers: %s", e.name, strings.Join(parts, "; ")))
		} else {
			seen = append(seen, fmt.Sprintf("%s appears nowhere in the window", e.name))
		}
	}
	d.steps["addresses and ports"] = strings.Join(seen, "; ") + " (" + qHost + ")"
	srcSeen, dstSeen := !strings.HasSuffix(seen[0], "nowhere in the window"), !strings.HasSuffix(seen[1], "nowhere in the window")
	switch {
	case srcSeen && dstSeen:
		summary += fmt.Sprintf(" Both addresses are in the data, never together: %s did not send to %s from a logged interface "+
			"(check what it resolves %s to, and its routes), or the traffic leaves by an address the records do not show (a NAT, a proxy).", d.src(), d.dst(), d.dst())
	case srcSeen:
		summary += fmt.Sprintf(" %s is in the data but never with %s, and %s appears nowhere: %s never sent to it from a logged interface, "+
			"or %s's interface is not logged.", d.src(), d.dst(), d.dst(), d.src(), d.dst())
	case dstSeen:
		summary += fmt.Sprintf(" %s is in the data but %s appears nowhere: %s's interface is not logged, or its traffic never reached the VPC.",
			d.dst(), d.src(), d.src())
	default:
		summary += " Neither address appears anywhere in the window: check the addresses, the window, and which interfaces the flow logs cover."
	}
	v.Summary = summary
	v.Evidence = evidence
	d.out.Verdict = v
	d.steps["security group or network ACL"] = "nothing to tell: no record"
	d.steps["return path"] = "nothing to tell: no record"
	d.steps["beyond flow logs"] = "whether the client sent anything, and where to: a packet capture on the client; whether a path exists: Reachability Analyzer"
	d.out.Next = []string{
		fmt.Sprintf("Check that the interfaces of %s and %s are in a flow log delivering to this data (a flow log covers a VPC, a subnet or one interface), "+
			"that it logs ALL traffic (not ACCEPT or REJECT only), and that the window is when the connection was tried.", d.src(), d.dst()),
		fmt.Sprintf("On the client: does %s resolve and route to %s? A NAT or a proxy sends it from another address (pkt-srcaddr, v3, keeps the original).", d.src(), d.dst()),
		fmt.Sprintf("Reachability Analyzer from %s to %s says whether a path exists at all.", d.from(), d.dstPort()),
	}
	d.followUp(qCoverage, nil, "which interfaces logged, per day, with their NODATA, SKIPDATA and gaps")
	d.followUp(qNoData, nil, "when interfaces logged no traffic or lost records")
	d.followUp(qHost, map[string]string{"host": d.src()}, "what "+d.src()+" sent, to anyone")
	d.followUp(qHost, map[string]string{"host": d.dst(), "direction": "to"}, "what "+d.dst()+" received, from anyone")
	return nil
}

// bpa: rejected by VPC Block Public Access.
func (d *diag) bpa(evidence []Evidence, fwd, rev side) error {
	t, err := d.run("security group or network ACL", qBPA, nil, func(t *table, row []any) bool {
		src, dst := t.str(row, "srcaddr"), t.str(row, "dstaddr")
		forward := in(d.a, src) && in(d.b, dst) && d.portIs(t.int(row, "dstport"))
		back := in(d.b, src) && in(d.a, dst)
		return (forward || back) && d.protoIs(t.int(row, "protocol"))
	})
	if err != nil {
		return err
	}
	var ifaces []string
	for _, row := range t.rows {
		ifaces = addOnce(ifaces, t.str(row, "interface_id"))
	}
	slices.Sort(ifaces)
	var ways []string
	if fwd.bpa > 0 {
		ways = append(ways, fmt.Sprintf("%s from %s to %s", count(fwd.bpa, "record"), d.src(), d.dstPort()))
	}
	if rev.bpa > 0 {
		ways = append(ways, fmt.Sprintf("%s from %s back to %s", count(rev.bpa, "record"), d.dst(), d.src()))
	}
	d.out.Verdict = Verdict{ID: BPARejected, Title: "rejected by VPC Block Public Access", Interfaces: ifaces,
		Summary: fmt.Sprintf("%s were rejected with reject-reason BPA on %s: VPC Block Public Access blocks traffic between the VPC and "+
			"the internet through its internet gateways (both ways, or inbound only, as its mode says), whatever the security groups "+
			"and network ACLs allow.", strings.Join(ways, " and "), list(ifaces)),
		Evidence: append(evidence, t.evidence())}
	if other := fwd.rejected + rev.rejected - fwd.bpa - rev.bpa; other > 0 {
		d.out.Verdict.Summary += fmt.Sprintf(" %s rejected without a reason: a security group or network ACL.", count(other, "more record was", "more records were"))
	}
	d.steps["security group or network ACL"] = "neither: VPC Block Public Access (reject-reason BPA, " + qBPA + ")"
	d.steps["beyond flow logs"] = "nothing more is needed to name the cause; after the change, Reachability Analyzer or a new window of flow logs confirms the path"
	d.out.Next = []string{
		"Check the VPC's Block Public Access mode (aws ec2 describe-vpc-block-public-access-options) and its exclusions " +
			"(aws ec2 describe-vpc-block-public-access-exclusions): an exclusion for the subnet or VPC of " + list(ifaces) +
			" lets the traffic through its internet gateway, within what the security groups and network ACLs allow.",
	}
	d.followUp(qBPA, nil, "everything Block Public Access rejected in the window")
	return nil
}

// tgwLosses are tgw-lost-flows' rows of this connection, both ways.
func (d *diag) tgwLosses() (*table, error) {
	return d.run("routes", qTGWLost, map[string]string{"reason": "any"}, func(t *table, row []any) bool {
		src, dst := t.str(row, "srcaddr"), t.str(row, "dstaddr")
		forward := in(d.a, src) && in(d.b, dst) && d.portIs(t.int(row, "dstport"))
		back := in(d.b, src) && in(d.a, dst)
		return (forward || back) && d.protoIs(t.int(row, "protocol"))
	})
}

// tgwLost: a Transit Gateway dropped packets of the connection, for each
// reason it says.
func (d *diag) tgwLost(evidence []Evidence, lost *table, fwd, rev side) error {
	type loss struct {
		packets     int64
		attachments []string
		pairs       []string
	}
	by := map[string]*loss{}
	for _, row := range lost.rows {
		r := lost.str(row, "reason")
		if by[r] == nil {
			by[r] = &loss{}
		}
		by[r].packets += lost.int(row, "packets_lost")
		by[r].attachments = addOnce(by[r].attachments, lost.str(row, "tgw_attachment_id"))
		if p := lost.str(row, "tgw_pair_attachment_id"); p != "" {
			by[r].pairs = addOnce(by[r].pairs, p)
		}
	}
	reasons := slices.SortedFunc(maps.Keys(by), func(x, y string) int { return cmp.Or(cmp.Compare(by[y].packets, by[x].packets), strings.Compare(x, y)) })
	var sentences, next, attachments []string
	for _, r := range reasons {
		l := by[r]
		slices.Sort(l.attachments)
		attachments = addAll(attachments, l.attachments)
		at := list(l.attachments)
		switch r {
		case "no-route":
			sentences = append(sentences, fmt.Sprintf("%d packets lost for lack of a route on %s: the route table associated with it has no route to %s.", l.packets, at, d.dst()))
			next = append(next, fmt.Sprintf("Add a route to %s (a static route, or the propagation of its attachment) to the Transit Gateway route table associated with %s.", d.dst(), at))
		case "blackhole":
			sentences = append(sentences, fmt.Sprintf("%d packets dropped by a blackhole route on %s: the route to %s leads nowhere (its attachment was deleted, or it is a blackhole on purpose).", l.packets, at, d.dst()))
			next = append(next, fmt.Sprintf("Replace the blackhole route that matches %s in the route table associated with %s with a route to a live attachment, or remove it.", d.dst(), at))
		case "mtu-exceeded":
			towards := ""
			if len(l.pairs) > 0 {
				slices.Sort(l.pairs)
				towards = " towards " + list(l.pairs)
			}
			sentences = append(sentences, fmt.Sprintf("%d packets were larger than the path's MTU on %s%s: a VPN or Direct Connect takes 1500 bytes, so larger packets that may not be fragmented are dropped.", l.packets, at, towards))
			next = append(next, fmt.Sprintf("Keep %s's packets to the path's MTU (1500 bytes over a VPN): lower its interface MTU or clamp the TCP MSS, and let ICMP \"fragmentation needed\" reach it so path-MTU discovery works.", d.src()))
		case "ttl-expired":
			sentences = append(sentences, fmt.Sprintf("%d packets' TTL expired on %s: a routing loop, the routes sending the traffic back where it came from.", l.packets, at))
			next = append(next, fmt.Sprintf("Find the loop: the routes for %s in the route table associated with %s and in the network behind it (on-premises routes that point back to AWS).", d.dst(), at))
		default:
			sentences = append(sentences, fmt.Sprintf("%d packets lost (%s) on %s.", l.packets, r, at))
		}
	}
	title := "lost in a Transit Gateway: " + strings.Join(reasons, ", ")
	back := count(rev.records, "record") + " back"
	if rev.records == 0 {
		back = "nothing back"
	}
	summary := fmt.Sprintf("The Transit Gateway carried %s from %s to %s and %s, and dropped packets: %s", count(fwd.records, "record"), d.src(), d.dstPort(),
		back, strings.Join(sentences, " "))
	d.out.Verdict = Verdict{ID: TGWLost, Title: title, Summary: summary, Interfaces: attachments, Reasons: reasons, Evidence: evidence}
	if d.can(qTGWLoss) {
		scale, err := d.run("routes", qTGWLoss, nil, func(t *table, row []any) bool {
			return slices.Contains(attachments, t.str(row, "tgw_attachment_id")) && slices.Contains(reasons, t.str(row, "reason"))
		})
		if err != nil {
			return err
		}
		d.out.Verdict.Evidence = append(d.out.Verdict.Evidence, scale.evidence())
	}
	d.steps["routes"] = fmt.Sprintf("%s: %s", qTGWLost, strings.Join(sentences, " "))
	d.steps["beyond flow logs"] = "which route matched, and where a loop turns: the Transit Gateway's route tables, and Reachability Analyzer from " + d.src() + " to " + d.dst()
	d.out.Next = next
	for _, r := range reasons {
		d.followUp(qTGWLost, map[string]string{"reason": r}, "every flow that lost packets to "+r)
	}
	d.followUp(qTGWLoss, nil, "the packets lost per attachment and reason, beside all the attachment carried")
	return nil
}

// reverseOnly: only Dst to Src is in the data.
func (d *diag) reverseOnly(evidence []Evidence, rev side) {
	d.out.Verdict = Verdict{ID: ReverseOnly, Title: "only the other way: " + d.dst() + " to " + d.src(), Evidence: evidence,
		Interfaces: addAll(slices.Clone(rev.acceptedOn), rev.rejectedOn),
		Summary: fmt.Sprintf("No record of %s sending to %s%s, but %s of %s sending to %s (%s): the data holds only the other direction. "+
			"If %s is the client, swap the source and the destination; if %s does send, its packets never reach a logged interface.",
			d.src(), d.dstPort(), d.protoSuffix(), count(rev.records, "record"), d.dst(), d.src(), d.tally(rev), d.dst(), d.src())}
	d.steps["beyond flow logs"] = "whether " + d.src() + " sends at all: a packet capture on it"
	d.out.Next = []string{fmt.Sprintf("Diagnose the other way round: source %s, destination %s.", d.dst(), d.src())}
	d.followUp(qBetween, d.betweenParams(), "every record between the two, in time order")
}

// replyRejected: the request accepted, its reply rejected: a stateless
// network ACL.
func (d *diag) replyRejected(evidence []Evidence, fwd, rev side) error {
	rp, err := d.run("return path", qReturnPath, nil, func(t *table, row []any) bool {
		return in(d.b, t.str(row, "server")) && in(d.a, t.str(row, "client")) && d.portIs(t.int(row, "server_port"))
	})
	if err != nil {
		return err
	}
	var clientPorts int64
	for _, row := range rp.rows {
		clientPorts += rp.int(row, "client_ports")
	}
	at := list(rev.rejectedOn)
	// where the replies were rejected, the rules to look at, and how the
	// records say so.
	var where, rule, how string
	replyAcceptedElsewhere := slices.ContainsFunc(rev.acceptedOn, func(i string) bool { return !slices.Contains(rev.rejectedOn, i) })
	// An interface that recorded the requests and no reply at all is the
	// client's: a reply that had left the server would be on it.
	var noReply []string
	for _, i := range fwd.acceptedOn {
		if !slices.Contains(rev.rejectedOn, i) && !slices.Contains(rev.acceptedOn, i) {
			noReply = append(noReply, i)
		}
	}
	switch {
	case d.data.FlowDirection && rev.egress > 0 && rev.ingress == 0:
		where, how = "as they left "+at, "flow-direction egress"
		rule = fmt.Sprintf("the outbound rules of the network ACL of %s's subnet (%s's side)", at, d.dst())
	case d.data.FlowDirection && rev.ingress > 0 && rev.egress == 0:
		where, how = "as they arrived at "+at, "flow-direction ingress"
		rule = fmt.Sprintf("the inbound rules of the network ACL of %s's subnet (%s's side)", at, d.src())
	case replyAcceptedElsewhere:
		where, how = "as they arrived at "+at, list(rev.acceptedOn)+" let them out first"
		rule = fmt.Sprintf("the inbound rules of the network ACL of %s's subnet (%s's side)", at, d.src())
	case len(noReply) > 0:
		where, how = "as they left "+at, list(noReply)+" recorded the requests and no reply: the replies never left"
		rule = fmt.Sprintf("the outbound rules of the network ACL of %s's subnet (%s's side)", at, d.dst())
	default:
		where, how = "on "+at, "one interface recorded both; without flow-direction (v5) its side is unknown"
		rule = fmt.Sprintf("the network ACL of %s's subnet: its outbound rules if it is %s's interface, its inbound rules if %s's", at, d.dst(), d.src())
	}
	icmp := slices.ContainsFunc(rev.protocols, func(p int64) bool { return p == 1 || p == 58 })
	replies, portRule := "its replies", ""
	if rev.rejectedClientPorts != nil && !icmp {
		replies = fmt.Sprintf("its replies to %s's ephemeral ports %s", d.src(), rev.rejectedClientPorts)
		portRule = fmt.Sprintf("%s to %s on ports 1024-65535 (the replies went to %s; clients take ephemeral ports from that range, Linux from 32768-60999)",
			d.protocols(side{}, rev), d.src(), rev.rejectedClientPorts)
	} else {
		portRule = fmt.Sprintf("%s from %s to %s", d.protocols(side{}, rev), d.dst(), d.src())
	}
	partly := ""
	if rev.accepted > 0 {
		partly = fmt.Sprintf("; %d others accepted", rev.accepted)
	}
	d.out.Verdict = Verdict{ID: ReplyRejected, Title: "forward accepted, reply rejected: a network ACL", Interfaces: rev.rejectedOn,
		ClientPorts: rev.rejectedClientPorts,
		Summary: fmt.Sprintf("%s's requests to %s%s were accepted (%s); %s were rejected %s (%s%s): a stateless network ACL without "+
			"a rule for the replies. Security groups are stateful and never reject the reply of a connection they let in.",
			d.src(), d.dstPort(), d.protoSuffix(), count(fwd.accepted, "record"), replies, where, count(rev.rejected, "record"), partly),
		Evidence: append(evidence, rp.evidence())}
	if icmp {
		d.out.Verdict.ClientPorts = nil
	}
	d.steps["security group or network ACL"] = fmt.Sprintf("a reply rejected after its request was accepted: a network ACL, which is "+
		"stateless (a security group never does this); rejected %s (%s): %s", where, how, rule)
	if len(rp.rows) > 0 {
		d.steps["return path"] = fmt.Sprintf("%s: %d rejected replies from %s to %s whose requests were accepted, to %s",
			qReturnPath, sumInt(rp, "rejected_replies"), d.dst(), d.src(), count(sumInt(rp, "client_ports"), "client port"))
	}
	d.steps["beyond flow logs"] = "which rule of the network ACL matched: its rules in order, or Reachability Analyzer from " + d.dst() + " back to " + d.src()
	d.out.Next = []string{
		fmt.Sprintf("Allow the replies in %s: %s, numbered before any rule that denies them.", rule, portRule),
		"Security groups need no change: they are stateful, and let this connection's replies through.",
	}
	d.followUp(qReturnPath, nil, "every reply rejected after its request was accepted, in the window")
	d.followUp(qBetween, d.betweenParams(), "every record between the two, in time order")
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sumInt(t *table, col string) int64 {
	var n int64
	for _, row := range t.rows {
		n += t.int(row, col)
	}
	return n
}

// rejected: the request rejected, nothing accepted back. Which side is told
// by flow-direction, or inferred from the interfaces and the addresses.
func (d *diag) rejected(evidence []Evidence, fwd, rev side) {
	at := list(fwd.rejectedOn)
	acceptedElsewhere := slices.ContainsFunc(fwd.acceptedOn, func(i string) bool { return !slices.Contains(fwd.rejectedOn, i) })
	// how says, briefly, how the side is known; why, in the checklist, in
	// full.
	id, how, why := Rejected, "", ""
	switch {
	case d.data.FlowDirection && fwd.ingress > 0 && fwd.egress == 0:
		id, how = RejectedInbound, "flow-direction ingress"
	case d.data.FlowDirection && fwd.egress > 0 && fwd.ingress == 0:
		id, how = RejectedOutbound, "flow-direction egress"
	case d.data.FlowDirection && fwd.ingress > 0:
		id, how = RejectedInbound, "flow-direction: rejected both leaving and arriving"
	case acceptedElsewhere:
		id, how = RejectedInbound, "accepted first on "+list(fwd.acceptedOn)
		why = fmt.Sprintf("%s let the requests out, so %s rejected them arriving", list(fwd.acceptedOn), at)
	case public(d.a) && !public(d.b):
		id, how = RejectedInbound, "the source is outside the VPC"
		why = fmt.Sprintf("%s is not a private address, so no interface of these logs is its own: the records are %s's interface's", d.src(), d.dst())
	case public(d.b) && !public(d.a):
		id, how = RejectedOutbound, "the destination is outside the VPC"
		why = fmt.Sprintf("%s is not a private address, so no interface of these logs is its own: the records are %s's interface's", d.dst(), d.src())
	}
	if why == "" {
		why = how
	}
	proto := d.protocols(fwd, side{})
	port := ""
	if fwd.serverPorts != nil {
		port = " port " + fwd.serverPorts.String()
	}
	v := Verdict{ID: id, Interfaces: fwd.rejectedOn, Evidence: evidence}
	nothing := "and nothing came back"
	if rev.records > 0 {
		nothing = fmt.Sprintf("and %s of %s to %s was accepted", count(rev.accepted, "record"), d.dst(), d.src())
	}
	switch id {
	case RejectedInbound:
		v.Title = "rejected inbound"
		v.Summary = fmt.Sprintf("%s from %s to %s%s were rejected on %s as they arrived (%s), %s: the security group of %s's interface, "+
			"or the network ACL of its subnet (inbound), does not allow %s%s from %s. Flow logs do not say which: an inbound REJECT "+
			"with no reply is the signature of both.", count(fwd.rejected, "record"), d.src(), d.dstPort(), d.protoSuffix(), at, how, nothing,
			d.dst(), proto, port, d.src())
		d.steps["security group or network ACL"] = fmt.Sprintf("rejected arriving at %s (%s), with no reply: its security group or its subnet's network ACL (inbound)", at, why)
		d.out.Next = []string{
			fmt.Sprintf("The security group of %s: an inbound rule allowing %s%s from %s (or from a security group it is in).", at, proto, port, d.src()),
			fmt.Sprintf("The network ACL of %s's subnet: an inbound rule allowing %s%s from %s, and an outbound one for the replies to its ephemeral ports (1024-65535).", at, proto, port, d.src()),
			fmt.Sprintf("Reachability Analyzer from %s to %s on%s names the rule that blocks it.", d.from(), at, port),
		}
	case RejectedOutbound:
		v.Title = "rejected outbound"
		v.Summary = fmt.Sprintf("%s from %s to %s%s were rejected on %s as they left %s (%s), %s: the security group of %s's interface, "+
			"or the network ACL of its subnet (outbound), does not allow %s%s to %s.", count(fwd.rejected, "record"), d.src(), d.dstPort(),
			d.protoSuffix(), at, d.src(), how, nothing, d.src(), proto, port, d.dst())
		d.steps["security group or network ACL"] = fmt.Sprintf("rejected leaving %s (%s): its security group or its subnet's network ACL (outbound)", at, why)
		d.out.Next = []string{
			fmt.Sprintf("The security group of %s: an outbound rule allowing %s%s to %s.", at, proto, port, d.dst()),
			fmt.Sprintf("The network ACL of %s's subnet: an outbound rule allowing %s%s to %s, and an inbound one for the replies to its ephemeral ports (1024-65535).", at, proto, port, d.dst()),
			fmt.Sprintf("Reachability Analyzer from %s to %s on%s names the rule that blocks it.", at, d.dst(), port),
		}
	default:
		v.Title = "rejected"
		v.Summary = fmt.Sprintf("%s from %s to %s%s were rejected on %s, %s. Without flow-direction (v5) the records cannot say whether %s is %s's "+
			"interface (its outbound rules refused them) or %s's (its inbound rules did): the security group or the network ACL of that side "+
			"does not allow %s%s.", count(fwd.rejected, "record"), d.src(), d.dstPort(), d.protoSuffix(), at, nothing, at, d.src(), d.dst(), proto, port)
		d.steps["security group or network ACL"] = fmt.Sprintf("rejected on %s: the security group or network ACL of %s (outbound) or of %s (inbound)", at, d.src(), d.dst())
		d.out.Next = []string{
			fmt.Sprintf("Find whose interface %s is (aws ec2 describe-network-interfaces --network-interface-ids %s): %s's, then its security group's and subnet network ACL's outbound rules; %s's, then their inbound rules, for %s%s.",
				at, strings.Join(fwd.rejectedOn, " "), d.src(), d.dst(), proto, port),
			fmt.Sprintf("Reachability Analyzer from %s to %s on%s names the rule that blocks it.", d.from(), d.dst(), port),
		}
	}
	if d.data.RejectReason {
		v.Summary += " The reject-reason is empty: not VPC Block Public Access."
	}
	if rev.accepted > 0 {
		v.Summary += fmt.Sprintf(" If %s's records are replies (from a service port to %s's ephemeral ports), diagnose the other way round: a reply rejected.", d.src(), d.dst())
	}
	d.out.Verdict = v
	d.steps["beyond flow logs"] = "which rule matched: the security group and network ACL rules, or Reachability Analyzer"
	if d.req.Port != 0 {
		params := map[string]string{"port": strconv.Itoa(d.req.Port)}
		if d.req.Protocol != "" && d.req.Protocol != "icmp" && d.req.Protocol != "icmpv6" {
			params["protocol"] = d.req.Protocol
		}
		d.followUp(qOnPort, params, "who else was rejected on this port, per destination and interface")
	}
	d.followUp(qIfaceReject, nil, "the interfaces that rejected the most"+map[bool]string{true: ", per direction", false: ""}[d.data.FlowDirection])
	d.followUp(qBetween, d.betweenParams(), "every record between the two, in time order")
}

// refused: the SYNs answered by RSTs.
func (d *diag) refused(evidence []Evidence, fwd, rev side, c synCounts) {
	d.out.Verdict = Verdict{ID: ConnectionRefused, Title: "connection refused (RST)", Evidence: evidence,
		Interfaces: addAll(slices.Clone(fwd.acceptedOn), rev.acceptedOn),
		Summary: fmt.Sprintf("%s from %s to %s were answered with a RST (%s): %s is up and the network carries the traffic both ways, "+
			"but nothing listens on the port, or the service resets the connection. A refused connection, not a timeout.",
			count(c.refused, "connection"), d.src(), d.dstPort(), qSYNs, d.dst())}
	d.steps["return path"] = fmt.Sprintf("%s answered every SYN with a RST: %s refused (%s)", d.dst(), count(c.refused, "connection"), qSYNs)
	d.steps["beyond flow logs"] = "why the service refuses: on " + d.dst() + ", what listens on the port (ss -ltn) and the service's logs"
	d.out.Next = []string{
		fmt.Sprintf("On %s: is the service running, and listening on %s on this address (not on 127.0.0.1 only)?", d.dst(), d.portText()),
		"If it accepted the connections before, its logs say why it resets them.",
	}
	d.followUp(qResets, nil, "who sends the RSTs, per sender, role and port")
	d.followUp(qSYNs, nil, "every connection that failed to open, unanswered or refused")
}

// synUnanswered: SYNs that got no SYN-ACK nor RST.
func (d *diag) synUnanswered(evidence []Evidence, fwd side, c synCounts) error {
	peer, err := d.peerFacts(&evidence, fwd)
	if err != nil {
		return err
	}
	d.out.Verdict = Verdict{ID: SYNUnanswered, Title: "SYN without SYN-ACK: a silent timeout", Evidence: evidence, Interfaces: fwd.acceptedOn,
		Summary: fmt.Sprintf("%s from %s to %s sent SYNs (%d packets, with their retransmissions) that got no SYN-ACK and no RST back (%s), "+
			"recorded on %s, and nothing of it was rejected here: the packets were dropped silently, by a firewall that does not answer, "+
			"a security group or network ACL these logs do not see, %s being down, or a route that leads nowhere. A refused connection would "+
			"have got a RST.%s", count(c.unanswered, "connection"), d.src(), d.dstPort(), c.packets, qSYNs, list(fwd.acceptedOn), d.dst(), peer)}
	d.steps["return path"] = fmt.Sprintf("no SYN-ACK and no RST: %s unanswered (%s)", count(c.unanswered, "connection"), qSYNs)
	d.steps["beyond flow logs"] = "whether the SYNs reach " + d.dst() + ": a packet capture there; whether a path exists: Reachability Analyzer"
	d.out.Next = []string{
		fmt.Sprintf("Reachability Analyzer from %s to %s says whether the routes and rules allow the path.", d.from(), d.dstPort()),
		fmt.Sprintf("A packet capture on %s (tcpdump 'tcp port %s') shows whether the SYNs arrive; on %s, whether anything comes back.", d.dst(), d.portText(), d.src()),
		fmt.Sprintf("If %s is in another VPC or on premises: its own flow logs and firewall, and its route back to %s.", d.dst(), d.src()),
	}
	d.followUp(qSYNs, nil, "every connection that failed to open, unanswered or refused")
	d.followUp(qBetween, d.betweenParams(), "every record between the two, in time order")
	return nil
}

// forwardOnly: accepted one way, nothing back.
func (d *diag) forwardOnly(evidence []Evidence, fwd side) error {
	ow, err := d.run("return path", qOneWay, nil, func(t *table, row []any) bool {
		return in(d.a, t.str(row, "srcaddr")) && in(d.b, t.str(row, "dstaddr")) && d.portIs(t.int(row, "dstport")) && d.protoIs(t.int(row, "protocol"))
	})
	if err != nil {
		return err
	}
	evidence = append(evidence, ow.evidence())
	peer, err := d.peerFacts(&evidence, fwd)
	if err != nil {
		return err
	}
	caution := ""
	if !d.data.TCPFlags && slices.Contains(fwd.protocols, 6) {
		caution = " Without tcp-flags (v3) the records cannot say whether these were SYNs that got no SYN-ACK (a silent timeout) or data of a connection whose replies took another path."
	}
	why := fmt.Sprintf("nothing listening on %s, an asymmetric route (the reply leaves by another path), or the reply not logged "+
		"(%s's interface not in these logs)", d.dstPort(), d.dst())
	if public(d.b) {
		why = fmt.Sprintf("%s is outside the VPC, so %s would record its replies: it did not answer (nothing listening, or down), "+
			"or its replies never came back (dropped on the way, or routed elsewhere)", d.dst(), list(fwd.acceptedOn))
	}
	d.out.Verdict = Verdict{ID: ForwardOnly, Title: "forward only, no reply", Evidence: evidence, Interfaces: fwd.acceptedOn,
		Summary: fmt.Sprintf("%s sent %s to %s%s, accepted, recorded on %s, and nothing came back: %s.%s%s",
			d.src(), count(fwd.accepted, "record"), d.dstPort(), d.protoSuffix(), list(fwd.acceptedOn), why, peer, caution)}
	if len(ow.rows) > 0 {
		d.steps["return path"] = fmt.Sprintf("no reply: %s lists %s with no record of the reverse direction", qOneWay, count(int64(len(ow.rows)), "flow"))
	}
	d.steps["beyond flow logs"] = "whether the packets reach " + d.dst() + " and what it sends back: a packet capture there; the path back: Reachability Analyzer from " + d.dst() + " to " + d.src()
	d.out.Next = []string{
		fmt.Sprintf("On %s: does anything listen on %s (ss -lntu)?", d.dst(), d.portText()),
		fmt.Sprintf("%s's route back to %s: through an appliance, a NAT or another interface the reply leaves another way (asymmetric), where a stateful firewall may drop it.", d.dst(), d.src()),
		fmt.Sprintf("Is %s's interface in a flow log (%s)? Its records would show the packets arriving.", d.dst(), qCoverage),
		fmt.Sprintf("A packet capture on %s shows whether the packets arrive and what it answers.", d.dst()),
	}
	d.followUp(qOneWay, nil, "every accepted flow with no reverse record in the window")
	d.followUp(qBetween, d.betweenParams(), "every record between the two, in time order")
	d.followUp(qCoverage, nil, "which interfaces logged, with their gaps")
	return nil
}

// peerFacts says whether Dst sent anything at all in the window, and
// whether the interfaces that recorded the request lost records then: what
// tells "no answer" from "an answer not logged".
func (d *diag) peerFacts(evidence *[]Evidence, fwd side) (string, error) {
	var facts []string
	if d.can(qHost) {
		t, err := d.run("return path", qHost, map[string]string{"host": d.dst(), "limit": "5"}, nil)
		if err != nil {
			return "", err
		}
		switch {
		case len(t.rows) == 0 && !public(d.b):
			facts = append(facts, fmt.Sprintf("%s sent nothing at all in the window (%s): it is down, or its interface is not logged.", d.dst(), qHost))
		case len(t.rows) == 0:
			facts = append(facts, fmt.Sprintf("%s sent nothing at all in the window (%s).", d.dst(), qHost))
		default:
			*evidence = append(*evidence, t.evidence())
			facts = append(facts, fmt.Sprintf("%s did send other traffic in the window (%s), so it is up and logged: it did not answer %s.", d.dst(), qHost, d.src()))
		}
	}
	if d.can(qNoData) && len(fwd.acceptedOn) > 0 {
		t, err := d.run("logging scope", qNoData, nil, func(t *table, row []any) bool {
			return t.str(row, "log_status") == "SKIPDATA" && slices.Contains(fwd.acceptedOn, t.str(row, "interface_id"))
		})
		if err != nil {
			return "", err
		}
		if len(t.rows) > 0 {
			*evidence = append(*evidence, t.evidence())
			facts = append(facts, fmt.Sprintf("%s lost records (SKIPDATA) in the window: the replies may be among them.", list(fwd.acceptedOn)))
		}
	}
	if len(facts) == 0 {
		return "", nil
	}
	return " " + strings.Join(facts, " "), nil
}

// flowsNormally: both directions accepted.
func (d *diag) flowsNormally(evidence []Evidence, fwd, rev side) {
	summary := fmt.Sprintf("Both directions were accepted: %s sent %s (%d bytes) to %s%s and %s sent %s (%d bytes) back: the network "+
		"carried the connection both ways. Look above it: the application (its logs, TLS, authentication), DNS (is %s calling this %s?), "+
		"timeouts and load balancers.", d.src(), count(fwd.records, "record"), fwd.bytes, d.dstPort(), d.protoSuffix(), d.dst(),
		count(rev.records, "record"), rev.bytes, d.src(), d.dst())
	if d.data.Kind == "tgw" {
		summary = fmt.Sprintf("The Transit Gateway carried %s from %s to %s%s (%d bytes) and %s back (%d bytes), and lost no packet of it: "+
			"the network between the VPCs carried the connection. Look at both ends: their security groups and network ACLs (their VPC "+
			"flow logs), then the application.", count(fwd.records, "record"), d.src(), d.dstPort(), d.protoSuffix(), fwd.bytes,
			count(rev.records, "record"), rev.bytes)
	}
	if n := fwd.rejected + rev.rejected; n > 0 {
		summary += fmt.Sprintf(" But %s rejected (on %s): some of the traffic was refused; narrow the source, the port or the window to see which.",
			count(n, "record was", "records were"), list(addAll(slices.Clone(fwd.rejectedOn), rev.rejectedOn)))
	}
	for _, c := range d.caveats {
		summary += " But " + c + "."
	}
	if !d.data.TCPFlags && d.data.Kind != "tgw" {
		summary += " Without tcp-flags (v3) a connection refused with a RST looks like this too: small records both ways."
	}
	d.out.Verdict = Verdict{ID: FlowsNormally, Title: "flows normally", Summary: summary, Evidence: evidence,
		Interfaces: addAll(slices.Clone(fwd.acceptedOn), rev.acceptedOn)}
	d.steps["beyond flow logs"] = "what the connection carried, and why the application fails: its logs on both sides, and a packet capture"
	d.out.Next = []string{
		"The application's logs on both sides; then a packet capture: flow logs see packets pass, not what they say.",
	}
	d.followUp(qBetween, d.betweenParams(), "every record between the two, in time order")
	d.followUp(qSummary, d.betweenParams(), "the traffic between the two summed per direction")
	if d.data.Kind == "tgw" {
		d.followUp(qPair, d.pairParams(), "this connection per direction, as the Transit Gateway recorded it")
		d.followUp(qTGWLoss, nil, "the packets the Transit Gateway lost in the window, per attachment and reason")
	}
}

// followUp adds a library query to run next, with its parameters.
func (d *diag) followUp(ref string, params map[string]string, why string) {
	if !d.can(ref) {
		return
	}
	d.out.FollowUps = append(d.out.FollowUps, FollowUp{Query: ref, Params: params, Why: why})
}

// result is the diagnosis, the checklist in order.
func (d *diag) result() *Diagnosis {
	out := d.out
	out.Request = d.req
	out.Data = d.data
	for _, s := range Steps {
		out.Checklist = append(out.Checklist, Step{Step: s, Finding: d.steps[s]})
	}
	out.CouldNotTell = append([]string{}, d.cannot...)
	out.Queries = d.runs
	if out.Next == nil {
		out.Next = []string{}
	}
	if out.FollowUps == nil {
		out.FollowUps = []FollowUp{}
	}
	return &out
}
