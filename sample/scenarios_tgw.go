package sample

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
)

// tgwScenarios are the incidents behind the tgw queries of the library.
var tgwScenarios = []scenario{
	{
		name: "tgw-packet-loss",
		// The Transit Gateway's own view: its attachments and its loss counters.
		fields: []string{"tgw-attachment-id", "tgw-pair-attachment-id", "packets-lost-no-route", "packets-lost-blackhole",
			"packets-lost-mtu-exceeded", "packets-lost-ttl-expired"},
		description: "a Transit Gateway drops packets for each reason: a host's calls to an unrouted VPC (no route) and to a " +
			"decommissioned one (blackhole), its large SMB packets to the VPN (MTU exceeded), and a routing loop between the VPN " +
			"and the gateway (TTL expired), beside healthy traffic to a shared-services VPC",
		at:    0.65,
		build: buildTGWPacketLoss,
	},
	{
		name:        "cross-az",
		fields:      []string{"interface-id", "action", "az-id", "flow-direction"},
		description: "cross-AZ traffic: a client in one AZ calls a service in another, both interfaces logging; it also talks to a cache in its own AZ and to a database whose interface is not in the logs",
		at:          0.75,
		build:       buildCrossAZ,
	},
	{
		name:   "egress-costs",
		fields: []string{"interface-id", "action", "flow-direction", "traffic-path", "pkt-src-aws-service", "pkt-dst-aws-service"},
		description: "the paths a host's bytes take out of the VPC: straight out of the internet gateway, through a NAT gateway in another AZ " +
			"(to an internet server and to API Gateway), and to DynamoDB through a gateway endpoint; mail out is blocked",
		at:    0.78,
		build: buildEgressCosts,
	},
}

// tgwAttachmentID is the ID of a made-up Transit Gateway attachment.
func tgwAttachmentID(n uint64) string { return fmt.Sprintf("tgw-attach-0%016x", mix(n)>>4) }

