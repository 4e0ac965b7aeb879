// Package rca diagnoses a connection from flow logs: why can't A reach B?
//
// Diagnose walks the flow-log root-cause checklist (logging scope, REJECT
// and ACCEPT per direction, addresses and ports, the security group or
// network ACL signature, the return path, routes and Transit Gateway
// losses, and what only a packet capture or Reachability Analyzer can tell)
// and ends in one Verdict with the rows behind it. It runs library queries
// only, each pinned by name@version, through queries.Stream on whichever
// engine it is given (the local DuckDB engine or Athena), and combines and
// filters their rows in Go: it has no SQL of its own. It says what the
// data's format could not tell (tcp-flags before v3, flow-direction before
// v5, reject-reason before v8) and what to look at next, with the library
// queries to run for it.
//
// The window is the engine's: the engine was opened over it.
package rca

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/flowq/flowq/queries"
)

// Request is the connection to diagnose: traffic from Src (the client side)
// to Dst (the server side), optionally on one port of Dst's and one protocol.
type Request struct {
	Src string `json:"src"` // an address or a CIDR network
	Dst string `json:"dst"` // an address or a CIDR network
	// Port is Dst's port, 1-65535; 0 means any.
	Port int `json:"port,omitempty"`
	// Protocol is tcp, udp, icmp or icmpv6; "" means any.
	Protocol string `json:"protocol,omitempty"`
}

// Protocols are the names Request.Protocol takes, and their IANA numbers.
var Protocols = map[string]int64{"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}

// Check reports what is wrong with a request, naming the field, before
// anything runs.
func (r Request) Check() error {
	for _, e := range []struct{ name, v string }{{"src", r.Src}, {"dst", r.Dst}} {
		if _, err := parseEndpoint(e.v); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	if r.Port < 0 || r.Port > 65535 {
		return fmt.Errorf("port %d: want 1-65535 (0 for any)", r.Port)
	}
	if _, ok := Protocols[r.Protocol]; !ok && r.Protocol != "" {
		return fmt.Errorf("protocol %q: want tcp, udp, icmp or icmpv6", r.Protocol)
	}
	if r.Port != 0 && (r.Protocol == "icmp" || r.Protocol == "icmpv6") {
		return fmt.Errorf("port %d with protocol %s: ICMP has no ports", r.Port, r.Protocol)
	}
	return nil
}

// parseEndpoint reads an address (as a one-address network) or a CIDR
// network, as the library's cidr parameters do.
func parseEndpoint(s string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or a CIDR network (10.0.1.5, 10.0.1.0/24)", s)
	}
	if p != p.Masked() {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; the network is %s", s, p.Masked())
	}
	return p, nil
}

// Options tune a diagnosis. The zero value is the default.
type Options struct {
	// Library is where the queries come from; nil is queries.Default().
	Library *queries.Library
	// Limit is the limit a query with a limit parameter is first run with
	// when Diagnose reads all of its rows (0: DefaultLimit). A result the
	// limit cuts is run again at queries.MaxLimit, so that no verdict rests
	// on a cut result unsaid; one cut even there is said to be (Evidence.Cut,
	// and in CouldNotTell).
	Limit int64
}

// DefaultLimit is Options.Limit's default.
const DefaultLimit = 10_000

// Diagnosis is the answer: the verdict, the checklist that led to it, what
// the format could not tell, what to do next, and every query run.
type Diagnosis struct {
	Request Request    `json:"request"`
	From    *time.Time `json:"from,omitempty"` // the engine's window, when it has one
	To      *time.Time `json:"to,omitempty"`
	Data    Data       `json:"data"`
	Verdict Verdict    `json:"verdict"`
	// Checklist is the RCA checklist, step by step (see Steps), each with
	// what the data said.
	Checklist []Step `json:"checklist"`
	// CouldNotTell is what the data's format could not tell, and why.
	CouldNotTell []string `json:"could_not_tell"`
	// Next are the next steps of the checklist: rules, routes, Reachability
	// Analyzer, a packet capture.
	Next []string `json:"next_steps"`
	// FollowUps are the library queries that show more, with their
	// parameters (flowq run takes them as -p NAME=VALUE).
	FollowUps []FollowUp `json:"follow_ups"`
	// Queries are the queries run, in order, each with its provenance.
	Queries []Run `json:"queries"`
}

// Data is what the engine's data can tell: its formats and the fields the
// checklist needs.
type Data struct {
	// Kind is vpc (VPC flow logs), tgw (Transit Gateway flow logs) or mixed.
	Kind string `json:"kind"`
	// Versions are the formats' versions, one per format; Fields their
	// numbers of fields.
	Versions []int `json:"versions"`
	Fields   []int `json:"fields"`
	// The fields that decide between verdicts, in every format.
	TCPFlags      bool `json:"tcp_flags"`
	FlowDirection bool `json:"flow_direction"`
	RejectReason  bool `json:"reject_reason"`
}

// String is the formats for a person: "v2 (14 fields)".
func (d Data) String() string {
	if len(d.Versions) == 0 {
		return "format unknown"
	}
	var parts []string
	for i, v := range d.Versions {
		name := fmt.Sprintf("v%d", v)
		if d.Kind == "tgw" || d.Kind == "mixed" && v == 6 {
			name = "Transit Gateway v6"
		}
		parts = append(parts, fmt.Sprintf("%s (%d fields)", name, d.Fields[i]))
	}
	return strings.Join(parts, ", ")
}

// VerdictID names a verdict.
type VerdictID string

// The verdicts, in the order Diagnose considers them.
const (
	// NoRecords: nothing between the two in the window. The logging scope
	// (the interfaces not in a flow log) or the traffic never reached the
	// VPC.
	NoRecords VerdictID = "no-records"
	// BPARejected: VPC Block Public Access rejected it (reject-reason BPA, v8).
	BPARejected VerdictID = "bpa-rejected"
	// TGWLost: a Transit Gateway dropped its packets (no route, blackhole,
	// MTU exceeded, TTL expired).
	TGWLost VerdictID = "tgw-lost"
	// ReverseOnly: only Dst to Src is in the data.
	ReverseOnly VerdictID = "reverse-only"
	// ReplyRejected: the request was accepted, its reply rejected: a
	// stateless network ACL without the ephemeral-port rule.
	ReplyRejected VerdictID = "reply-rejected"
	// RejectedInbound: rejected arriving at Dst (its security group or
	// network ACL, inbound); RejectedOutbound: rejected leaving Src (its
	// security group or network ACL, outbound); Rejected: rejected where the
	// format cannot say which side.
	RejectedInbound  VerdictID = "rejected-inbound"
	RejectedOutbound VerdictID = "rejected-outbound"
	Rejected         VerdictID = "rejected"
	// ConnectionRefused: a RST answered the SYNs (v3+ tcp-flags): Dst is up,
	// nothing listens.
	ConnectionRefused VerdictID = "connection-refused"
	// SYNUnanswered: SYNs with no SYN-ACK nor RST (v3+ tcp-flags): a silent
	// timeout.
	SYNUnanswered VerdictID = "syn-unanswered"
	// ForwardOnly: accepted one way, nothing back: no listener, an
	// asymmetric route, or the reply not logged.
	ForwardOnly VerdictID = "forward-only"
	// FlowsNormally: both directions accepted, bytes both ways.
	FlowsNormally VerdictID = "flows-normally"
)

// Verdicts are every verdict Diagnose gives.
var Verdicts = []VerdictID{NoRecords, BPARejected, TGWLost, ReverseOnly, ReplyRejected, RejectedInbound, RejectedOutbound,
	Rejected, ConnectionRefused, SYNUnanswered, ForwardOnly, FlowsNormally}

// Verdict is the one answer, and the rows behind it.
type Verdict struct {
	ID    VerdictID `json:"id"`
	Title string    `json:"title"`
	// Summary says what happened and what it means, in a few sentences.
	Summary string `json:"summary"`
	// Interfaces are where it happened (the interfaces that rejected, or
	// that recorded what got no answer), when the records say.
	Interfaces []string `json:"interfaces,omitempty"`
	// ClientPorts is the range of Src's ports the rejected replies went to
	// (reply-rejected).
	ClientPorts *PortRange `json:"client_ports,omitempty"`
	// Reasons are the Transit Gateway's reasons for the packets it lost,
	// most packets first (tgw-lost).
	Reasons []string `json:"reasons,omitempty"`
	// Evidence are the rows behind the verdict, by query.
	Evidence []Evidence `json:"evidence"`
}

// PortRange is an inclusive range of ports.
type PortRange struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
}

