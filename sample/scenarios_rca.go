package sample

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
)

// rcaScenarios are the incidents behind the rca queries of the library.
var rcaScenarios = []scenario{
	{
		name:   "connect-timeout",
		fields: []string{"interface-id", "action", "tcp-flags"},
		description: "connections that fail two ways: a client's SYNs to 198.18.20.20:443 get no answer (a silent timeout); " +
			"five minutes later the service on 10.0.3.221:8080 crashes, resets its 3 open connections and refuses new ones with a RST",
		at:    0.05,
		build: buildRCAConnectTimeout,
	},
	{
		name: "egress-paths",
		fields: []string{"interface-id", "action", "flow-direction", "traffic-path",
			"pkt-src-aws-service", "pkt-dst-aws-service"},
		description: "egress by every path: a Nitro host reaches a database in the VPC, DynamoDB through a gateway endpoint, " +
			"an AMAZON address through the internet gateway and two peered VPCs; an older host reaches the internet, " +
			"DynamoDB through a gateway endpoint and an on-premises database through a virtual private gateway",
		at:    0.15,
		build: buildRCAEgressPaths,
	},
	{
		name:        "nat-gateway",
		fields:      []string{"interface-id", "action", "pkt-srcaddr", "pkt-dstaddr"},
		description: "two private instances reach two internet hosts through a NAT gateway, recorded on their interfaces and on the NAT gateway's",
		at:          0.25,
		build:       buildRCANATGateway,
	},
	{
		name:   "bpa-rejects",
		fields: []string{"interface-id", "action", "reject-reason"},
		description: "VPC Block Public Access rejects a public instance's traffic both ways: its calls to 198.18.20.26:443 " +
			"and 10 internet sources' requests to its port 443; a security group also rejects SSH to it",
		at:    0.35,
		build: buildRCABPARejects,
	},
	{
		name:   "large-udp",
		fields: baseFields,
		description: "a path-MTU black hole: a UDP tunnel sends jumbo packets (about 8,900 bytes) to 100.64.20.27 and gets only " +
			"keepalives back, while the network ACL rejects the ICMP its path's router sends back; small DNS and QUIC flows beside it",
		at:    0.45,
		build: buildRCALargeUDP,
	},
}

// rcaPorts hands out distinct ephemeral ports, so that each connection of a
// scenario is its own.
type rcaPorts struct {
	r    *rand.Rand
	used map[int32]bool
}

func newRCAPorts(r *rand.Rand) *rcaPorts { return &rcaPorts{r: r, used: map[int32]bool{}} }

func (p *rcaPorts) next() int32 {
	for {
		if n := ephemeral(p.r); !p.used[n] {
			p.used[n] = true
			return n
		}
	}
}

// rcaMinute is one minute of traffic as any-traffic counts it: the records
// that overlap the minute, by kind.
type rcaMinute struct {
	records, accepted, rejected, nodata, skipdata, packets, bytes int64
}

// rcaMinuteFacts are what any-traffic answers for the flows that match: a line
// per minute that has records ("2026-01-05T02:24:00Z traffic 3 3 0 0 0 12 720":
// minute, state, records, accepted, rejected, nodata, skipdata, packets,
// bytes) and one per run of minutes without any between them
// ("2026-01-05T02:34:00Z no records 5").
func rcaMinuteFacts(fs []flow, match func(*flow) bool) (minutes, silent []string) {
	rows := map[int64]*rcaMinute{}
	for i := range fs {
		f := &fs[i]
		if !match(f) {
			continue
		}
		for k, m := int64(0), f.start-f.start%60; k < 16 && m <= f.end; k, m = k+1, m+60 {
			row := rows[m]
			if row == nil {
				row = &rcaMinute{}
				rows[m] = row
			}
			row.records++
			switch {
			case f.status == "NODATA":
				row.nodata++
			case f.status == "SKIPDATA":
				row.skipdata++
			case f.action == "ACCEPT":
				row.accepted++
			case f.action == "REJECT":
				row.rejected++
			}
			if !f.noData() {
				row.packets += f.packets
				row.bytes += f.bytes
			}
		}
	}
	keys := slices.Sorted(maps.Keys(rows))
	for i, m := range keys {
		row := rows[m]
		state := "nodata"
		switch {
		case row.accepted+row.rejected > 0:
			state = "traffic"
		case row.skipdata > 0:
			state = "skipdata"
		}
		minutes = append(minutes, fmt.Sprintf("%s %s %d %d %d %d %d %d %d", rfc(m), state, row.records, row.accepted,
			row.rejected, row.nodata, row.skipdata, row.packets, row.bytes))
		if i > 0 && m-keys[i-1] > 60 {
			silent = append(silent, fmt.Sprintf("%s no records %d", rfc(keys[i-1]+60), (m-keys[i-1])/60-1))
		}
	}
	return minutes, silent
}