// buildTGWPacketLoss: a host of the world's VPC reaches other networks
// through the Transit Gateway. Each reason of loss has a flow of its own;
// the facts are the losses per attachment and reason, and the flows behind
// them, as the records hold them.
func buildTGWPacketLoss(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	host := newHost(0, 232)
	vpcAtt := newWorld(0).tgwAttachment // the world's VPC's own attachment: it does not depend on the seed
	vpnAtt, sharedAtt := tgwAttachmentID(0xa230), tgwAttachmentID(0xa231)
	const sharedVPC, sharedAccount = "vpc-0d4e5f60718293a4b", "444455556666"
	const sharedSubnet, sharedAZ = "subnet-0dd4444444444444d", "use1-az2"
	vpcENI, sharedENI := fmt.Sprintf("eni-0%016x", mix(0xe230)>>4), fmt.Sprintf("eni-0%016x", mix(0xe231)>>4)

	// fromVPC is the hop of traffic from the host entering the gateway on
	// the VPC's attachment; toVPC of traffic leaving it there.
	fromVPC := func(pair string) tgwHop {
		return tgwHop{resourceType: "TransitGatewayAttachment", attachment: vpcAtt, pair: pair, srcAccount: defaultAccount,
			srcVPC: vpcID, srcSubnet: host.subnet, srcENI: vpcENI, srcAZ: host.az}
	}
	toVPC := func(pair string) tgwHop {
		return tgwHop{resourceType: "TransitGatewayAttachment", attachment: vpcAtt, pair: pair, dstAccount: defaultAccount,
			dstVPC: vpcID, dstSubnet: host.subnet, dstENI: vpcENI, dstAZ: host.az}
	}
	shared := func(h tgwHop) *tgwHop {
		if h.srcVPC == "" {
			h.srcAccount, h.srcVPC, h.srcSubnet, h.srcENI, h.srcAZ = sharedAccount, sharedVPC, sharedSubnet, sharedENI, sharedAZ
		} else {
			h.dstAccount, h.dstVPC, h.dstSubnet, h.dstENI, h.dstAZ = sharedAccount, sharedVPC, sharedSubnet, sharedENI, sharedAZ
		}
		return &h
	}
	onVPN := func(pair string) tgwHop {
		return tgwHop{resourceType: "TransitGatewayAttachment", attachment: vpnAtt, pair: pair}
	}
	rec := func(src, dst string, sport, dport int32, packets, bytes, s int64, dir string, hop *tgwHop) flow {
		return flow{on: host, src: src, dst: dst, srcPort: sport, dstPort: dport, proto: 6, packets: packets, bytes: bytes,
			start: s, end: s + 50, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv4", direction: dir, tgw: hop}
	}
	var fs []flow
	for i := range 20 {
		s := t0 + int64(i*60+r.IntN(5))
		// Healthy: HTTPS to the shared-services VPC, recorded where it enters
		// the gateway and where it leaves, both ways.
		p, req, resp := ephemeral(r), int64(8+r.IntN(8)), int64(20+r.IntN(20))
		in, out := fromVPC(sharedAtt), toVPC(sharedAtt)
		sh1, sh2 := shared(tgwHop{resourceType: "TransitGatewayAttachment", attachment: sharedAtt, pair: vpcAtt, srcAccount: defaultAccount,
			srcVPC: vpcID, srcSubnet: host.subnet, srcENI: vpcENI, srcAZ: host.az}),
			shared(tgwHop{resourceType: "TransitGatewayAttachment", attachment: sharedAtt, pair: vpcAtt, dstAccount: defaultAccount,
				dstVPC: vpcID, dstSubnet: host.subnet, dstENI: vpcENI, dstAZ: host.az})
		fs = append(fs,
			rec(host.addr, "10.20.1.10", p, 443, req, req*120, s, "ingress", shared(in)),
			rec(host.addr, "10.20.1.10", p, 443, req, req*120, s, "egress", sh1),
			rec("10.20.1.10", host.addr, 443, p, resp, resp*1300, s, "ingress", sh2),
			rec("10.20.1.10", host.addr, 443, p, resp, resp*1300, s, "egress", shared(out)))
		// MTU exceeded: SMB to a file server on premises. The VPN's MTU is
		// 1500 bytes; the host's jumbo frames with DF set are dropped where
		// they enter, the rest go out over the VPN and are answered.
		if i%2 == 0 {
			p, sent := ephemeral(r), int64(30+r.IntN(20))
			lost := int64(4 + r.IntN(10))
			h := fromVPC(vpnAtt)
			h.lostMTU = lost
			back := int64(10 + r.IntN(10))
			fs = append(fs,
				rec(host.addr, "172.16.8.20", p, 445, sent, (sent-lost)*1400+lost*8500, s, "ingress", &h),
				rec(host.addr, "172.16.8.20", p, 445, sent-lost, (sent-lost)*1400, s, "egress", new(onVPN(vpcAtt))),
				rec("172.16.8.20", host.addr, 445, p, back, back*100, s, "ingress", new(onVPN(vpcAtt))),
				rec("172.16.8.20", host.addr, 445, p, back, back*100, s, "egress", new(toVPC(vpnAtt))))
		}
		// No route: a VPC whose attachment was never propagated to the
		// route table. Every SYN is lost where it enters; nothing leaves.
		if i < 10 {
			h := fromVPC("")
			h.lostNoRoute = int64(2 + r.IntN(3))
			fs = append(fs, rec(host.addr, "10.30.7.15", ephemeral(r), 443, h.lostNoRoute, h.lostNoRoute*60, s, "ingress", &h))
		}
		// Blackhole: the route to a decommissioned VPC was left as a blackhole.
		if i >= 8 && i < 16 {
			h := fromVPC("")
			h.lostBlackhole = int64(1 + r.IntN(3))
			fs = append(fs, rec(host.addr, "10.40.2.20", ephemeral(r), 5432, h.lostBlackhole, h.lostBlackhole*60, s, "ingress", &h))
		}
		// TTL expired: on premises routes 10.50.0.0/16 to AWS and the
		// gateway routes it back to the VPN, so packets loop until their TTL
		// runs out, on the VPN's attachment.
		if i >= 14 {
			h := onVPN(vpnAtt)
			h.lostTTL = int64(3 + r.IntN(4))
			fs = append(fs, rec("172.16.9.30", "10.50.0.9", ephemeral(r), 22, h.lostTTL, h.lostTTL*60, s, "ingress", &h))
		}
	}

	// The facts, from the records: losses per attachment and reason, the
	// flows behind them, and the packets each attachment's records count.
	type agg struct {
		lost, records, packets int64
		srcs, dsts             map[string]bool
	}
	losses, lostFlows := map[string]*agg{}, map[string]*agg{}
	packetsBy := map[string]int64{}
	totals := map[string]int64{}
	var packets int64
	for _, f := range fs {
		packets += f.packets
		packetsBy[f.tgw.attachment] += f.packets
		for _, l := range []struct {
			reason string
			n      int64
		}{{"no-route", f.tgw.lostNoRoute}, {"blackhole", f.tgw.lostBlackhole}, {"mtu-exceeded", f.tgw.lostMTU}, {"ttl-expired", f.tgw.lostTTL}} {
			if l.n == 0 {
				continue
			}
			totals[l.reason] += l.n
			for _, into := range []struct {
				m map[string]*agg
				k string
			}{
				{losses, fmt.Sprintf("%s %s", f.tgw.attachment, l.reason)},
				{lostFlows, fmt.Sprintf("%s %s %s %s %d %d %s", f.tgw.attachment, cmp.Or(f.tgw.pair, "-"), f.src, f.dst, f.dstPort, f.proto, l.reason)},
			} {
				a := into.m[into.k]
				if a == nil {
					a = &agg{srcs: map[string]bool{}, dsts: map[string]bool{}}
					into.m[into.k] = a
				}
				a.lost += l.n
				a.records++
				a.packets += f.packets
				a.srcs[f.src], a.dsts[f.dst] = true, true
			}
		}
	}
	var lossFacts, flowFacts []string
	for _, k := range slices.Sorted(maps.Keys(losses)) {
		a := losses[k]
		lossFacts = append(lossFacts, fmt.Sprintf("%s %d %d %d %d", k, a.lost, a.records, len(a.srcs), len(a.dsts)))
	}
	for _, k := range slices.Sorted(maps.Keys(lostFlows)) {
		a := lostFlows[k]
		flowFacts = append(flowFacts, fmt.Sprintf("%s %d %d %d", k, a.lost, a.records, a.packets))
	}
	return fs, map[string]any{"host": host.addr, "vpc_attachment": vpcAtt, "vpn_attachment": vpnAtt, "shared_attachment": sharedAtt,
		"lost_no_route": totals["no-route"], "lost_blackhole": totals["blackhole"], "lost_mtu_exceeded": totals["mtu-exceeded"],
		"lost_ttl_expired": totals["ttl-expired"],
		// "attachment reason lost records sources destinations"
		"losses": lossFacts,
		// "attachment pair src dst dstport protocol reason lost records packets"
		"lost_flows":            flowFacts,
		"packets":               packets,
		"packets_by_attachment": packetsBy}
}

// fiveTuple is a flow's addresses, ports and protocol: the key that finds
// the other side's record of it.
type fiveTuple struct {
	src, dst         string
	srcPort, dstPort int32
	proto            int32
}

// tupleOf is a flow's five-tuple at the packet level: a NAT gateway's
// interface records the instance's traffic with its own address in place
// of the far end's, which pkt-srcaddr and pkt-dstaddr keep.
func tupleOf(f *flow) fiveTuple {
	return fiveTuple{cmp.Or(f.pktSrc, f.src), cmp.Or(f.pktDst, f.dst), f.srcPort, f.dstPort, f.proto}
}

// crossAZFacts are the traffic between interfaces in different AZs among
// flows, as "srcAZ dstAZ srcaddr dstaddr bytes packets records": the bytes
// an interface sent (accepted egress records) whose flow an interface in
// another AZ received (an ingress record of the same five-tuple).
func crossAZFacts(fs []flow) []string {
	received := map[fiveTuple]map[string]bool{} // AZs whose interfaces logged the flow arriving
	for i := range fs {
		if f := &fs[i]; f.direction == "ingress" && !f.noData() {
			if received[tupleOf(f)] == nil {
				received[tupleOf(f)] = map[string]bool{}
			}
			received[tupleOf(f)][f.on.az] = true
		}
	}
	type sums struct{ bytes, packets, records int64 }
	rows := map[string]*sums{}
	for i := range fs {
		f := &fs[i]
		if f.direction != "egress" || f.action != "ACCEPT" || f.noData() {
			continue
		}
		for az := range received[tupleOf(f)] {
			if az == f.on.az {
				continue
			}
			k := fmt.Sprintf("%s %s %s %s", f.on.az, az, cmp.Or(f.pktSrc, f.src), cmp.Or(f.pktDst, f.dst))
			if rows[k] == nil {
				rows[k] = &sums{}
			}
			rows[k].bytes += f.bytes
			rows[k].packets += f.packets
			rows[k].records++
		}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(rows)) {
		out = append(out, fmt.Sprintf("%s %d %d %d", k, rows[k].bytes, rows[k].packets, rows[k].records))
	}
	return out
}

// buildCrossAZ: a client calls a service in another AZ (both interfaces
// log it), a cache in its own AZ (both log it), and a database whose
// interface does not log; some calls are refused at the service's security
// group, and its outbound SSH is refused at its own.
func buildCrossAZ(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	a, b, c, d := newHost(0, 230), newHost(2, 230), newHost(0, 231), newHost(2, 231)
	var fs []flow
	// call appends a connection from a to peer:port: a's egress record, the
	// peer's ingress record when it logs (with its action), and the reply
	// when it was accepted.
	call := func(peer *host, logs bool, port int32, s int64, req, resp int64, peerAction string) {
		p := ephemeral(r)
		out := flow{src: a.addr, dst: peer.addr, srcPort: p, dstPort: port, proto: 6, packets: req, bytes: req * 200,
			start: s, end: s + 50, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv4"}
		back := flow{src: peer.addr, dst: a.addr, srcPort: port, dstPort: p, proto: 6, packets: resp, bytes: resp * 1400,
			start: s, end: s + 50, action: "ACCEPT", status: "OK", tcpFlags: 19, typ: "IPv4"}
		sent, got := out, out
		sent.on, sent.direction, sent.path = a, "egress", 1
		got.on, got.direction, got.action = peer, "ingress", peerAction
		fs = append(fs, sent)
		if logs {
			fs = append(fs, got)
		}
		if peerAction != "ACCEPT" {
			return
		}
		replied, answer := back, back
		replied.on, replied.direction, replied.path = peer, "egress", 1
		answer.on, answer.direction = a, "ingress"
		if logs {
			fs = append(fs, replied)
		}
		fs = append(fs, answer)
	}
	for i := range 30 {
		s := t0 + int64(i*60+r.IntN(5))
		call(b, true, 8080, s, int64(10+r.IntN(20)), int64(40+r.IntN(200)), "ACCEPT")
		if i%3 == 0 {
			call(c, true, 6379, s, int64(5+r.IntN(10)), int64(5+r.IntN(10)), "ACCEPT")
		}
		if i%5 == 0 {
			call(d, false, 5432, s, int64(5+r.IntN(10)), int64(20+r.IntN(40)), "ACCEPT")
		}
		if i == 10 || i == 20 {
			call(b, true, 9090, s, 3, 0, "REJECT") // b's security group refuses 9090: the bytes still crossed
		}
		if i == 15 {
			// a's own security group refuses SSH out: nothing leaves a.
			fs = append(fs, flow{on: a, src: a.addr, dst: b.addr, srcPort: ephemeral(r), dstPort: 22, proto: 6, packets: 2, bytes: 120,
				start: s, end: s + 5, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "egress", path: 1})
		}
	}
	var sameAZ, unlogged, refused int64
	for _, f := range fs {
		switch {
		case f.on == a && f.direction == "egress" && f.dst == c.addr:
			sameAZ += f.bytes
		case f.on == a && f.direction == "egress" && f.dst == d.addr:
			unlogged += f.bytes
		case f.action == "REJECT" && f.direction == "egress":
			refused += f.bytes
		}
	}
	return fs, map[string]any{"client": a.addr, "service": b.addr, "cache": c.addr, "database": d.addr,
		"client_az": a.az, "service_az": b.az, "client_subnet": a.subnet, "service_subnet": b.subnet,
		"client_interface_id": a.eni, "service_interface_id": b.eni,
		// "srcAZ dstAZ srcaddr dstaddr bytes packets records"
		"cross_az":      crossAZFacts(fs),
		"same_az_bytes": sameAZ, "unlogged_peer_bytes": unlogged, "refused_egress_bytes": refused}
}

// buildEgressCosts: a host's traffic out of the VPC by each path, with the
// NAT gateway's records of what it forwards. The facts are the bytes to the
// internet per sender, the bytes per AWS service, direction and path, and
// the cross-AZ hops to and from the NAT gateway.
func buildEgressCosts(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	h := newHost(1, 233)
	nat := newHost(0, 234) // a NAT gateway's interface, in another AZ
	nat.instance = ""
	const direct, natServer, blocked = "198.18.30.10", "198.18.30.20", "198.18.30.30"
	const dynamo, apiGW = "52.95.12.34", "52.95.100.7"
	var fs []flow
	// rec appends a record; dst and src name the AWS service at either end, if any.
	rec := func(on *host, src, dst string, sport, dport int32, packets, bytes, s int64, dir string, path int32, dstSvc, srcSvc string) {
		fs = append(fs, flow{on: on, src: src, dst: dst, srcPort: sport, dstPort: dport, proto: 6, packets: packets, bytes: bytes,
			start: s, end: s + 55, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv4", direction: dir, path: path,
			dstService: dstSvc, srcService: srcSvc})
	}
	// throughNAT records a connection from h to dst:443 through the NAT
	// gateway as AWS's NAT gateway example records it: h's record, the
	// gateway's two of each direction, h's reply. The gateway's interface
	// writes its own address for the end it stands in for; pkt-srcaddr and
	// pkt-dstaddr keep the far end.
	throughNAT := func(dst, service string, s int64) {
		p, q := ephemeral(r), ephemeral(r)
		up, down := int64(20+r.IntN(40)), int64(200+r.IntN(400))
		upBytes, downBytes := up*900, down*1400
		rec(h, h.addr, dst, p, 443, up, upBytes, s, "egress", 1, service, "")
		rec(nat, h.addr, nat.addr, p, 443, up, upBytes, s, "ingress", 0, service, "")
		fs[len(fs)-1].pktDst = dst
		rec(nat, nat.addr, dst, q, 443, up, upBytes, s, "egress", 8, service, "")
		rec(nat, dst, nat.addr, 443, q, down, downBytes, s, "ingress", 0, "", service)
		rec(nat, nat.addr, h.addr, 443, p, down, downBytes, s, "egress", 1, "", service)
		fs[len(fs)-1].pktSrc = dst
		rec(h, dst, h.addr, 443, p, down, downBytes, s, "ingress", 0, "", service)
	}
	for i := range 20 {
		s := t0 + int64(i*60+r.IntN(5))
		p := ephemeral(r)
		up, down := int64(100+r.IntN(200)), int64(50+r.IntN(100))
		rec(h, h.addr, direct, p, 443, up, up*1400, s, "egress", 8, "", "")
		rec(h, direct, h.addr, 443, p, down, down*200, s, "ingress", 0, "", "")
		throughNAT(natServer, "", s)
		throughNAT(apiGW, "API_GATEWAY", s)
		p, up, down = ephemeral(r), int64(30+r.IntN(60)), int64(100+r.IntN(300))
		rec(h, h.addr, dynamo, p, 443, up, up*1000, s, "egress", 7, "DYNAMODB", "")
		rec(h, dynamo, h.addr, 443, p, down, down*1400, s, "ingress", 0, "", "DYNAMODB")
		if i%5 == 0 {
			rec(h, h.addr, blocked, ephemeral(r), 25, 2, 120, s, "egress", 8, "", "")
			fs[len(fs)-1].action, fs[len(fs)-1].tcpFlags = "REJECT", 2
		}
	}

	// The facts, from the records.
	type sums struct {
		bytes, packets, records int64
		hosts                   map[string]bool
	}
	add := func(m map[string]*sums, k string, f *flow, host string) {
		if m[k] == nil {
			m[k] = &sums{hosts: map[string]bool{}}
		}
		m[k].bytes += f.bytes
		m[k].packets += f.packets
		m[k].records++
		m[k].hosts[host] = true
	}
	internet, services := map[string]*sums{}, map[string]*sums{}
	for i := range fs {
		f := &fs[i]
		if f.action != "ACCEPT" {
			continue
		}
		// To the internet: sent out of the internet gateway to a public address.
		if f.direction == "egress" && f.path == 8 {
			add(internet, f.src, f, f.dst)
		}
		// Per AWS service: sent to it, by path, or received from it.
		if f.direction == "egress" && f.dstService != "" {
			add(services, fmt.Sprintf("%s to %d", f.dstService, f.path), f, f.src)
		}
		if f.direction == "ingress" && f.srcService != "" {
			add(services, fmt.Sprintf("%s from -", f.srcService), f, f.dst)
		}
	}
	var internetFacts, serviceFacts []string
	for _, k := range slices.Sorted(maps.Keys(internet)) {
		v := internet[k]
		internetFacts = append(internetFacts, fmt.Sprintf("%s %d %d %d %d", k, v.bytes, v.packets, v.records, len(v.hosts)))
	}
	for _, k := range slices.Sorted(maps.Keys(services)) {
		v := services[k]
		serviceFacts = append(serviceFacts, fmt.Sprintf("%s %d %d %d %d", k, v.bytes, v.packets, v.records, len(v.hosts)))
	}
	var blockedBytes int64
	for _, f := range fs {
		if f.action == "REJECT" {
			blockedBytes += f.bytes
		}
	}
	return fs, map[string]any{"host": h.addr, "nat": nat.addr, "host_az": h.az, "nat_az": nat.az,
		"direct": direct, "nat_server": natServer, "blocked": blocked, "dynamodb": dynamo, "api_gateway": apiGW,
		// "srcaddr bytes packets records destinations"
		"internet": internetFacts,
		// "service direction path bytes packets records hosts"
		"services": serviceFacts,
		// "srcAZ dstAZ srcaddr dstaddr bytes packets records"
		"cross_az":      crossAZFacts(fs),
		"blocked_bytes": blockedBytes}
}