func (p PortRange) String() string {
	if p.From == p.To {
		return fmt.Sprint(p.From)
	}
	return fmt.Sprintf("%d-%d", p.From, p.To)
}

// Evidence is rows of one query's result: those of this connection.
type Evidence struct {
	Query   string   `json:"query"` // name@version
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
	// Cut says the query's limit cut its result even at queries.MaxLimit:
	// rows of this connection beyond it were not read.
	Cut bool `json:"cut,omitempty"`
}

// Steps are the checklist's steps, in order.
var Steps = []string{"logging scope", "accept and reject", "addresses and ports", "security group or network ACL",
	"return path", "routes", "beyond flow logs"}

// Step is one step of the checklist and what the data said of it.
type Step struct {
	Step    string `json:"step"`
	Finding string `json:"finding"`
}

// FollowUp is a library query to run next, and why.
type FollowUp struct {
	Query  string            `json:"query"` // name@version
	Params map[string]string `json:"params,omitempty"`
	Why    string            `json:"why"`
}

// Run is one query Diagnose ran: the checklist step it served, how many of
// its rows were of this connection, and its provenance.
type Run struct {
	Step string `json:"step"`
	// Kept are the rows of this connection among the result's.
	Kept       int                `json:"kept"`
	Provenance queries.Provenance `json:"provenance"`
}

// Diagnose diagnoses the connection req on the engine's data, over the
// engine's window. Its errors are a request that Check refuses, and a query
// that failed (wrapped, with the step it served); ctx's error when ctx ends.
func Diagnose(ctx context.Context, eng queries.Engine, req Request, opts Options) (*Diagnosis, error) {
	if err := req.Check(); err != nil {
		return nil, fmt.Errorf("diagnose: %w", err)
	}
	d := newDiag(ctx, eng, req, opts)
	if err := d.walk(); err != nil {
		return nil, err
	}
	return d.result(), nil
}

// can reports whether every format of the data has the query's fields.
func (d *diag) can(ref string) bool {
	q, err := d.lib.Get(ref)
	return err == nil && q.CheckFields(d.eng.Dataset().Formats) == nil
}
