package sample

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/flowq/flowq/flowlog"
)

// A scenario is a named incident: its records and the facts they imply.
type scenario struct {
	name        string
	description string
	// fields are the flow-log fields its story needs to be told: it is
	// staged by default only in a format that has them all (SYN without
	// SYN-ACK needs tcp-flags; a Transit Gateway's losses, its counters).
	fields []string
	at     float64 // where in the span it starts, as a fraction
	build  func(r *rand.Rand, t0 int64) ([]flow, map[string]any)
}

// scenarios are every scenario, group by group, each group in a file of its
// own. The order is fixed: a scenario's random numbers come from its place.
var scenarios = slices.Concat(baseScenarios, everydayScenarios, rcaScenarios, tgwScenarios, securityScenarios, diagnoseScenarios)

// ScenarioNames lists the incident scenarios in the order they are placed.
func ScenarioNames() []string {
	names := make([]string, len(scenarios))
	for i, s := range scenarios {
		names[i] = s.name
	}
	return names
}

// ScenarioFields are the fields a scenario needs: a format without one of
// them does not stage it by default, and refuses it when it is asked for.
func ScenarioFields(name string) []string {
	for _, s := range scenarios {
		if s.name == name {
			return slices.Clone(s.fields)
		}
	}
	return nil
}

// ScenariosFor are the scenarios a format stages by default: those whose
// fields it has, in order.
func ScenariosFor(format flowlog.Format) []string {
	var names []string
	for _, s := range scenarios {
		if len(format.Missing(s.fields...)) == 0 {
			names = append(names, s.name)
		}
	}
	return names
}

// ScenarioDescription says what a scenario stages.
func ScenarioDescription(name string) string {
	for _, s := range scenarios {
		if s.name == name {
			return s.description
		}
	}
	return ""
}

// baseFields are what the first scenarios' stories need: each says who was
// accepted or rejected on which interface.
var baseFields = []string{"interface-id", "action"}

func ephemeral(r *rand.Rand) int32 { return int32(32768 + r.IntN(28232)) }

