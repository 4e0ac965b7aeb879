package sample

import "math/rand/v2"

// service is a port background clients talk to, with its protocol and weight.
var services = []struct {
	port  int32
	proto int32
	share int
}{{443, 6, 40}, {80, 6, 10}, {5432, 6, 12}, {6379, 6, 10}, {53, 17, 14}, {123, 17, 4}, {8080, 6, 10}}

// probePorts are what internet noise knocks on; the security groups reject it.
var probePorts = []int32{23, 445, 3389, 1433, 8080, 25, 3306, 5900}

// background appends n records of ordinary traffic whose end times fall in
// [from, from+300): accepted conversations recorded in both directions on the
// client's interface, plus about 2% rejected probes from internet noise.
func (w *world) background(r *rand.Rand, from int64, n int, out []flow) []flow {
	for n > 0 {
		end := from + r.Int64N(300)
		start := end - r.Int64N(60)
		if n == 1 || r.IntN(100) < 2 { // a lone last record must not be half a conversation
			dst := w.clients[r.IntN(len(w.clients))]
			out = append(out, flow{on: dst, src: w.noisePeers[r.IntN(len(w.noisePeers))], dst: dst.addr,
				srcPort: ephemeral(r), dstPort: probePorts[r.IntN(len(probePorts))], proto: 6, packets: 1, bytes: 40,
				start: start, end: end, action: "REJECT", status: "OK", tcpFlags: 2, typ: "IPv4", direction: "ingress"})
			n--
			continue
		}
		client := w.clients[r.IntN(len(w.clients))]
		k := r.IntN(100)
		svc := services[0]
		for _, s := range services {
			if k < s.share {
				svc = s
				break
			}
			k -= s.share
		}
		var server string
		path := int32(1)
		if svc.port == 443 || svc.port == 80 || svc.port == 123 {
			server, path = w.internetPeers[r.IntN(len(w.internetPeers))], 8
		} else {
			server = w.servers[r.IntN(len(w.servers))].addr
		}
		packets := 1 + r.Int64N(40)
		sport := ephemeral(r)
		var flags, replyFlags int32 = 3, 19
		if svc.proto != 6 {
			flags, replyFlags = 0, 0
		}
		out = append(out, flow{on: client, src: client.addr, dst: server, srcPort: sport, dstPort: svc.port, proto: svc.proto,
			packets: packets, bytes: packets * (60 + r.Int64N(900)), start: start, end: end, action: "ACCEPT", status: "OK",
			tcpFlags: flags, typ: "IPv4", direction: "egress", path: path})
		reply := 1 + r.Int64N(60)
		out = append(out, flow{on: client, src: server, dst: client.addr, srcPort: svc.port, dstPort: sport, proto: svc.proto,
			packets: reply, bytes: reply * (60 + r.Int64N(1400)), start: start, end: end, action: "ACCEPT", status: "OK",
			tcpFlags: replyFlags, typ: "IPv4", direction: "ingress"})
		n -= 2
	}
	return out
}
