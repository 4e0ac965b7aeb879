package sample

import (
	"cmp"
	"strconv"

	"github.com/flowq/flowq/flowlog"
)

// flow is one record before it is rendered under a format. Every field the
// generator models is here; fields it does not model are written as '-'.
type flow struct {
	on               *host // the interface the record is captured on
	src, dst         string
	srcPort, dstPort int32
	proto            int32
	packets, bytes   int64
	start, end       int64
	action           string // "" for NODATA/SKIPDATA
	status           string
	tcpFlags         int32 // -1: none
	typ              string
	srcService       string
	dstService       string
	direction        string
	path             int32 // 0: '-'
	rejectReason     string
	// pktSrc and pktDst are the packet-level addresses when they differ from
	// src and dst (traffic through a NAT gateway or another intermediate
	// interface); "" means the same.
	pktSrc, pktDst string
	// tgw is the Transit Gateway's view of the flow, for a Transit Gateway
	// flow log's fields; nil takes the interface's own attachment (see tgwOf).
	tgw *tgwHop
}

// tgwHop is a flow as a Transit Gateway records it: the attachment it is
// recorded for, where it comes from and goes to, and the packets lost.
type tgwHop struct {
	resourceType           string // TransitGatewayAttachment or TransitGateway
	attachment, pair       string
	srcAccount, dstAccount string
	srcVPC, dstVPC         string
	srcSubnet, dstSubnet   string
	srcENI, dstENI         string
	srcAZ, dstAZ           string
	lostNoRoute            int64
	lostBlackhole          int64
	lostMTU                int64
	lostTTL                int64
}

// tgwOf is a flow's Transit Gateway hop: its own, or, for traffic that does
// not say, the attachment of the world's VPC with the interface's subnet on
// both sides and nothing lost.
func (f *flow) tgwOf(w *world) *tgwHop {
	if f.tgw != nil {
		return f.tgw
	}
	return &tgwHop{resourceType: "TransitGatewayAttachment", attachment: w.tgwAttachment, pair: w.tgwAttachment,
		srcAccount: w.account, dstAccount: w.account, srcVPC: w.vpc, dstVPC: w.vpc, srcSubnet: f.on.subnet, dstSubnet: f.on.subnet,
		srcENI: f.on.eni, dstENI: f.on.eni, srcAZ: f.on.az, dstAZ: f.on.az}
}

// noData reports whether the record is a NODATA or SKIPDATA record, whose
// traffic fields are all '-'.
func (f *flow) noData() bool { return f.status != "OK" }

// appender writes one field of a flow.
type appender func(dst []byte, f *flow, w *world, version int) []byte

func str(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '-')
	}
	return append(dst, s...)
}

func num(dst []byte, n int64, null bool) []byte {
	if null {
		return append(dst, '-')
	}
	return strconv.AppendInt(dst, n, 10)
}

