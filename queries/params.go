package queries

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Type is a parameter's type. Each parses a command-line string into the Go
// value that is bound to the query.
type Type string

const (
	IP        Type = "ip"        // an IPv4 or IPv6 address → string, canonical form
	CIDR      Type = "cidr"      // a network, or an address as /32 or /128 → string, canonical form
	Port      Type = "port"      // 0–65535 → int64
	Protocol  Type = "protocol"  // an IANA number or a name (tcp, udp, icmp…) → int64
	Timestamp Type = "timestamp" // RFC 3339 or a date → int64 Unix seconds, as start/end are
	Duration  Type = "duration"  // 90s, 10m, 1h, 2d → int64 seconds
	Int       Type = "int"       // → int64
	Enum      Type = "enum"      // one of the declared values → string
	String    Type = "string"    // → string
)

var types = []Type{IP, CIDR, Port, Protocol, Timestamp, Duration, Int, Enum, String}

// Param is a declared query parameter.
type Param struct {
	Name   string
	Type   Type
	Values []string // the choices of an enum
	// Range bounds an int, both ends included, when the header gives one:
	// int(0..23).
	Range       *[2]int64
	Default     string // as written; "" means the parameter is required
	Description string
}

// LimitParam is the parameter that caps a query's rows, by convention: an int
// used only in the SQL's final LIMIT. Its value is between 1 and MaxLimit.
// Render asks for one row more and Rendered.Finish removes it, so a result
// knows whether the limit cut it (Provenance.Truncated).
const LimitParam = "limit"

// MaxLimit is the most rows a limit may ask for: the local engine holds a
// result in memory before it hands it over, and Athena pages results a
// thousand rows at a time. For more, write the SQL with flowq sql, or let
// Athena write the result to S3.
const MaxLimit = 1_000_000

// Required reports whether the parameter has no default.
func (p Param) Required() bool { return p.Default == "" }

// protocols are the names accepted for a protocol parameter.
var protocols = map[string]int64{"icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ah": 51, "icmpv6": 58, "sctp": 132}

// Parse checks a value written by the user and returns what is bound.
func (p Param) Parse(s string) (any, error) {
	bad := func(want string) error {
		return fmt.Errorf("parameter %s: %q is not %s", p.Name, s, want)
	}
	switch p.Type {
	case IP:
		a, err := netip.ParseAddr(s)
		if err != nil || a.Zone() != "" {
			return nil, bad("an IP address")
		}
		return a.Unmap().String(), nil
	case CIDR:
		if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
			a = a.Unmap()
			return netip.PrefixFrom(a, a.BitLen()).String(), nil
		}
		n, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, bad("an address or a CIDR network (10.0.0.0/16)")
		}
		if a := n.Addr(); a.Is4In6() && n.Bits() >= 96 {
			// ::ffff:10.0.2.0/120 is 10.0.2.0/24, as ::ffff:10.0.2.1 is
			// 10.0.2.1: flow logs write IPv4 addresses as IPv4.
			n = netip.PrefixFrom(a.Unmap(), n.Bits()-96)
		}
		if n != n.Masked() {
			return nil, fmt.Errorf("parameter %s: %q has host bits set; the network is %s", p.Name, s, n.Masked())
		}
		return n.String(), nil
	case Port:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || n > 65535 {
			return nil, bad("a port (0-65535)")
		}
		return n, nil
	case Protocol:
		if n, ok := protocols[strings.ToLower(s)]; ok {
			return n, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 || n > 255 {
			return nil, bad("a protocol number (0-255) or one of " + strings.Join(protocolNames(), ", "))
		}
		return n, nil
	case Timestamp:
		t, err := ParseTime(s)
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		return t.Unix(), nil
	case Duration:
		d, err := ParseDuration(s)
		if _, ok := errors.AsType[*DurationRangeError](err); ok {
			return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		if err != nil || d%time.Second != 0 {
			return nil, bad("a positive whole number of seconds, minutes, hours or days (90s, 10m, 1h, 2d)")
		}
		return int64(d / time.Second), nil
	case Int:
		n, err := strconv.ParseInt(s, 10, 64)
		if p.Name == LimitParam && (err != nil || n < 1 || n > MaxLimit) {
			return nil, bad(fmt.Sprintf("a whole number of rows from 1 to %d", MaxLimit))
		}
		if r := p.Range; r != nil && (err != nil || n < r[0] || n > r[1]) {
			return nil, bad(fmt.Sprintf("a whole number from %d to %d", r[0], r[1]))
		}
		if err != nil {
			return nil, bad("an integer")
		}
		return n, nil
	case Enum:
		if !slices.Contains(p.Values, s) {
			return nil, bad("one of " + strings.Join(p.Values, ", "))
		}
		return s, nil
	case String:
		return s, nil
	}
	return nil, fmt.Errorf("parameter %s: unknown type %q", p.Name, p.Type)
}

