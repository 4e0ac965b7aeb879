package sample

import "math/rand/v2"

// diagnoseScenarios are the incidents flowq diagnose tells apart that the
// other scenarios do not stage: accepted traffic with no reply that is not
// TCP, so that a format with tcp-flags still reads it as forward only and
// not as a SYN without SYN-ACK (the one-way scenario's SYNs). It is short,
// late in the span, on a host of 250-254 and an internet address of
// 198.18.50.0/24, so that it blurs no other scenario's truth; and it needs
// tcp-flags, as its story does, so that the default format's data (where
// one-way is the forward-only case) is as it was.
var diagnoseScenarios = []scenario{
	{
		name:   "dns-no-reply",
		fields: []string{"interface-id", "action", "tcp-flags"},
		description: "UDP with no reply: a host sends DNS queries to a resolver at 198.18.50.53 for ten minutes " +
			"and never gets an answer",
		at:    0.97,
		build: buildDiagnoseDNSNoReply,
	},
}

// buildDiagnoseDNSNoReply: a query every 30 seconds, each from a port of its
// own, recorded on the sender's interface; nothing comes back.
func buildDiagnoseDNSNoReply(r *rand.Rand, t0 int64) ([]flow, map[string]any) {
	h := newHost(1, 250)
	const resolver = "198.18.50.53"
	pp := newRCAPorts(r)
	var fs []flow
	var packets, bytes int64
	for i := range 20 {
		s := t0 + int64(i*30+r.IntN(10))
		n := int64(1 + r.IntN(2))
		f := flow{on: h, src: h.addr, dst: resolver, srcPort: pp.next(), dstPort: 53, proto: 17, packets: n, bytes: n * 74,
			start: s, end: s + int64(r.IntN(5)), action: "ACCEPT", status: "OK", tcpFlags: 0, typ: "IPv4", direction: "egress", path: 8}
		packets += f.packets
		bytes += f.bytes
		fs = append(fs, f)
	}
	return fs, map[string]any{"src": h.addr, "dst": resolver, "dst_port": 53, "protocol": "udp", "interface_id": h.eni,
		"records": len(fs), "packets": packets, "bytes": bytes}
}