var appenders = map[string]appender{
	"version":      func(d []byte, f *flow, w *world, v int) []byte { return strconv.AppendInt(d, int64(v), 10) },
	"account-id":   func(d []byte, f *flow, w *world, v int) []byte { return str(d, w.account) },
	"interface-id": func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.on.eni) },
	"srcaddr":      func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.src) },
	"dstaddr":      func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.dst) },
	"srcport":      func(d []byte, f *flow, w *world, v int) []byte { return num(d, int64(f.srcPort), f.noData()) },
	"dstport":      func(d []byte, f *flow, w *world, v int) []byte { return num(d, int64(f.dstPort), f.noData()) },
	"protocol":     func(d []byte, f *flow, w *world, v int) []byte { return num(d, int64(f.proto), f.noData()) },
	"packets":      func(d []byte, f *flow, w *world, v int) []byte { return num(d, f.packets, f.noData()) },
	"bytes":        func(d []byte, f *flow, w *world, v int) []byte { return num(d, f.bytes, f.noData()) },
	"start":        func(d []byte, f *flow, w *world, v int) []byte { return strconv.AppendInt(d, f.start, 10) },
	"end":          func(d []byte, f *flow, w *world, v int) []byte { return strconv.AppendInt(d, f.end, 10) },
	"action":       func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.action) },
	"log-status":   func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.status) },
	"vpc-id":       func(d []byte, f *flow, w *world, v int) []byte { return str(d, w.vpc) },
	"subnet-id":    func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.on.subnet) },
	"instance-id":  func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.on.instance) },
	"tcp-flags":    func(d []byte, f *flow, w *world, v int) []byte { return num(d, int64(f.tcpFlags), f.tcpFlags < 0) },
	"type":         func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.typ) },
	"pkt-srcaddr":  func(d []byte, f *flow, w *world, v int) []byte { return str(d, cmp.Or(f.pktSrc, f.src)) },
	"pkt-dstaddr":  func(d []byte, f *flow, w *world, v int) []byte { return str(d, cmp.Or(f.pktDst, f.dst)) },
	"region":       func(d []byte, f *flow, w *world, v int) []byte { return str(d, w.region) },
	"az-id":        func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.on.az) },
	"pkt-src-aws-service": func(d []byte, f *flow, w *world, v int) []byte {
		return str(d, f.srcService)
	},
	"pkt-dst-aws-service": func(d []byte, f *flow, w *world, v int) []byte {
		return str(d, f.dstService)
	},
	"flow-direction": func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.direction) },
	"traffic-path":   func(d []byte, f *flow, w *world, v int) []byte { return num(d, int64(f.path), f.path == 0) },
	"reject-reason":  func(d []byte, f *flow, w *world, v int) []byte { return str(d, f.rejectReason) },
	"encryption-status": func(d []byte, f *flow, w *world, v int) []byte {
		return num(d, 0, f.noData())
	},

	"resource-type":             tgwStr(func(h *tgwHop) string { return h.resourceType }),
	"tgw-id":                    func(d []byte, f *flow, w *world, v int) []byte { return str(d, w.tgwID) },
	"tgw-attachment-id":         tgwStr(func(h *tgwHop) string { return h.attachment }),
	"tgw-pair-attachment-id":    tgwStr(func(h *tgwHop) string { return h.pair }),
	"tgw-src-vpc-account-id":    tgwStr(func(h *tgwHop) string { return h.srcAccount }),
	"tgw-dst-vpc-account-id":    tgwStr(func(h *tgwHop) string { return h.dstAccount }),
	"tgw-src-vpc-id":            tgwStr(func(h *tgwHop) string { return h.srcVPC }),
	"tgw-dst-vpc-id":            tgwStr(func(h *tgwHop) string { return h.dstVPC }),
	"tgw-src-subnet-id":         tgwStr(func(h *tgwHop) string { return h.srcSubnet }),
	"tgw-dst-subnet-id":         tgwStr(func(h *tgwHop) string { return h.dstSubnet }),
	"tgw-src-eni":               tgwStr(func(h *tgwHop) string { return h.srcENI }),
	"tgw-dst-eni":               tgwStr(func(h *tgwHop) string { return h.dstENI }),
	"tgw-src-az-id":             tgwStr(func(h *tgwHop) string { return h.srcAZ }),
	"tgw-dst-az-id":             tgwStr(func(h *tgwHop) string { return h.dstAZ }),
	"packets-lost-no-route":     tgwNum(func(h *tgwHop) int64 { return h.lostNoRoute }),
	"packets-lost-blackhole":    tgwNum(func(h *tgwHop) int64 { return h.lostBlackhole }),
	"packets-lost-mtu-exceeded": tgwNum(func(h *tgwHop) int64 { return h.lostMTU }),
	"packets-lost-ttl-expired":  tgwNum(func(h *tgwHop) int64 { return h.lostTTL }),
}

// tgwStr and tgwNum write a field of a flow's Transit Gateway hop.
func tgwStr(get func(*tgwHop) string) appender {
	return func(d []byte, f *flow, w *world, v int) []byte { return str(d, get(f.tgwOf(w))) }
}

func tgwNum(get func(*tgwHop) int64) appender {
	return func(d []byte, f *flow, w *world, v int) []byte { return num(d, get(f.tgwOf(w)), f.noData()) }
}

// renderer writes flows as text lines under one format.
type renderer struct {
	fields  []appender
	version int
	world   *world
}

func newRenderer(format flowlog.Format, w *world) *renderer {
	r := &renderer{version: format.Version(), world: w}
	for _, fd := range format.Fields() {
		a, ok := appenders[fd.Name]
		if !ok {
			a = func(d []byte, f *flow, w *world, v int) []byte { return append(d, '-') }
		}
		r.fields = append(r.fields, a)
	}
	return r
}

func (r *renderer) append(dst []byte, f *flow) []byte {
	for i, a := range r.fields {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = a(dst, f, r.world, r.version)
	}
	return append(dst, '\n')
}
