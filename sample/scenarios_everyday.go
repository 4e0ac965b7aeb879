package sample

import (
	"cmp"
	"math/rand/v2"
)

// everydayScenarios are the incidents behind the everyday queries of the library.
var everydayScenarios = []scenario{
	{
		name: "admin-sessions",
		// The sessions are told by their SYNs: a record that opens a
		// connection (SYN without ACK) is one session.
		fields:      []string{"interface-id", "action", "tcp-flags"},
		description: "admin sessions: a workstation holds RDP sessions to a Windows server and SSH sessions to a Linux server; a host in another subnet tries RDP and is rejected",
		at:          0.83,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			admin, win, lin, stranger := newHost(0, 210), newHost(2, 211), newHost(2, 212), newHost(1, 213)
			var fs []flow
			// session records one connection minute by minute on the
			// server's interface: the client's packets, then the server's.
			session := func(server *host, port int32, start int64, minutes int, up, down func() (int64, int64)) {
				p := ephemeral(r)
				for m := range minutes {
					s := start + int64(m*60)
					flags, replyFlags := int32(0), int32(0)
					switch m {
					case 0:
						flags, replyFlags = 2, 18
					case minutes - 1:
						flags, replyFlags = 1, 1
					}
					upPackets, upBytes := up()
					downPackets, downBytes := down()
					fs = append(fs,
						flow{on: server, src: admin.addr, dst: server.addr, srcPort: p, dstPort: port, proto: 6, packets: upPackets, bytes: upBytes,
							start: s, end: s + 59, action: "ACCEPT", status: "OK", tcpFlags: flags, typ: "IPv4", direction: "ingress"},
						flow{on: server, src: server.addr, dst: admin.addr, srcPort: port, dstPort: p, proto: 6, packets: downPackets, bytes: downBytes,
							start: s, end: s + 59, action: "ACCEPT", status: "OK", tcpFlags: replyFlags, typ: "IPv4", direction: "egress", path: 1})
				}
			}
			rdpSessions, sshSessions := 3, 2
			for i := range rdpSessions {
				// Keystrokes and mouse up, the screen down: about 1 MB a minute.
				session(win, 3389, t0+int64(i*300), 10, everydaySized(r, 100, 100, 80, 40), everydaySized(r, 800, 400, 900, 400))
			}
			for i := range sshSessions {
				session(lin, 22, t0+120+int64(i*600), 5, everydaySized(r, 20, 20, 60, 40), everydaySized(r, 30, 30, 100, 200))
			}
			// The stranger's attempts: a SYN and its retry each, refused by the
			// Windows server's security group.
			for k := range 6 {
				s := t0 + 60 + int64(k*90)
				fs = append(fs, flow{on: win, src: stranger.addr, dst: win.addr, srcPort: ephemeral(r), dstPort: 3389, proto: 6, packets: 2, bytes: 120,
					start: s, end: s + 3, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "ingress"})
			}
			rdp := everydayTotalsOf(fs, func(f *flow) bool { return f.action == "ACCEPT" && (f.srcPort == 3389 || f.dstPort == 3389) })
			rdpRequests := everydayTotalsOf(fs, func(f *flow) bool { return f.action == "ACCEPT" && f.dstPort == 3389 })
			ssh := everydayTotalsOf(fs, func(f *flow) bool { return f.action == "ACCEPT" && (f.srcPort == 22 || f.dstPort == 22) })
			sshRequests := everydayTotalsOf(fs, func(f *flow) bool { return f.action == "ACCEPT" && f.dstPort == 22 })
			rejected := everydayTotalsOf(fs, func(f *flow) bool { return f.action == "REJECT" })
			return fs, map[string]any{"admin": admin.addr, "windows": win.addr, "linux": lin.addr, "stranger": stranger.addr,
				"windows_interface_id": win.eni, "linux_interface_id": lin.eni,
				"rdp_sessions": rdpSessions, "rdp_records": rdp.records, "rdp_packets": rdp.packets, "rdp_bytes": rdp.bytes,
				"rdp_requests": rdpRequests.records, "rdp_request_packets": rdpRequests.packets, "rdp_request_bytes": rdpRequests.bytes,
				"rdp_opened":   rdpRequests.opened,
				"ssh_sessions": sshSessions, "ssh_records": ssh.records, "ssh_packets": ssh.packets, "ssh_bytes": ssh.bytes,
				"ssh_requests": sshRequests.records, "ssh_request_packets": sshRequests.packets, "ssh_request_bytes": sshRequests.bytes,
				"ssh_opened":   sshRequests.opened,
				"rdp_rejected": rejected.records, "rdp_rejected_packets": rejected.packets, "rdp_rejected_bytes": rejected.bytes,
				"rdp_rejected_opened": rejected.opened}
		},
	},
	{
		name: "nat-egress",
		// Who is behind the NAT gateway shows only in the packet-level
		// addresses; instances and subnets in their own fields.
		fields:      []string{"interface-id", "action", "instance-id", "subnet-id", "pkt-srcaddr", "pkt-dstaddr"},
		description: "egress through a NAT gateway: one worker downloads about 1 GB from a package mirror, another uploads logs, both through a NAT gateway in their subnet, recorded on each worker's interface and on the gateway's",
		at:          0.86,
		build: func(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
			w1, w2, nat := newHost(2, 214), newHost(2, 215), newHost(2, 219)
			nat.instance = "" // a NAT gateway's interface is requester-managed: no instance
			mirror, collector := "198.18.10.20", "198.18.10.21"
			var fs []flow
			// conn is one connection from a worker through the NAT gateway,
			// minute by minute: on the worker's interface the worker talks to
			// the internet address; on the gateway's, the worker talks to the
			// gateway and the gateway to the internet address, and only the
			// packet-level addresses say who the packets were for.
			conn := func(w *host, ext string, up, down func() (int64, int64)) {
				p, q := ephemeral(r), ephemeral(r)
				for m := range 20 {
					s := t0 + int64(m*60)
					e := s + 59
					flags, replyFlags := int32(0), int32(0)
					switch m {
					case 0:
						flags, replyFlags = 2, 18
					case 19:
						flags, replyFlags = 1, 1
					}
					upPackets, upBytes := up()
					downPackets, downBytes := down()
					out := flow{src: w.addr, dst: ext, srcPort: p, dstPort: 443, proto: 6, packets: upPackets, bytes: upBytes,
						start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: flags, typ: "IPv4"}
					back := flow{src: ext, dst: w.addr, srcPort: 443, dstPort: p, proto: 6, packets: downPackets, bytes: downBytes,
						start: s, end: e, action: "ACCEPT", status: "OK", tcpFlags: replyFlags, typ: "IPv4"}
					onWorker, onWorkerBack := out, back
					onWorker.on, onWorker.direction, onWorker.path = w, "egress", 1
					onWorkerBack.on, onWorkerBack.direction = w, "ingress"
					// The gateway's interface: the worker's packets arrive for
					// the internet address, leave from the gateway's own port.
					toNAT, fromNAT := out, out
					toNAT.on, toNAT.dst, toNAT.pktDst, toNAT.direction = nat, nat.addr, ext, "ingress"
					fromNAT.on, fromNAT.src, fromNAT.srcPort, fromNAT.direction, fromNAT.path = nat, nat.addr, q, "egress", 8
					backToNAT, backFromNAT := back, back
					backToNAT.on, backToNAT.dst, backToNAT.dstPort, backToNAT.direction = nat, nat.addr, q, "ingress"
					backFromNAT.on, backFromNAT.src, backFromNAT.pktSrc, backFromNAT.direction, backFromNAT.path = nat, nat.addr, ext, "egress", 1
					fs = append(fs, onWorker, onWorkerBack, toNAT, fromNAT, backToNAT, backFromNAT)
				}
			}
			conn(w1, mirror, everydaySized(r, 200, 200, 80, 40), everydaySized(r, 30000, 10000, 1300, 148)) // about 50 MB a minute down
			conn(w2, collector, everydaySized(r, 5000, 2000, 1200, 200), everydaySized(r, 50, 50, 60, 40))  // about 8 MB a minute up
			pairs, packetPairs, interfaces := map[string]int64{}, map[string]int64{}, map[string]bool{}
			for _, f := range fs {
				interfaces[f.on.eni] = true
				pairs[f.src+">"+f.dst] += f.bytes
				packetPairs[cmp.Or(f.pktSrc, f.src)+">"+cmp.Or(f.pktDst, f.dst)] += f.bytes
			}
			on := func(h *host) everydayTotals { return everydayTotalsOf(fs, func(f *flow) bool { return f.on == h }) }
			all := everydayTotalsOf(fs, func(*flow) bool { return true })
			return fs, map[string]any{"worker1": w1.addr, "worker2": w2.addr, "nat": nat.addr, "mirror": mirror, "collector": collector,
				"worker1_instance": w1.instance, "worker2_instance": w2.instance,
				"worker1_interface_id": w1.eni, "worker2_interface_id": w2.eni, "nat_interface_id": nat.eni,
				"worker1_bytes": on(w1).bytes, "worker2_bytes": on(w2).bytes, "nat_bytes": on(nat).bytes,
				"worker1_records": on(w1).records, "worker2_records": on(w2).records, "nat_records": on(nat).records,
				"subnet": w1.subnet, "subnet_bytes": all.bytes, "subnet_packets": all.packets, "subnet_interfaces": len(interfaces),
				"pairs": pairs, "packet_pairs": packetPairs}
		},
	},
}

// everydayTotals is what some flows add up to: records, packets, bytes, and how
// many open a TCP connection (SYN without ACK).
type everydayTotals struct {
	records        int
	packets, bytes int64
	opened         int
}

func everydayTotalsOf(fs []flow, keep func(*flow) bool) everydayTotals {
	var t everydayTotals
	for i := range fs {
		f := &fs[i]
		if !keep(f) {
			continue
		}
		t.records++
		t.packets += f.packets
		t.bytes += f.bytes
		if f.proto == 6 && f.tcpFlags >= 0 && f.tcpFlags&2 != 0 && f.tcpFlags&16 == 0 {
			t.opened++
		}
	}
	return t
}

// everydaySized draws a record's packets (from minPackets, spread more) and bytes
// (each packet from minSize, sizeSpread more).
func everydaySized(r *rand.Rand, minPackets, spread int, minSize, sizeSpread int64) func() (int64, int64) {
	return func() (int64, int64) {
		n := int64(minPackets + r.IntN(spread))
		return n, n * (minSize + r.Int64N(sizeSpread))
	}
}
