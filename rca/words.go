package rca

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// endpoint is an address or network as a person writes it: 10.0.1.5 for a
// one-address network.
func endpoint(p netip.Prefix) string {
	if p.IsSingleIP() {
		return p.Addr().String()
	}
	return p.String()
}

func (d *diag) src() string { return endpoint(d.a) }
func (d *diag) dst() string { return endpoint(d.b) }

// dstPort is Dst with the request's port: 10.0.3.201:5432,
// [2600:1f18::dd]:443, 10.0.3.0/24 port 5432.
func (d *diag) dstPort() string {
	switch {
	case d.req.Port == 0:
		return d.dst()
	case d.b.IsSingleIP() && d.b.Addr().Is6():
		return fmt.Sprintf("[%s]:%d", d.dst(), d.req.Port)
	case d.b.IsSingleIP():
		return fmt.Sprintf("%s:%d", d.dst(), d.req.Port)
	}
	return fmt.Sprintf("%s port %d", d.dst(), d.req.Port)
}

// protoSuffix follows dstPort: "/tcp" after a port, " (tcp)" without.
func (d *diag) protoSuffix() string {
	switch {
	case d.req.Protocol == "":
		return ""
	case d.req.Port != 0:
		return "/" + d.req.Protocol
	}
	return " (" + d.req.Protocol + ")"
}

// portText is the port for advice: the request's, or "the port".
func (d *diag) portText() string {
	if d.req.Port != 0 {
		return strconv.Itoa(d.req.Port)
	}
	return "the port"
}

// windowText is the engine's window.
func (d *diag) windowText() string {
	if d.out.From == nil {
		return "all the data (no window)"
	}
	return fmt.Sprintf("%s to %s", d.out.From.UTC().Format(time.RFC3339), d.out.To.UTC().Format(time.RFC3339))
}

// private are the networks an interface's own IPv4 address lies in (RFC
// 1918). A record's IPv4 address outside them is never the interface's own:
// an interface records its private address.
var private = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16")}

// public reports whether an IPv4 network lies wholly outside the private
// ranges. IPv6 addresses are global for interfaces too: never public here.
func public(p netip.Prefix) bool {
	if !p.Addr().Is4() {
		return false
	}
	for _, q := range private {
		if q.Overlaps(p) {
			return false
		}
	}
	return true
}

// ProtocolName names an IANA protocol number: tcp, udp, icmp, icmpv6, or
// "protocol 47".
func ProtocolName(p int64) string { return protoName(p) }

func protoName(p int64) string {
	for name, n := range Protocols {
		if n == p {
			return name
		}
	}
	return "protocol " + strconv.FormatInt(p, 10)
}

// count is "1 record", "3 records"; with a plural given, its forms.
func count(n int64, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// list joins a few items, and says how many more.
func list(items []string) string {
	const shown = 3
	switch {
	case len(items) == 0:
		return "none"
	case len(items) <= shown:
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:shown], ", "), len(items)-shown)
}

// from is where a Reachability Analyzer path starts for Src: its
// interface, or, for an address outside the VPC, the internet gateway.
func (d *diag) from() string {
	if public(d.a) {
		return "the internet gateway (for " + d.src() + ")"
	}
	return d.src() + "'s interface"
}

// span is a stretch of time in a finding: Jan 6 00:00:00-01:00:00.
func span(from, to time.Time) string {
	if from.IsZero() || to.IsZero() || from.UTC().YearDay() != to.UTC().YearDay() || from.Year() != to.Year() {
		return clock(from) + "-" + clock(to)
	}
	return clock(from) + "-" + to.UTC().Format("15:04:05")
}

// clock is a time in a finding: Jan 6 00:00:00 (UTC).
func clock(t time.Time) string {
	if t.IsZero() {
		return "?"
	}
	return t.UTC().Format("Jan 2 15:04:05")
}
