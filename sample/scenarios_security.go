package sample

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"
)

// securityScenarios are the incidents behind the security queries of the library.
var securityScenarios = []scenario{
	{
		name:   "exposed-admin",
		fields: baseFields,
		description: "admin and database ports open to the internet: public addresses log in over SSH to a bastion and reach " +
			"PostgreSQL and Redis on a database host; the bastion then sweeps 120 internet addresses on telnet, which its network ACL rejects",
		at:    0.88,
		build: buildExposedAdmin,
	},
	{
		name:   "vpn-appliance",
		fields: baseFields,
		description: "a VPN appliance's GRE and ESP tunnels to a partner: unusual protocols, accepted; SCTP from the partner's " +
			"network rejected; the appliance's interface records nothing at all for 20 minutes while it restarts",
		at:    0.91,
		build: buildVPNAppliance,
	},
	{
		name:        "night-exfiltration",
		fields:      baseFields,
		description: "at night a jump host queries a database, which uploads about 2 GB to an internet address over HTTPS",
		at:          0.94,
		build:       buildNightExfiltration,
	},
}

// securitySum is the records, packets, bytes and sources of a group of flows.
type securitySum struct {
	records, packets, bytes int64
	sources                 map[string]bool
}

// securityRows groups flows by key (flows whose key is "" are left out) and writes
// each group as "KEY records=N packets=P bytes=B", or with sources=S first
// when withSources, sorted: the rows a query over those flows must return.
func securityRows(fs []flow, withSources bool, key func(f *flow) string) []string {
	sums := map[string]*securitySum{}
	for i := range fs {
		k := key(&fs[i])
		if k == "" {
			continue
		}
		s := sums[k]
		if s == nil {
			s = &securitySum{sources: map[string]bool{}}
			sums[k] = s
		}
		s.records++
		s.packets += fs[i].packets
		s.bytes += fs[i].bytes
		s.sources[fs[i].src] = true
	}
	out := []string{}
	for _, k := range slices.Sorted(maps.Keys(sums)) {
		s := sums[k]
		if withSources {
			out = append(out, fmt.Sprintf("%s sources=%d records=%d packets=%d bytes=%d", k, len(s.sources), s.records, s.packets, s.bytes))
		} else {
			out = append(out, fmt.Sprintf("%s records=%d packets=%d bytes=%d", k, s.records, s.packets, s.bytes))
		}
	}
	return out
}