// buildRCAConnectTimeout: a client whose SYNs to an internet host go unanswered
// (20 connections), then, after five silent minutes, a service that resets
// its 3 open connections and refuses the client's 20 new ones.
func buildRCAConnectTimeout(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	client, server := newHost(0, 220), newHost(2, 221)
	const peer = "198.18.20.20"
	pp := newRCAPorts(r)
	var fs []flow
	unanswered, synPackets := 0, int64(0)
	// The first ten minutes: a SYN every 30 seconds, retransmitted three
	// times, and nothing back.
	for i := range 20 {
		s := t0 + int64(i*30+r.IntN(10))
		f := flow{on: client, src: client.addr, dst: peer, srcPort: pp.next(), dstPort: 443, proto: 6, packets: 4, bytes: 240,
			start: s, end: s + 7, action: "ACCEPT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "egress", path: 8}
		unanswered++
		synPackets += f.packets
		fs = append(fs, f)
	}
	// Five minutes later the service crashes: it resets the connections it
	// had open (opened before the logs show, so no SYN of theirs is here)...
	t1 := t0 + 15*60
	both := func(f flow, dirOnClient, dirOnServer string) []flow {
		onClient, onServer := f, f
		onClient.on, onClient.direction = client, dirOnClient
		onServer.on, onServer.direction = server, dirOnServer
		if dirOnClient == "egress" {
			onClient.path = 1
		} else {
			onServer.path = 1
		}
		return []flow{onClient, onServer}
	}
	established := 0
	for range 3 {
		p := pp.next()
		fs = append(fs, both(flow{src: client.addr, dst: server.addr, srcPort: p, dstPort: 8080, proto: 6, packets: 5, bytes: 2000,
			start: t1, end: t1 + 2, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4"}, "egress", "ingress")...)
		fs = append(fs, both(flow{src: server.addr, dst: client.addr, srcPort: 8080, dstPort: p, proto: 6, packets: 1, bytes: 40,
			start: t1 + 1, end: t1 + 2, action: "ACCEPT", status: "OK", tcpFlags: 4, typ: "IPv4"}, "ingress", "egress")...)
		established++
	}
	// ... and answers every new connection with a RST for ten minutes.
	refused := 0
	for i := range 20 {
		s := t1 + 30 + int64(i*30+r.IntN(10))
		p := pp.next()
		fs = append(fs, both(flow{src: client.addr, dst: server.addr, srcPort: p, dstPort: 8080, proto: 6, packets: 1, bytes: 60,
			start: s, end: s, action: "ACCEPT", status: "OK", tcpFlags: 2, typ: "IPv4"}, "egress", "ingress")...)
		fs = append(fs, both(flow{src: server.addr, dst: client.addr, srcPort: 8080, dstPort: p, proto: 6, packets: 1, bytes: 40,
			start: s, end: s, action: "ACCEPT", status: "OK", tcpFlags: 4, typ: "IPv4"}, "ingress", "egress")...)
		refused++
	}
	var rstRecords, rstPackets int64
	for _, f := range fs {
		if f.tcpFlags >= 0 && f.tcpFlags&4 != 0 {
			rstRecords++
			rstPackets += f.packets
		}
	}
	minutes, silent := rcaMinuteFacts(fs, func(f *flow) bool { return f.src == client.addr || f.dst == client.addr })
	return fs, map[string]any{"client": client.addr, "client_interface_id": client.eni, "server": server.addr,
		"server_interface_id": server.eni, "silent_peer": peer, "silent_port": 443, "unanswered": unanswered,
		"unanswered_syn_packets": synPackets, "refused_port": 8080, "refused": refused, "reset_established": established,
		"rst_records": rstRecords, "rst_packets": rstPackets, "client_minutes": minutes, "client_silent": silent}
}

// buildRCAEgressPaths: traffic on every egress path but the local gateway's,
// each request recorded egress on its sender and its reply ingress; the
// database in the VPC records both too.
func buildRCAEgressPaths(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	nitro, older, db := newHost(0, 223), newHost(1, 224), newHost(2, 223)
	dests := []struct {
		from    *host
		dst     string
		port    int32
		path    int32
		service string
	}{
		{nitro, db.addr, 5432, 1, ""},
		{nitro, "52.94.0.23", 443, 7, "DYNAMODB"},
		{nitro, "52.94.20.23", 443, 8, "AMAZON"},
		{nitro, "10.20.0.23", 443, 4, ""},
		{nitro, "10.30.0.23", 443, 5, ""},
		{older, "100.64.20.24", 443, 2, ""},
		{older, "52.94.0.24", 443, 2, "DYNAMODB"},
		{older, "172.16.20.24", 1521, 3, ""},
	}
	pp := newRCAPorts(r)
	var fs []flow
	for i := range 15 {
		for _, d := range dests {
			s := t0 + int64(i*120+r.IntN(60))
			e := s + int64(r.IntN(50))
			p := pp.next()
			n, back := int64(2+r.IntN(30)), int64(2+r.IntN(60))
			req := flow{on: d.from, src: d.from.addr, dst: d.dst, srcPort: p, dstPort: d.port, proto: 6, packets: n,
				bytes: n * int64(100+r.IntN(400)), start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv4",
				dstService: d.service, direction: "egress", path: d.path}
			rep := flow{on: d.from, src: d.dst, dst: d.from.addr, srcPort: d.port, dstPort: p, proto: 6, packets: back,
				bytes: back * int64(200+r.IntN(1200)), start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 19, typ: "IPv4",
				srcService: d.service, direction: "ingress"}
			fs = append(fs, req, rep)
			if d.dst == db.addr {
				in, out := req, rep
				in.on, in.direction, in.path = db, "ingress", 0
				out.on, out.direction, out.path = db, "egress", 1
				fs = append(fs, in, out)
			}
		}
	}
	type sums struct {
		records, packets, bytes int64
		enis                    map[string]bool
	}
	paths, services := map[int32]*sums{}, map[string]*sums{}
	add := func(t *sums, f flow) {
		t.records++
		t.packets += f.packets
		t.bytes += f.bytes
		t.enis[f.on.eni] = true
	}
	for _, f := range fs {
		if f.direction == "egress" {
			if paths[f.path] == nil {
				paths[f.path] = &sums{enis: map[string]bool{}}
			}
			add(paths[f.path], f)
		}
		for dir, svc := range map[string]string{"to": f.dstService, "from": f.srcService} {
			if svc == "" {
				continue
			}
			if services[svc+" "+dir] == nil {
				services[svc+" "+dir] = &sums{enis: map[string]bool{}}
			}
			add(services[svc+" "+dir], f)
		}
	}
	// "7 30 470 123456 1": path, records, packets, bytes, interfaces.
	var pathFacts, serviceFacts []string
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		t := paths[p]
		pathFacts = append(pathFacts, fmt.Sprintf("%d %d %d %d %d", p, t.records, t.packets, t.bytes, len(t.enis)))
	}
	// "DYNAMODB to 30 470 123456 2": service, direction, records, packets,
	// bytes, interfaces; by bytes, most first, as the query orders them.
	keys := slices.SortedFunc(maps.Keys(services), func(a, b string) int {
		return cmp.Or(cmp.Compare(services[b].bytes, services[a].bytes), strings.Compare(a, b))
	})
	for _, k := range keys {
		t := services[k]
		serviceFacts = append(serviceFacts, fmt.Sprintf("%s %d %d %d %d", k, t.records, t.packets, t.bytes, len(t.enis)))
	}
	return fs, map[string]any{"nitro": nitro.addr, "nitro_interface_id": nitro.eni, "older": older.addr,
		"older_interface_id": older.eni, "db": db.addr, "paths": pathFacts, "services": serviceFacts}
}

// buildRCANATGateway: connections from two private instances to two internet
// hosts through a NAT gateway, recorded as AWS's example records them: on the
// instance's interface with the internet host's address, and on the NAT
// gateway's (a requester-managed interface: no instance) in four legs, the
// first and last with packet-level addresses that differ.
func buildRCANATGateway(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	nat := newHost(0, 222)
	nat.instance = ""
	apps := []*host{newHost(1, 222), newHost(2, 222)}
	peers := []struct {
		addr string
		port int32
	}{{"100.64.20.22", 443}, {"198.18.20.22", 80}}
	pp := newRCAPorts(r)
	var fs []flow
	for i := range 24 {
		app, peer := apps[i%2], peers[(i/2)%2]
		s := t0 + int64(i*90+r.IntN(30))
		e := s + int64(1+r.IntN(40))
		p, np := pp.next(), pp.next()
		n, back := int64(3+r.IntN(20)), int64(3+r.IntN(80))
		up, down := n*int64(80+r.IntN(500)), back*int64(200+r.IntN(1200))
		base := flow{proto: 6, start: s, end: e, action: "ACCEPT", status: "OK", typ: "IPv4"}
		leg := func(on *host, src, dst string, sp, dp int32, packets, bytes int64, flags int32, dir string, path int32, pktSrc, pktDst string) flow {
			f := base
			f.on, f.src, f.dst, f.srcPort, f.dstPort, f.packets, f.bytes, f.tcpFlags = on, src, dst, sp, dp, packets, bytes, flags
			f.direction, f.path, f.pktSrc, f.pktDst = dir, path, pktSrc, pktDst
			return f
		}
		fs = append(fs,
			// The instance's interface: its own addresses, nothing differs.
			leg(app, app.addr, peer.addr, p, peer.port, n, up, 3, "egress", 1, "", ""),
			leg(app, peer.addr, app.addr, peer.port, p, back, down, 19, "ingress", 0, "", ""),
			// The NAT gateway's: in from the instance (to its own address, for
			// the internet host), out to the host, the host's reply, and the
			// reply on to the instance (from its own address, for the host).
			leg(nat, app.addr, nat.addr, p, peer.port, n, up, 3, "ingress", 0, "", peer.addr),
			leg(nat, nat.addr, peer.addr, np, peer.port, n, up, 3, "egress", 8, "", ""),
			leg(nat, peer.addr, nat.addr, peer.port, np, back, down, 19, "ingress", 0, "", ""),
			leg(nat, nat.addr, app.addr, peer.port, p, back, down, 19, "egress", 1, peer.addr, ""))
	}
	// "eni-… 10.0.2.222 10.0.2.222 10.0.1.222 100.64.20.22 12 123 45678":
	// interface, srcaddr, pkt-srcaddr, dstaddr, pkt-dstaddr, records, packets,
	// bytes; by bytes, most first, as the query orders them.
	type hop struct{ records, packets, bytes int64 }
	hops := map[string]*hop{}
	for _, f := range fs {
		if f.pktSrc == "" && f.pktDst == "" {
			continue
		}
		k := strings.Join([]string{f.on.eni, f.src, cmp.Or(f.pktSrc, f.src), f.dst, cmp.Or(f.pktDst, f.dst)}, " ")
		if hops[k] == nil {
			hops[k] = &hop{}
		}
		hops[k].records++
		hops[k].packets += f.packets
		hops[k].bytes += f.bytes
	}
	keys := slices.SortedFunc(maps.Keys(hops), func(a, b string) int {
		return cmp.Or(cmp.Compare(hops[b].bytes, hops[a].bytes), strings.Compare(a, b))
	})
	var hopFacts []string
	for _, k := range keys {
		hopFacts = append(hopFacts, fmt.Sprintf("%s %d %d %d", k, hops[k].records, hops[k].packets, hops[k].bytes))
	}
	return fs, map[string]any{"nat_interface_id": nat.eni, "nat_address": nat.addr, "apps": []string{apps[0].addr, apps[1].addr},
		"peers": []string{peers[0].addr, peers[1].addr}, "hops": hopFacts}
}

// buildRCABPARejects: VPC Block Public Access (bidirectional) rejects a public
// instance's outbound calls and the internet's requests to it; a security
// group rejects SSH to it, a reject with no reason.
func buildRCABPARejects(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	h := newHost(2, 226)
	const callee = "198.18.20.26"
	var fs []flow
	egress, ingress, other := 0, 0, 0
	for i := range 12 {
		s := t0 + int64(i*150+r.IntN(60))
		fs = append(fs, flow{on: h, src: h.addr, dst: callee, srcPort: ephemeral(r), dstPort: 443, proto: 6, packets: int64(1 + r.IntN(3)),
			start: s, end: s + 3, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "egress", path: 8, rejectReason: "BPA"})
		egress++
	}
	var sources []string
	for i := range 10 {
		src := fmt.Sprintf("100.64.20.%d", 30+i)
		sources = append(sources, src)
		for k := range 3 {
			s := t0 + int64(i*120+k*40+r.IntN(30))
			fs = append(fs, flow{on: h, src: src, dst: h.addr, srcPort: ephemeral(r), dstPort: 443, proto: 6, packets: int64(1 + r.IntN(2)),
				start: s, end: s + 1, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "ingress", rejectReason: "BPA"})
			ingress++
		}
	}
	for i := range 5 {
		s := t0 + int64(i*300+r.IntN(60))
		fs = append(fs, flow{on: h, src: "100.64.20.40", dst: h.addr, srcPort: ephemeral(r), dstPort: 22, proto: 6, packets: 2,
			start: s, end: s + 2, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "ingress"})
		other++
	}
	// "10.0.3.226 198.18.20.26 443 6 12 24": source, destination, port,
	// protocol, rejects, packets of each BPA reject's group.
	type group struct{ rejects, packets int64 }
	groups := map[string]*group{}
	for i := range fs {
		f := &fs[i]
		f.bytes = f.packets * 60
		if f.rejectReason != "BPA" {
			continue
		}
		k := fmt.Sprintf("%s %s %d %d", f.src, f.dst, f.dstPort, f.proto)
		if groups[k] == nil {
			groups[k] = &group{}
		}
		groups[k].rejects++
		groups[k].packets += f.packets
	}
	var groupFacts []string
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		groupFacts = append(groupFacts, fmt.Sprintf("%s %d %d", k, groups[k].rejects, groups[k].packets))
	}
	return fs, map[string]any{"host": h.addr, "interface_id": h.eni, "callee": callee, "egress_rejects": egress,
		"ingress_sources": sources, "ingress_rejects": ingress, "other_rejects": other, "bpa_groups": groupFacts}
}

// buildRCALargeUDP: a UDP tunnel of jumbo packets to an internet peer, whose only
// answers are keepalives, and the router's ICMP back rejected; small DNS
// and QUIC flows from the same host, with their replies.
func buildRCALargeUDP(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	h := newHost(0, 227)
	const peer, router, resolver, web = "100.64.20.27", "100.64.20.1", "100.64.20.28", "100.64.20.29"
	var fs []flow
	var tunnelPackets, tunnelBytes, keepalives, icmpPackets, icmpBytes int64
	var quicPackets, quicBytes int64
	pp := newRCAPorts(r)
	quicPort := pp.next()
	for i := range 20 {
		s := t0 + int64(i*60)
		n := int64(300 + r.IntN(100))
		tb := n * int64(8900+r.IntN(50))
		tunnelPackets += n
		tunnelBytes += tb
		keepalives += 2
		icmp := int64(5 + r.IntN(5))
		icmpPackets += icmp
		icmpBytes += icmp * 56
		dns := pp.next()
		q := int64(10 + r.IntN(10))
		qb := q * int64(1300+r.IntN(100))
		quicPackets += q
		quicBytes += qb
		fs = append(fs,
			flow{on: h, src: h.addr, dst: peer, srcPort: 51820, dstPort: 51820, proto: 17, packets: n, bytes: tb,
				start: s, end: s + 59, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "egress", path: 8},
			flow{on: h, src: peer, dst: h.addr, srcPort: 51820, dstPort: 51820, proto: 17, packets: 2, bytes: 148,
				start: s + 10, end: s + 40, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "ingress"},
			flow{on: h, src: router, dst: h.addr, proto: 1, packets: icmp, bytes: icmp * 56,
				start: s + 1, end: s + 58, action: "REJECT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "ingress"},
			flow{on: h, src: h.addr, dst: resolver, srcPort: dns, dstPort: 53, proto: 17, packets: 1, bytes: 74,
				start: s + 5, end: s + 5, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "egress", path: 8},
			flow{on: h, src: resolver, dst: h.addr, srcPort: 53, dstPort: dns, proto: 17, packets: 1, bytes: 120,
				start: s + 5, end: s + 5, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "ingress"},
			flow{on: h, src: h.addr, dst: web, srcPort: quicPort, dstPort: 443, proto: 17, packets: q, bytes: qb,
				start: s + 20, end: s + 50, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "egress", path: 8},
			flow{on: h, src: web, dst: h.addr, srcPort: 443, dstPort: quicPort, proto: 17, packets: q * 3, bytes: q * 3 * 1200,
				start: s + 20, end: s + 50, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "ingress"})
	}
	return fs, map[string]any{"host": h.addr, "interface_id": h.eni, "peer": peer, "port": 51820, "records": 20,
		"packets": tunnelPackets, "bytes": tunnelBytes, "reply_packets": keepalives,
		"icmp_source": router, "icmp_records": 20, "icmp_packets": icmpPackets, "icmp_bytes": icmpBytes,
		"quic_peer": web, "quic_packets": quicPackets, "quic_bytes": quicBytes}
}