func protocolNames() []string {
	names := make([]string, 0, len(protocols))
	for n := range protocols {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// timeLayouts are the forms ParseTime reads.
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02T15:04Z07:00", // RFC 3339 without seconds
	"2006-01-02T15:04:05",    // no zone: UTC
	"2006-01-02T15:04",
	time.DateOnly,
}

// ParseTime reads RFC 3339, with or without seconds (2026-01-05T10:00Z,
// 2026-01-05T12:00+02:00), a time without a zone (UTC) or a date (midnight
// UTC). The result is in UTC.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want RFC 3339 (2026-01-05T10:00:00Z, 2026-01-05T12:00+02:00), a UTC time (2026-01-05T10:00) or a date (2026-01-05)", s)
}

// MaxDuration is the longest duration ParseDuration accepts. Ten years is more
// than any window or bucket a flow-log question needs, and far from where a
// count of days overflows.
const MaxDuration = 3660 * 24 * time.Hour

// ParseDuration reads Go durations (90s, 1h30m) and whole days (2d, 7d). The
// duration is positive and at most MaxDuration: a longer one, or a number too
// big to hold, is a *DurationRangeError, never a value that wrapped around.
func ParseDuration(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseInt(days, 10, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, fmt.Errorf("duration %q: want a whole number of days like 2d", s)
		}
		if err != nil || n > int64(MaxDuration/day) {
			return 0, &DurationRangeError{Input: s}
		}
		d = time.Duration(n) * day
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			if durationSyntax.MatchString(s) {
				return 0, &DurationRangeError{Input: s} // well formed, so the number overflows
			}
			return 0, fmt.Errorf("duration %q: want 90s, 10m, 1h30m or 2d", s)
		}
	}
	if d <= 0 || d > MaxDuration {
		return 0, &DurationRangeError{Input: s, NotPositive: d <= 0}
	}
	return d, nil
}

const day = 24 * time.Hour

// durationSyntax is what time.ParseDuration reads, to tell an overflow from a typo.
var durationSyntax = regexp.MustCompile(`^[-+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$`)

// DurationRangeError is a well-formed duration that is not positive, or is
// longer than MaxDuration (including one too long to represent).
type DurationRangeError struct {
	Input       string
	NotPositive bool
}

func (e *DurationRangeError) Error() string {
	if e.NotPositive {
		return fmt.Sprintf("duration %q: want a positive duration", e.Input)
	}
	return fmt.Sprintf("duration %q is too long: at most %dd (10 years)", e.Input, int64(MaxDuration/day))
}

// Values are a query's parameters after parsing: name → bound value.
type Values map[string]any

// Resolve parses the given parameters (name → string), fills defaults and
// refuses unknown names and missing required ones.
func (q *Query) Resolve(given map[string]string) (Values, error) {
	for name := range given {
		if q.Param(name) == nil {
			return nil, fmt.Errorf("%s has no parameter %q (it takes: %s)", q.Ref(), name, q.paramNames())
		}
	}
	vals := Values{}
	for _, p := range q.Params {
		s, ok := given[p.Name]
		if !ok {
			if p.Required() {
				return nil, fmt.Errorf("%s needs parameter %s (%s): pass --param %s=VALUE", q.Ref(), p.Name, p.Type, p.Name)
			}
			s = p.Default
		}
		v, err := p.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.Ref(), err)
		}
		vals[p.Name] = v
	}
	return vals, nil
}

func (q *Query) paramNames() string {
	if len(q.Params) == 0 {
		return "no parameters"
	}
	names := make([]string, len(q.Params))
	for i, p := range q.Params {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}