// securityConnection is an accepted TCP connection from src to port on the host, and
// its reply, both recorded on the host's interface. path is the reply's
// traffic path.
func securityConnection(r *rand.Rand, on *host, src string, port int32, s int64, path int32) []flow {
	p := ephemeral(r)
	e := s + int64(5+r.IntN(50))
	in, out := int64(10+r.IntN(30)), int64(10+r.IntN(30))
	return []flow{
		{on: on, src: src, dst: on.addr, srcPort: p, dstPort: port, proto: 6, packets: in, bytes: in * int64(60+r.IntN(200)),
			start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv4", direction: "ingress"},
		{on: on, src: on.addr, dst: src, srcPort: port, dstPort: p, proto: 6, packets: out, bytes: out * int64(60+r.IntN(1400)),
			start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 19, typ: "IPv4", direction: "egress", path: path},
	}
}

// buildExposedAdmin: a bastion whose SSH and a database whose PostgreSQL and
// Redis take connections from public addresses (and from 100.64.40.10, an
// administrator on premises behind the VPN, whose shared address space is not
// public); RDP from public addresses rejected; the bastion's HTTPS reached
// too; then the bastion, taken over, sweeps 198.18.40.101-220 on telnet and
// its subnet's network ACL rejects every attempt.
func buildExposedAdmin(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	bastion, db := newHost(0, 240), newHost(1, 240)
	var fs []flow
	for i := range 4 { // SSH logins from four public addresses, two each
		for k := range 2 {
			fs = append(fs, securityConnection(r, bastion, fmt.Sprintf("198.18.40.%d", 11+i), 22, t0+int64(i*120+k*900+r.IntN(60)), 8)...)
		}
	}
	for k := range 3 {
		fs = append(fs, securityConnection(r, db, "198.18.40.21", 5432, t0+int64(300+k*400+r.IntN(60)), 8)...)
	}
	for k := range 2 {
		fs = append(fs, securityConnection(r, db, "198.18.40.22", 6379, t0+int64(500+k*500+r.IntN(60)), 8)...)
	}
	for k := range 2 { // on premises, through the virtual private gateway
		fs = append(fs, securityConnection(r, bastion, "100.64.40.10", 22, t0+int64(200+k*700+r.IntN(60)), 3)...)
	}
	fs = append(fs, securityConnection(r, db, "100.64.40.10", 5432, t0+int64(1000+r.IntN(60)), 3)...)
	for k := range 2 {
		fs = append(fs, securityConnection(r, bastion, "198.18.40.41", 443, t0+int64(100+k*600+r.IntN(60)), 8)...)
	}
	for i := range 5 {
		s := t0 + int64(400+i*150+r.IntN(60))
		fs = append(fs, flow{on: bastion, src: fmt.Sprintf("198.18.40.%d", 31+i), dst: bastion.addr, srcPort: ephemeral(r), dstPort: 3389,
			proto: 6, packets: 2, bytes: 104, start: s, end: s + 3, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "ingress"})
	}
	sweepPort := ephemeral(r)
	for i := range 120 {
		s := t0 + 1800 + int64(i*5)
		fs = append(fs, flow{on: bastion, src: bastion.addr, dst: fmt.Sprintf("198.18.40.%d", 101+i), srcPort: sweepPort, dstPort: 23,
			proto: 6, packets: 1, bytes: 44, start: s, end: s, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "egress", path: 8})
	}

	public := func(a string) bool { return a != "100.64.40.10" && a != bastion.addr && a != db.addr }
	// The forward legs of the accepted connections from public addresses.
	inbound := func(f *flow) bool { return f.action == "ACCEPT" && f.dst == f.on.addr && public(f.src) }
	admin := securityRows(fs, false, func(f *flow) string {
		if !inbound(f) || f.dstPort == 443 {
			return ""
		}
		return fmt.Sprintf("%s>%s:%d/%d %s", f.src, f.dst, f.dstPort, f.proto, f.on.eni)
	})
	exposed := securityRows(fs, true, func(f *flow) string {
		if !inbound(f) {
			return ""
		}
		return fmt.Sprintf("%s:%d/%d %s", f.dst, f.dstPort, f.proto, f.on.eni)
	})
	var rejects, sweep int
	sources, destinations := map[string]bool{}, map[string]bool{}
	for _, f := range fs {
		if f.action == "REJECT" {
			rejects++
			sources[f.src], destinations[f.dst] = true, true
			if f.src == bastion.addr {
				sweep++
			}
		}
	}
	return fs, map[string]any{
		"bastion": bastion.addr, "bastion_interface_id": bastion.eni, "bastion_subnet_id": bastion.subnet,
		"bastion_instance_id": bastion.instance, "db": db.addr, "db_interface_id": db.eni, "vpc_id": vpcID,
		"admin_access": admin, "public_inbound": exposed, "not_public_source": "100.64.40.10",
		"sweep_hosts": sweep, "sweep_port": 23, "sweep_rejects": sweep,
		"bastion_rejects": rejects, "bastion_reject_sources": len(sources), "bastion_reject_destinations": len(destinations),
	}
}

// securityUsualProtocols are the protocols the unusual-protocols query leaves out: ICMP, TCP,
// UDP and ICMPv6.
var securityUsualProtocols = []int32{1, 6, 17, 58}

// buildVPNAppliance: GRE keepalives and traffic every minute with a partner
// router, ESP every five minutes and IKE (UDP 500) at the start and after the
// restart, with the partner's VPN gateway; SCTP from the partner's shared
// address space rejected. Minutes 15 to 34 have no record at all.
func buildVPNAppliance(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	gw := newHost(2, 240)
	gre, ipsec := "198.18.40.50", "198.18.40.51"
	var fs []flow
	pair := func(peer string, proto, port int32, s, e int64, packets int64) {
		fs = append(fs,
			flow{on: gw, src: gw.addr, dst: peer, srcPort: port, dstPort: port, proto: proto, packets: packets, bytes: packets * int64(100+r.IntN(1300)),
				start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "egress", path: 8},
			flow{on: gw, src: peer, dst: gw.addr, srcPort: port, dstPort: port, proto: proto, packets: packets, bytes: packets * int64(100+r.IntN(1300)),
				start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "ingress"})
	}
	for i := range 50 {
		if i >= 15 && i < 35 {
			continue // restarting: nothing is recorded
		}
		s := t0 + int64(i*60)
		pair(gre, 47, 0, s, s+59, int64(20+r.IntN(200)))
		if i%5 == 0 {
			pair(ipsec, 50, 0, s+int64(r.IntN(10)), s+59, int64(10+r.IntN(100)))
		}
		if i == 0 || i == 35 {
			pair(ipsec, 17, 500, s, s+2, 4)
		}
		if i >= 36 && i < 39 {
			fs = append(fs, flow{on: gw, src: "100.64.40.20", dst: gw.addr, proto: 132, packets: 1, bytes: 64, start: s + 5, end: s + 6,
				action: "REJECT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "ingress"})
		}
	}
	unusual := securityRows(fs, false, func(f *flow) string {
		if slices.Contains(securityUsualProtocols, f.proto) {
			return ""
		}
		return fmt.Sprintf("%d %s>%s %s %s", f.proto, f.src, f.dst, f.on.eni, f.action)
	})
	// The silence: the longest time from the latest end so far to the next
	// record's start.
	byStart := slices.Clone(fs)
	slices.SortFunc(byStart, func(a, b flow) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end)) })
	var gapFrom, gapTo int64
	latest := byStart[0].end
	for _, f := range byStart[1:] {
		if f.start-latest > gapTo-gapFrom {
			gapFrom, gapTo = latest, f.start
		}
		latest = max(latest, f.end)
	}
	rejects := 0
	for _, f := range fs {
		if f.action == "REJECT" {
			rejects++
		}
	}
	return fs, map[string]any{
		"host": gw.addr, "interface_id": gw.eni, "gre_peer": gre, "ipsec_peer": ipsec, "unusual": unusual,
		"records": len(fs), "first": rfc(byStart[0].start), "last": rfc(latest), "rejects": rejects,
		"silent_from": rfc(gapFrom), "silent_to": rfc(gapTo), "silent_seconds": gapTo - gapFrom,
	}
}