// baseScenarios are the first release's: the default format tells each.
var baseScenarios = []scenario{
	{
		name:        "ssh-rejected",
		fields:      baseFields,
		description: "SSH from the internet rejected: 40 sources try port 22 on a bastion whose security group does not allow them",
		at:          0.10,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			target := newHost(0, 200)
			var fs []flow
			for i := range 40 {
				src := fmt.Sprintf("198.51.100.%d", 10+i)
				for k := range 5 {
					s := t0 + int64(i*60+k*600+r.IntN(50))
					fs = append(fs, flow{on: target, src: src, dst: target.addr, srcPort: ephemeral(r), dstPort: 22, proto: 6,
						packets: int64(1 + r.IntN(3)), bytes: 0, start: s, end: s + int64(r.IntN(10)), action: "REJECT", status: "OK",
						tcpFlags: 2, typ: "IPv4", direction: "ingress"})
					fs[len(fs)-1].bytes = fs[len(fs)-1].packets * 60
				}
			}
			return fs, map[string]any{"target": target.addr, "interface_id": target.eni, "port": 22,
				"rejects": len(fs), "sources": 40}
		},
	},
	{
		name:        "port-scan",
		fields:      baseFields,
		description: "a port scan: one internet address probes ports 1-1024 of one host; only 80 and 443 are open",
		at:          0.20,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			target, scanner := newHost(1, 200), "203.0.113.66"
			var fs []flow
			sport := ephemeral(r)
			rejects := 0
			for p := int32(1); p <= 1024; p++ {
				s := t0 + int64(p)
				f := flow{on: target, src: scanner, dst: target.addr, srcPort: sport, dstPort: p, proto: 6, packets: 1, bytes: 44,
					start: s, end: s, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "ingress"}
				if p == 80 || p == 443 {
					f.action, f.packets, f.bytes, f.tcpFlags = "ACCEPT", 2, 88, 6
					fs = append(fs, f, flow{on: target, src: target.addr, dst: scanner, srcPort: p, dstPort: sport, proto: 6,
						packets: 1, bytes: 44, start: s, end: s, action: "ACCEPT", status: "OK", tcpFlags: 18, typ: "IPv4",
						direction: "egress", path: 8})
					continue
				}
				rejects++
				fs = append(fs, f)
			}
			return fs, map[string]any{"scanner": scanner, "target": target.addr, "interface_id": target.eni,
				"ports_probed": 1024, "rejects": rejects, "open_ports": []int{80, 443}}
		},
	},
	{
		name:        "nacl-return-reject",
		fields:      baseFields,
		description: "a network ACL rejects the return traffic of an allowed connection: the database answers on 5432 but its subnet's outbound ACL denies the client's ephemeral ports",
		at:          0.30,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			client, server := newHost(1, 201), newHost(2, 201)
			var fs []flow
			var ports []int
			for i := range 30 {
				s := t0 + int64(i*60+r.IntN(30))
				e := s + int64(1+r.IntN(20))
				p := ephemeral(r)
				ports = append(ports, int(p))
				fwd := flow{src: client.addr, dst: server.addr, srcPort: p, dstPort: 5432, proto: 6, packets: 3, bytes: 180,
					start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: 2, typ: "IPv4"}
				onClient, onServer := fwd, fwd
				onClient.on, onClient.direction, onClient.path = client, "egress", 1
				onServer.on, onServer.direction = server, "ingress"
				ret := flow{on: server, src: server.addr, dst: client.addr, srcPort: 5432, dstPort: p, proto: 6, packets: 3, bytes: 180,
					start: s, end: e, action: "REJECT", status: "OK", tcpFlags: 18, typ: "IPv4", direction: "egress", path: 1}
				fs = append(fs, onClient, onServer, ret)
			}
			slices.Sort(ports)
			return fs, map[string]any{"client": client.addr, "server": server.addr, "server_port": 5432,
				"server_interface_id": server.eni, "connections": 30, "forward_accepted": 60, "return_rejected": 30}
		},
	},
	{
		name:        "one-way",
		fields:      baseFields,
		description: "a one-way flow: a host keeps opening connections to 192.0.2.10:8443 and never gets a reply",
		at:          0.40,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			src, dst := newHost(1, 202), "192.0.2.10"
			var fs []flow
			var packets int64
			for i := range 20 {
				s := t0 + int64(i*120+r.IntN(60))
				f := flow{on: src, src: src.addr, dst: dst, srcPort: ephemeral(r), dstPort: 8443, proto: 6, packets: 3, bytes: 180,
					start: s, end: s + 7, action: "ACCEPT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "egress", path: 8}
				packets += f.packets
				fs = append(fs, f)
			}
			return fs, map[string]any{"src": src.addr, "dst": dst, "dst_port": 8443, "interface_id": src.eni,
				"records": len(fs), "packets": packets}
		},
	},
	{
		name:        "nodata-skipdata",
		fields:      baseFields,
		description: "an interface with NODATA for an hour, then SKIPDATA for half an hour",
		at:          0.50,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			idle := newHost(2, 202)
			var fs []flow
			t0 -= t0 % 600
			for i := range 6 {
				fs = append(fs, flow{on: idle, start: t0 + int64(i*600), end: t0 + int64(i*600+599), status: "NODATA", tcpFlags: -1})
			}
			for i := 6; i < 9; i++ {
				fs = append(fs, flow{on: idle, start: t0 + int64(i*600), end: t0 + int64(i*600+599), status: "SKIPDATA", tcpFlags: -1})
			}
			return fs, map[string]any{"interface_id": idle.eni, "address": idle.addr, "nodata": 6, "skipdata": 3,
				"nodata_from": rfc(t0), "nodata_to": rfc(t0 + 3600), "skipdata_from": rfc(t0 + 3600), "skipdata_to": rfc(t0 + 5400)}
		},
	},
	{
		name:        "top-talker",
		fields:      baseFields,
		description: "a top talker: one host uploads about 45 GB to an S3 address through a gateway endpoint",
		at:          0.60,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			src, dst := newHost(1, 203), "52.216.142.21"
			var fs []flow
			var bytes int64
			for i := range 30 {
				s := t0 + int64(i*60)
				up := int64(1_400_000_000 + r.IntN(200_000_000))
				bytes += up
				p := ephemeral(r)
				fs = append(fs,
					flow{on: src, src: src.addr, dst: dst, srcPort: p, dstPort: 443, proto: 6, packets: up / 1400, bytes: up,
						start: s, end: s + 59, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv4", dstService: "S3", direction: "egress", path: 7},
					flow{on: src, src: dst, dst: src.addr, srcPort: 443, dstPort: p, proto: 6, packets: up / 2800, bytes: up / 50,
						start: s, end: s + 59, action: "ACCEPT", status: "OK", tcpFlags: 19, typ: "IPv4", srcService: "S3", direction: "ingress"})
			}
			return fs, map[string]any{"src": src.addr, "dst": dst, "dst_service": "S3", "interface_id": src.eni, "bytes": bytes}
		},
	},
	{
		name:        "ipv6",
		fields:      baseFields,
		description: "IPv6 traffic: HTTPS between two dual-stack hosts",
		at:          0.70,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			h := newHost(0, 204)
			src, dst := "2600:1f18:4c1:a100::cc", "2600:1f18:4c1:a300::dd"
			var fs []flow
			var bytes int64
			for i := range 12 {
				s := t0 + int64(i*60)
				p := ephemeral(r)
				out := flow{on: h, src: src, dst: dst, srcPort: p, dstPort: 443, proto: 6, packets: 20, bytes: int64(2000 + r.IntN(2000)),
					start: s, end: s + 30, action: "ACCEPT", status: "OK", tcpFlags: 3, typ: "IPv6", direction: "egress", path: 1}
				back := flow{on: h, src: dst, dst: src, srcPort: 443, dstPort: p, proto: 6, packets: 18, bytes: int64(8000 + r.IntN(8000)),
					start: s, end: s + 30, action: "ACCEPT", status: "OK", tcpFlags: 19, typ: "IPv6", direction: "ingress"}
				bytes += out.bytes + back.bytes
				fs = append(fs, out, back)
			}
			return fs, map[string]any{"src": src, "dst": dst, "interface_id": h.eni, "records": len(fs), "bytes": bytes}
		},
	},
	{
		name:        "icmp",
		fields:      baseFields,
		description: "ICMP: pings answered, then pings whose replies a stateless network ACL rejects",
		at:          0.80,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			src, dst := newHost(0, 205), newHost(1, 205)
			var fs []flow
			accepted, rejected := 0, 0
			for i := range 10 {
				s := t0 + int64(i*60)
				reply := "ACCEPT"
				if i >= 5 {
					reply = "REJECT"
					rejected++
				} else {
					accepted++
				}
				fs = append(fs,
					flow{on: src, src: src.addr, dst: dst.addr, proto: 1, packets: 4, bytes: 336, start: s, end: s + 3,
						action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "egress", path: 1},
					flow{on: src, src: dst.addr, dst: src.addr, proto: 1, packets: 4, bytes: 336, start: s, end: s + 3,
						action: reply, status: "OK", tcpFlags: 0, typ: "IPv4", direction: "ingress"})
			}
			return fs, map[string]any{"src": src.addr, "dst": dst.addr, "interface_id": src.eni, "records": len(fs),
				"replies_accepted": accepted, "replies_rejected": rejected}
		},
	},
}

func rfc(unix int64) string { return time.Unix(unix, 0).UTC().Format(time.RFC3339) }