// buildNightExfiltration: 14 PostgreSQL sessions from a jump host to a
// database, recorded on both interfaces, and the database's 28 uploads of
// about 70 MB each to 198.18.40.200:443, all within an hour late in the day.
func buildNightExfiltration(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	jump, db := newHost(1, 241), newHost(2, 241)
	dst := "198.18.40.200"
	var fs []flow
	for i := range 14 {
		s := t0 + int64(i*240+r.IntN(30))
		e := s + int64(1+r.IntN(20))
		p := ephemeral(r)
		q, a := int64(5+r.IntN(20)), int64(5+r.IntN(200))
		fwd := flow{src: jump.addr, dst: db.addr, srcPort: p, dstPort: 5432, proto: 6, packets: q, bytes: q * 120,
			start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv4"}
		ret := flow{src: db.addr, dst: jump.addr, srcPort: 5432, dstPort: p, proto: 6, packets: a, bytes: a * 1200,
			start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 19, typ: "IPv4"}
		for _, h := range []*host{jump, db} {
			f, b := fwd, ret
			f.on, b.on = h, h
			if h == jump {
				f.direction, f.path, b.direction = "egress", 1, "ingress"
			} else {
				f.direction, b.direction, b.path = "ingress", "egress", 1
			}
			fs = append(fs, f, b)
		}
	}
	var bytes, packets int64
	for j := range 28 {
		s := t0 + 60 + int64(j*120)
		up := int64(60_000_000 + r.IntN(20_000_000))
		bytes += up
		packets += up / 1400
		p := ephemeral(r)
		fs = append(fs,
			flow{on: db, src: db.addr, dst: dst, srcPort: p, dstPort: 443, proto: 6, packets: up / 1400, bytes: up,
				start: s, end: s + 59, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv4", direction: "egress", path: 8},
			flow{on: db, src: dst, dst: db.addr, srcPort: 443, dstPort: p, proto: 6, packets: up / 2800, bytes: up / 50,
				start: s, end: s + 59, action: "ACCEPT", status: "OK", tcpFlags: 19, typ: "IPv4", direction: "ingress"})
	}
	// Every record touches the database: its rows per UTC hour of their
	// start, as the off-hours query groups them.
	night := securityRows(fs, false, func(f *flow) string {
		service := min(f.srcPort, f.dstPort)
		return fmt.Sprintf("%02d %s %s>%s:%d/%d %s", time.Unix(f.start, 0).UTC().Hour(), f.on.eni, f.src, f.dst, service, f.proto, f.action)
	})
	return fs, map[string]any{
		"db": db.addr, "db_interface_id": db.eni, "jump": jump.addr, "jump_interface_id": jump.eni,
		"exfil_dst": dst, "exfil_bytes": bytes, "exfil_packets": packets, "exfil_records": 28, "night_rows": night,
	}
}
