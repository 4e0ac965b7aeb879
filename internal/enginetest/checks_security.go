package enginetest

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/sample"
)

// securityChecks are the truth checks of the security queries.
var securityChecks = map[string]check{
	"port-scan-suspects@1":      checkPortScanSuspects,
	"top-rejected-sources@1":    checkTopRejectedSources,
	"public-admin-access@1":     checkPublicAdminAccess,
	"public-inbound-accepted@1": checkPublicInboundAccepted,
	"egress-to-public@1":        checkEgressToPublic,
	"unusual-protocols@1":       checkUnusualProtocols,
	"off-hours-traffic@1":       checkOffHoursTraffic,
	"denies-per-day@1":          checkDeniesPerDay,
	"deny-export@1":             checkDenyExport,
	"logging-coverage@1":        checkLoggingCoverage,
}

// secFactList is a fact that is a list of strings (the rows a scenario's
// records imply), as built or as read back from JSON.
func secFactList(t *testing.T, sc sample.ScenarioTruth, k string) []string {
	t.Helper()
	switch v := sc.Facts[k].(type) {
	case []string:
		return v
	case []any:
		out := make([]string, len(v))
		for i, x := range v {
			out[i] = fmt.Sprint(x)
		}
		return out
	}
	t.Fatalf("%s: fact %s = %#v, not a list", sc.Name, k, sc.Facts[k])
	return nil
}

// secFactInt is an integer fact.
func secFactInt(t *testing.T, sc sample.ScenarioTruth, k string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(fact(sc, k), 10, 64)
	if err != nil {
		t.Fatalf("%s: fact %s = %#v, not an integer", sc.Name, k, sc.Facts[k])
	}
	return n
}

// secLines writes each row as the scenarios write their row facts:
// format's verbs filled with the named columns' values, as text.
func secLines(t *testing.T, res Table, format string, cols ...string) []string {
	t.Helper()
	out := make([]string, len(res.Rows))
	for i := range res.Rows {
		vals := make([]any, len(cols))
		for j, c := range cols {
			vals[j] = res.Str(t, i, c)
		}
		out[i] = fmt.Sprintf(format, vals...)
	}
	return out
}

// secSameSet fails unless got and want hold the same lines, in any order.
func secSameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	got, want = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, strings.Join(got, "\n      "), strings.Join(want, "\n      "))
	}
}

// secNotPublic are the networks the public-address queries take as not
// public by default.
var secNotPublic = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"), netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("fe80::/10"),
}

func secPublic(addr string) bool {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	return !slices.ContainsFunc(secNotPublic, func(p netip.Prefix) bool { return p.Contains(a) })
}

// checkPortScanSuspects: the port scan (1024 ports of one host) and the
// bastion's sweep (120 hosts on one port) are the only sources over the
// default thresholds; each threshold selects its own, and one above a
// suspect's count leaves it out. Replies, background clients and noise never
// show.
func checkPortScanSuspects(t *testing.T, s *suite, ref string) {
	scan, _ := s.scenario(t, "port-scan")
	adm, _ := s.scenario(t, "exposed-admin")
	probed, sweep := secFactInt(t, scan, "ports_probed"), secFactInt(t, adm, "sweep_hosts")
	scanner := fmt.Sprintf("%s ports=%d hosts=1 attempts=%d rejected=%s accepted_ports=%d",
		fact(scan, "scanner"), probed, probed, fact(scan, "rejects"), len(scan.Facts["open_ports"].([]int)))
	sweeper := fmt.Sprintf("%s ports=1 hosts=%d attempts=%d rejected=%s accepted_ports=0",
		fact(adm, "bastion"), sweep, sweep, fact(adm, "sweep_rejects"))
	lines := func(res Table) []string {
		return secLines(t, res, "%s ports=%s hosts=%s attempts=%s rejected=%s accepted_ports=%s",
			"srcaddr", "ports", "hosts", "attempts", "rejected", "accepted_ports")
	}
	res := s.run(t, ref, nil, s.all(t))
	if got := lines(res); !slices.Equal(got, []string{scanner, sweeper}) {
		t.Errorf("default thresholds:\n got  %v\n want %v", got, []string{scanner, sweeper})
	}
	if len(res.Rows) > 0 && (!res.Time(t, 0, "first_seen").Equal(scan.From) || !res.Time(t, 0, "last_seen").Equal(scan.To.Add(-time.Second))) {
		t.Errorf("scanner seen %v to %v, want the scan's %v to %v", res.Get(t, 0, "first_seen"), res.Get(t, 0, "last_seen"), scan.From, scan.To)
	}
	for _, tc := range []struct {
		ports, hosts int64
		want         []string
	}{
		{probed, 1 << 40, []string{scanner}},
		{1 << 40, sweep, []string{sweeper}},
		{probed + 1, sweep + 1, nil},
	} {
		got := lines(s.run(t, ref, map[string]string{"min_ports": fmt.Sprint(tc.ports), "min_hosts": fmt.Sprint(tc.hosts)}, s.all(t)))
		if !slices.Equal(got, tc.want) {
			t.Errorf("min_ports=%d min_hosts=%d: %v, want %v", tc.ports, tc.hosts, got, tc.want)
		}
	}
}

// checkTopRejectedSources: the scanner tops the list; every rejected record
// is counted once, by its source, most first; the bastion's sweep and the
// database whose replies a network ACL drops have their scenarios' counts.
func checkTopRejectedSources(t *testing.T, s *suite, ref string) {
	scan, _ := s.scenario(t, "port-scan")
	adm, _ := s.scenario(t, "exposed-admin")
	nacl, _ := s.scenario(t, "nacl-return-reject")
	top := s.run(t, ref, nil, s.all(t))
	if len(top.Rows) != 10 || !top.Provenance.Truncated {
		t.Errorf("default limit: %d rows, truncated %v; want 10 cut from more", len(top.Rows), top.Provenance.Truncated)
	}
	if got, want := secLines(t, top, "%s %s %s %s", "srcaddr", "rejects", "destinations", "ports")[0],
		fmt.Sprintf("%s %s 1 %s", fact(scan, "scanner"), fact(scan, "rejects"), fact(scan, "rejects")); got != want {
		t.Errorf("top row %s, want the scanner %s", got, want)
	}
	every := s.run(t, ref, map[string]string{"limit": "100000"}, s.all(t))
	if every.Provenance.Truncated || len(every.Rows) <= 10 || fmt.Sprint(every.Rows[:10]) != fmt.Sprint(top.Rows) {
		t.Fatalf("every source: %d rows, truncated %v, first ten unlike the default's", len(every.Rows), every.Provenance.Truncated)
	}
	var total int64
	seen := map[string]string{}
	for i := range every.Rows {
		total += every.Int(t, i, "rejects")
		src := every.Str(t, i, "srcaddr")
		if _, dup := seen[src]; dup {
			t.Errorf("%s listed twice", src)
		}
		seen[src] = fmt.Sprintf("%d %d %d", every.Int(t, i, "rejects"), every.Int(t, i, "destinations"), every.Int(t, i, "ports"))
		if i > 0 && cmp.Or(cmp.Compare(every.Int(t, i-1, "rejects"), every.Int(t, i, "rejects")), -cmp.Compare(every.Str(t, i-1, "srcaddr"), src)) < 0 {
			t.Errorf("row %d (%v) is out of order after %v", i, every.Rows[i], every.Rows[i-1])
		}
	}
	if total != s.truth.ByAction["REJECT"] {
		t.Errorf("%d rejects in all, want the truth's %d", total, s.truth.ByAction["REJECT"])
	}
	for src, want := range map[string]string{
		fact(adm, "bastion"): fmt.Sprintf("%s %s 1", fact(adm, "sweep_rejects"), fact(adm, "sweep_hosts")),
		fact(nacl, "server"): fmt.Sprintf("%s 1 %s", fact(nacl, "return_rejected"), fact(nacl, "connections")),
	} {
		if seen[src] != want {
			t.Errorf("%s: rejects, destinations, ports %q, want %q", src, seen[src], want)
		}
	}
}

// checkPublicAdminAccess: in the exposed-admin window, exactly the public
// sources' accepted SSH, PostgreSQL and Redis connections; not the shared
// address space's, the rejected RDP or the HTTPS. Each network parameter
// changes what is public.
func checkPublicAdminAccess(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "exposed-admin")
	lines := func(res Table) []string {
		return secLines(t, res, "%s>%s:%s/%s %s records=%s packets=%s bytes=%s",
			"srcaddr", "dstaddr", "dstport", "protocol", "interface_id", "records", "packets", "bytes")
	}
	res := s.run(t, ref, nil, w)
	secSameSet(t, "admin access", lines(res), secFactList(t, sc, "admin_access"))
	for i := range res.Rows {
		if want := map[string]string{"22": "ssh", "5432": "postgresql", "6379": "redis"}[res.Str(t, i, "dstport")]; res.Str(t, i, "service") != want {
			t.Errorf("row %v: service %s, want %s", res.Rows[i], res.Str(t, i, "service"), want)
		}
		if i > 0 {
			a, b := res.Str(t, i-1, "dstaddr")+" "+res.Str(t, i-1, "dstport")+" "+res.Str(t, i-1, "srcaddr"), res.Str(t, i, "dstaddr")+" "+res.Str(t, i, "dstport")+" "+res.Str(t, i, "srcaddr")
			if a > b {
				t.Errorf("row %d out of order: %s after %s", i, b, a)
			}
		}
	}
	// The scenario's public sources are in 198.18.40.0/24: internal leaves
	// them all out. With another network as shared space, 100.64.40.10 is
	// public and its two connections show.
	if res := s.run(t, ref, map[string]string{"internal": "198.18.40.0/24"}, w); len(res.Rows) != 0 {
		t.Errorf("internal=198.18.40.0/24: %v, want none", res.Rows)
	}
	res = s.run(t, ref, map[string]string{"shared_100": "192.0.2.0/24"}, w)
	n := 0
	for i := range res.Rows {
		if res.Str(t, i, "srcaddr") == fact(sc, "not_public_source") {
			n++
		}
	}
	if n != 2 || len(res.Rows) != len(secFactList(t, sc, "admin_access"))+2 {
		t.Errorf("shared_100=192.0.2.0/24: %d rows, %d from %s; want its 2 more", len(res.Rows), n, fact(sc, "not_public_source"))
	}
}

// checkPublicInboundAccepted: the exposed services of the exposed-admin
// window, with their public sources; the port scan's two open ports; the
// VPN appliance's tunnels; and a VPC's global IPv6 addresses counted until
// internal names them.
func checkPublicInboundAccepted(t *testing.T, s *suite, ref string) {
	lines := func(res Table) []string {
		return secLines(t, res, "%s:%s/%s %s sources=%s records=%s packets=%s bytes=%s",
			"dstaddr", "dstport", "protocol", "interface_id", "sources", "records", "packets", "bytes")
	}
	sc, w := s.scenario(t, "exposed-admin")
	res := s.run(t, ref, nil, w)
	secSameSet(t, "exposed services", lines(res), secFactList(t, sc, "public_inbound"))
	for i := 1; i < len(res.Rows); i++ {
		if p, c := res.Int(t, i-1, "sources")<<32+res.Int(t, i-1, "records"), res.Int(t, i, "sources")<<32+res.Int(t, i, "records"); p < c {
			t.Errorf("row %d (%v) is out of order after %v", i, res.Rows[i], res.Rows[i-1])
		}
	}

	scan, w := s.scenario(t, "port-scan")
	res = s.run(t, ref, nil, w)
	var want []string
	for _, p := range scan.Facts["open_ports"].([]int) {
		want = append(want, fmt.Sprintf("%s:%d/6 %s sources=1 records=1", fact(scan, "target"), p, fact(scan, "interface_id")))
	}
	secSameSet(t, "port scan", secLines(t, res, "%s:%s/%s %s sources=%s records=%s", "dstaddr", "dstport", "protocol", "interface_id", "sources", "records"), want)

	vpn, w := s.scenario(t, "vpn-appliance")
	res = s.run(t, ref, nil, w)
	secSameSet(t, "vpn appliance", secLines(t, res, "%s:%s/%s sources=%s", "dstaddr", "dstport", "protocol", "sources"), []string{
		fact(vpn, "host") + ":0/47 sources=1", fact(vpn, "host") + ":0/50 sources=1", fact(vpn, "host") + ":500/17 sources=1"})

	// The ipv6 scenario's hosts have global addresses, public by the test:
	// each connection counts, until internal holds both.
	v6, w := s.scenario(t, "ipv6")
	res = s.run(t, ref, nil, w)
	if len(res.Rows) != 1 || res.Str(t, 0, "dstaddr") != fact(v6, "dst") || res.Str(t, 0, "dstport") != "443" || res.Int(t, 0, "records") != int64(v6.Records/2) {
		t.Errorf("ipv6: %v, want %s:443 with its %d connections", res.Rows, fact(v6, "dst"), v6.Records/2)
	}
	both := common(netip.MustParseAddr(fact(v6, "src")), netip.MustParseAddr(fact(v6, "dst")))
	if res := s.run(t, ref, map[string]string{"internal": both.String()}, w); len(res.Rows) != 0 {
		t.Errorf("ipv6 with internal=%s: %v, want none", both, res.Rows)
	}
}

// checkEgressToPublic: the truth's top talkers from a private address to a
// public one, in order, lead the list; the night exfiltration is there with
// its bytes; nothing from a public or to a private address, nothing
// rejected; internal takes a destination out.
func checkEgressToPublic(t *testing.T, s *suite, ref string) {
	night, _ := s.scenario(t, "night-exfiltration")
	adm, _ := s.scenario(t, "exposed-admin")
	res := s.run(t, ref, nil, s.all(t))
	var want []string
	for _, p := range s.truth.TopTalkers {
		if !secPublic(p.Srcaddr) && secPublic(p.Dstaddr) {
			want = append(want, fmt.Sprintf("%s>%s %d", p.Srcaddr, p.Dstaddr, p.Bytes))
		}
	}
	got := secLines(t, res, "%s>%s %s", "srcaddr", "dstaddr", "bytes")
	if len(want) < 2 || len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("top egress:\n got  %v\n want %v first", got, want)
	}
	exfil := fmt.Sprintf("%s>%s bytes=%s packets=%s records=%s ports=1", fact(night, "db"), fact(night, "exfil_dst"),
		fact(night, "exfil_bytes"), fact(night, "exfil_packets"), fact(night, "exfil_records"))
	if !slices.Contains(secLines(t, res, "%s>%s bytes=%s packets=%s records=%s ports=%s", "srcaddr", "dstaddr", "bytes", "packets", "records", "ports"), exfil) {
		t.Errorf("no row %s", exfil)
	}
	for i := range res.Rows {
		if src, dst := res.Str(t, i, "srcaddr"), res.Str(t, i, "dstaddr"); secPublic(src) || !secPublic(dst) {
			t.Errorf("row %v: not from a private address to a public one", res.Rows[i])
		}
	}
	// The bastion's sweep was rejected: none of it is egress.
	every := s.run(t, ref, map[string]string{"limit": "1000000"}, s.all(t))
	for i := range every.Rows {
		if every.Str(t, i, "srcaddr") == fact(adm, "bastion") && every.Str(t, i, "dstaddr") == "198.18.40.101" {
			t.Errorf("row %v: the rejected sweep counted", every.Rows[i])
		}
	}
	res = s.run(t, ref, map[string]string{"internal": fact(night, "exfil_dst"), "limit": "1000000"}, s.all(t))
	for i := range res.Rows {
		if res.Str(t, i, "dstaddr") == fact(night, "exfil_dst") {
			t.Errorf("internal=%s: %v still listed", fact(night, "exfil_dst"), res.Rows[i])
		}
	}
}

// checkUnusualProtocols: the VPN appliance's GRE, ESP and rejected SCTP,
// exactly, in its window (not its IKE over UDP); over everything, no TCP,
// UDP, ICMP or ICMPv6 ever.
func checkUnusualProtocols(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "vpn-appliance")
	lines := func(res Table) []string {
		return secLines(t, res, "%s %s>%s %s %s records=%s packets=%s bytes=%s",
			"protocol", "srcaddr", "dstaddr", "interface_id", "action", "records", "packets", "bytes")
	}
	res := s.run(t, ref, nil, w)
	secSameSet(t, "unusual protocols", lines(res), secFactList(t, sc, "unusual"))
	for i := range res.Rows {
		if want := map[string]string{"47": "GRE", "50": "ESP", "132": "SCTP"}[res.Str(t, i, "protocol")]; res.Str(t, i, "protocol_name") != want {
			t.Errorf("row %v: name %s, want %s", res.Rows[i], res.Str(t, i, "protocol_name"), want)
		}
		prev, _ := strconv.Atoi(res.Str(t, max(i-1, 0), "protocol"))
		if cur, _ := strconv.Atoi(res.Str(t, i, "protocol")); prev > cur {

			t.Errorf("row %d out of protocol order", i)
		}
	}
	all := s.run(t, ref, nil, s.all(t))
	for i := range all.Rows {
		if p := all.Str(t, i, "protocol"); p == "1" || p == "6" || p == "17" || p == "58" {
			t.Errorf("row %v: a usual protocol", all.Rows[i])
		}
	}
	got := lines(all)
	for _, want := range secFactList(t, sc, "unusual") {
		if !slices.Contains(got, want) {
			t.Errorf("whole sample: no row %s", want)
		}
	}
}

// checkOffHoursTraffic: the database's records outside business hours, per
// hour of their start as the scenario counts them, for several hours
// (including hours that wrap past midnight); nothing of anyone else's.
func checkOffHoursTraffic(t *testing.T, s *suite, ref string) {
	sc, _ := s.scenario(t, "night-exfiltration")
	type sum struct{ records, packets, bytes int64 }
	byHour := map[int]map[string]sum{}
	for _, line := range secFactList(t, sc, "night_rows") {
		// "HH interface src>dst:port/protocol action records=N packets=P bytes=B"
		f := strings.Fields(line)
		var v sum
		h, err := strconv.Atoi(f[0])
		if _, err2 := fmt.Sscanf(strings.Join(f[4:], " "), "records=%d packets=%d bytes=%d", &v.records, &v.packets, &v.bytes); err != nil || err2 != nil || len(f) != 7 {
			t.Fatalf("night_rows line %q", line)
		}
		key := strings.Join(f[1:4], " ")
		if byHour[h] == nil {
			byHour[h] = map[string]sum{}
		}
		byHour[h][key] = v
	}
	hours := slices.Sorted(func(yield func(int) bool) {
		for h := range byHour {
			if !yield(h) {
				return
			}
		}
	})
	if len(hours) < 2 {
		t.Fatalf("night-exfiltration: records in hours %v, want at least two", hours)
	}
	inside := func(h, from, to int) bool {
		if from <= to {
			return h >= from && h < to
		}
		return h >= from || h < to
	}
	first := hours[0]
	network := fact(sc, "db") + "/32"
	for _, tc := range [][2]int{{8, 18}, {first, first + 1}, {first + 1, first}, {0, 24}, {first, first}, {22, 6}} {
		totals := map[string]sum{}
		for h, rows := range byHour {
			if inside(h, tc[0], tc[1]) {
				continue
			}
			for k, v := range rows {
				was := totals[k]
				totals[k] = sum{was.records + v.records, was.packets + v.packets, was.bytes + v.bytes}
			}
		}
		var want []string
		for k, v := range totals {
			want = append(want, fmt.Sprintf("%s records=%d packets=%d bytes=%d", k, v.records, v.packets, v.bytes))
		}
		res := s.run(t, ref, map[string]string{"network": network, "from_hour": fmt.Sprint(tc[0]), "to_hour": fmt.Sprint(tc[1])}, s.all(t))
		secSameSet(t, fmt.Sprintf("hours %d to %d", tc[0], tc[1]),
			secLines(t, res, "%s %s>%s:%s/%s %s records=%s packets=%s bytes=%s",
				"interface_id", "srcaddr", "dstaddr", "service_port", "protocol", "action", "records", "packets", "bytes"), want)
		for i := 1; i < len(res.Rows); i++ {
			if res.Time(t, i, "first_seen").Before(res.Time(t, i-1, "first_seen")) {
				t.Errorf("hours %v: row %d is before row %d", tc, i, i-1)
			}
		}
	}
}

// secDayRejects are the truth's rejects per UTC day.
func secDayRejects(truth *sample.Truth) map[time.Time]int64 {
	out := map[time.Time]int64{}
	for _, h := range truth.RejectsPerHour {
		out[h.Hour.Truncate(24*time.Hour)] += h.Rejects
	}
	return out
}

// checkDeniesPerDay: the rejects of each day add up to the truth's; the
// scenarios' interfaces have their rejects, sources and destinations; every
// row names the account; vpc_id is empty without vpc-id and the VPC with it.
func checkDeniesPerDay(t *testing.T, s *suite, ref string) {
	for _, sd := range []*suite{s, s.in(t, "all")} {
		scan, _ := sd.scenario(t, "port-scan")
		ssh, _ := sd.scenario(t, "ssh-rejected")
		adm, _ := sd.scenario(t, "exposed-admin")
		vpn, _ := sd.scenario(t, "vpn-appliance")
		res := sd.run(t, ref, nil, sd.all(t))
		if res.Provenance.Truncated {
			t.Fatalf("%s: cut at the limit", sd.dataset)
		}
		days := map[time.Time]int64{}
		byEni := map[string]string{}
		for i := range res.Rows {
			day := res.Time(t, i, "day")
			days[day] += res.Int(t, i, "rejects")
			eni := res.Str(t, i, "interface_id")
			if _, dup := byEni[eni]; dup {
				byEni[eni] = "more than one day"
			} else {
				byEni[eni] = fmt.Sprintf("%d %d %d", res.Int(t, i, "rejects"), res.Int(t, i, "sources"), res.Int(t, i, "destinations"))
			}
			if res.Str(t, i, "account_id") != sd.truth.Account {
				t.Errorf("%s: row %v: account, want %s", sd.dataset, res.Rows[i], sd.truth.Account)
			}
			vpc := res.Get(t, i, "vpc_id")
			if (sd.dataset == "all") != (vpc != nil) || vpc != nil && fmt.Sprint(vpc) != fact(adm, "vpc_id") {
				t.Errorf("%s: row %v: vpc_id %v", sd.dataset, res.Rows[i], vpc)
			}
			if i > 0 && res.Time(t, i-1, "day").After(day) {
				t.Errorf("%s: row %d is a day before row %d", sd.dataset, i, i-1)
			}
		}
		if want := secDayRejects(sd.truth); fmt.Sprint(days) != fmt.Sprint(want) {
			t.Errorf("%s: rejects per day %v, want %v", sd.dataset, days, want)
		}
		for eni, want := range map[string]string{
			fact(scan, "interface_id"):        fmt.Sprintf("%s 1 1", fact(scan, "rejects")),
			fact(ssh, "interface_id"):         fmt.Sprintf("%s %s 1", fact(ssh, "rejects"), fact(ssh, "sources")),
			fact(adm, "bastion_interface_id"): fmt.Sprintf("%s %s %s", fact(adm, "bastion_rejects"), fact(adm, "bastion_reject_sources"), fact(adm, "bastion_reject_destinations")),
			fact(vpn, "interface_id"):         fmt.Sprintf("%s 1 1", fact(vpn, "rejects")),
		} {
			if byEni[eni] != want {
				t.Errorf("%s: %s: rejects, sources, destinations %q, want %q", sd.dataset, eni, byEni[eni], want)
			}
		}
	}
}

// checkDenyExport: every rejected record once, in the query's total order,
// the same rows cut by a limit; the sweep's records with their interface's
// place and their packets' details when the format has them, empty when it
// does not.
func checkDenyExport(t *testing.T, s *suite, ref string) {
	for _, sd := range []*suite{s, s.in(t, "all")} {
		adm, _ := sd.scenario(t, "exposed-admin")
		res := sd.run(t, ref, nil, sd.all(t))
		if res.Provenance.Truncated || int64(len(res.Rows)) != sd.truth.ByAction["REJECT"] {
			t.Fatalf("%s: %d rows (truncated %v), want the truth's %d rejects", sd.dataset, len(res.Rows), res.Provenance.Truncated, sd.truth.ByAction["REJECT"])
		}
		key := func(i int) []string {
			k := []string{res.Time(t, i, "start_time").Format(time.RFC3339), res.Time(t, i, "end_time").Format(time.RFC3339)}
			for _, c := range []string{"account_id", "interface_id", "srcaddr", "srcport", "dstaddr", "dstport", "protocol", "packets", "bytes"} {
				v := res.Str(t, i, c)
				if n, err := strconv.ParseInt(v, 10, 64); err == nil && c != "account_id" {
					v = fmt.Sprintf("%020d", n) // numbers in numeric order
				}
				k = append(k, v)
			}
			return k
		}
		perHour := map[time.Time]int64{}
		sweep, disorder := 0, 0
		for i := range res.Rows {
			perHour[res.Time(t, i, "start_time").Truncate(time.Hour)]++
			if i > 0 && slices.Compare(key(i-1), key(i)) > 0 {
				if disorder++; disorder > 3 {
					t.Fatalf("%s: more rows out of order", sd.dataset)
				}
				t.Errorf("%s: row %d %v is out of order after %v", sd.dataset, i, res.Rows[i], res.Rows[i-1])
			}
			if res.Str(t, i, "srcaddr") != fact(adm, "bastion") {
				continue
			}
			sweep++
			var vals []string
			for _, c := range []string{"vpc_id", "subnet_id", "instance_id", "flow_direction", "tcp_flags", "traffic_path", "pkt_srcaddr", "pkt_dstaddr", "reject_reason"} {
				vals = append(vals, fmt.Sprint(res.Get(t, i, c)))
			}
			want := "<nil> <nil> <nil> <nil> <nil> <nil> <nil> <nil> <nil>"
			if sd.dataset == "all" {
				want = strings.Join([]string{fact(adm, "vpc_id"), fact(adm, "bastion_subnet_id"), fact(adm, "bastion_instance_id"), "egress", "2", "8",
					fact(adm, "bastion"), res.Str(t, i, "dstaddr"), "<nil>"}, " ")
			}
			if strings.Join(vals, " ") != want || res.Str(t, i, "interface_id") != fact(adm, "bastion_interface_id") || res.Str(t, i, "dstport") != fact(adm, "sweep_port") ||
				res.Str(t, i, "action") != "REJECT" || res.Str(t, i, "log_status") != "OK" {
				t.Errorf("%s: sweep record %v; want %s", sd.dataset, res.Rows[i], want)
			}
		}
		if fmt.Sprint(sweep) != fact(adm, "sweep_rejects") {
			t.Errorf("%s: %d sweep records, want %s", sd.dataset, sweep, fact(adm, "sweep_rejects"))
		}
		for _, h := range sd.truth.RejectsPerHour {
			if perHour[h.Hour] != h.Rejects {
				t.Errorf("%s: %d rejects starting in %s, want %d", sd.dataset, perHour[h.Hour], h.Hour, h.Rejects)
			}
		}
		cut := sd.run(t, ref, map[string]string{"limit": "25"}, sd.all(t))
		if !cut.Provenance.Truncated || fmt.Sprint(cut.Rows) != fmt.Sprint(res.Rows[:25]) {
			t.Errorf("%s: limit 25: %d rows, truncated %v; want the first 25", sd.dataset, len(cut.Rows), cut.Provenance.Truncated)
		}
	}
}

// checkLoggingCoverage: every record counted once, NODATA and SKIPDATA as
// the truth has them; the VPN appliance's silence is its interface's one gap,
// which a threshold at its length no longer counts; the NODATA/SKIPDATA
// interface is covered without a gap.
func checkLoggingCoverage(t *testing.T, s *suite, ref string) {
	vpn, _ := s.scenario(t, "vpn-appliance")
	nd, _ := s.scenario(t, "nodata-skipdata")
	silent := secFactInt(t, vpn, "silent_seconds")
	for _, tc := range []struct {
		gap  string
		gaps int64
	}{{"", 1}, {fmt.Sprint(silent-1) + "s", 1}, {fmt.Sprint(silent) + "s", 0}} {
		params := map[string]string{}
		if tc.gap != "" {
			params["gap"] = tc.gap
		}
		res := s.run(t, ref, params, s.all(t))
		var records, nodata, skipdata int64
		rows := map[string][]int{}
		for i := range res.Rows {
			records += res.Int(t, i, "records")
			nodata += res.Int(t, i, "nodata")
			skipdata += res.Int(t, i, "skipdata")
			rows[res.Str(t, i, "interface_id")] = append(rows[res.Str(t, i, "interface_id")], i)
			if !res.Time(t, i, "first_record").Truncate(24 * time.Hour).Equal(res.Time(t, i, "day")) {
				t.Errorf("row %v: first record not on its day", res.Rows[i])
			}
			if (res.Int(t, i, "gaps") == 0) != (res.Get(t, i, "first_gap_from") == nil) || res.Int(t, i, "longest_gap_seconds") > res.Int(t, i, "gap_seconds") {
				t.Errorf("row %v: gaps inconsistent", res.Rows[i])
			}
		}
		if records != s.truth.Records || nodata != s.truth.ByLogStatus["NODATA"] || skipdata != s.truth.ByLogStatus["SKIPDATA"] {
			t.Errorf("gap %q: %d records, %d NODATA, %d SKIPDATA; want %d, %d, %d", tc.gap, records, nodata, skipdata,
				s.truth.Records, s.truth.ByLogStatus["NODATA"], s.truth.ByLogStatus["SKIPDATA"])
		}
		row := func(i int) string {
			gapFrom := "-"
			if v := res.Get(t, i, "first_gap_from"); v != nil {
				gapFrom = res.Time(t, i, "first_gap_from").Format(time.RFC3339)
			}
			return fmt.Sprintf("records=%d nodata=%d skipdata=%d first=%s last=%s gaps=%d gap_seconds=%d longest=%d from=%s",
				res.Int(t, i, "records"), res.Int(t, i, "nodata"), res.Int(t, i, "skipdata"),
				res.Time(t, i, "first_record").Format(time.RFC3339), res.Time(t, i, "last_record").Format(time.RFC3339),
				res.Int(t, i, "gaps"), res.Int(t, i, "gap_seconds"), res.Int(t, i, "longest_gap_seconds"), gapFrom)
		}
		wantVPN := fmt.Sprintf("records=%s nodata=0 skipdata=0 first=%s last=%s gaps=0 gap_seconds=0 longest=0 from=-",
			fact(vpn, "records"), fact(vpn, "first"), fact(vpn, "last"))
		if tc.gaps == 1 {
			wantVPN = fmt.Sprintf("records=%s nodata=0 skipdata=0 first=%s last=%s gaps=1 gap_seconds=%d longest=%d from=%s",
				fact(vpn, "records"), fact(vpn, "first"), fact(vpn, "last"), silent, silent, fact(vpn, "silent_from"))
		}
		if r := rows[fact(vpn, "interface_id")]; len(r) != 1 || row(r[0]) != wantVPN {
			got := "no row"
			if len(r) == 1 {
				got = row(r[0])
			}
			t.Errorf("gap %q: vpn appliance %s (%d rows), want %s", tc.gap, got, len(r), wantVPN)
		}
		to, _ := time.Parse(time.RFC3339, fact(nd, "skipdata_to"))
		wantND := fmt.Sprintf("records=%d nodata=%s skipdata=%s first=%s last=%s gaps=0 gap_seconds=0 longest=0 from=-",
			secFactInt(t, nd, "nodata")+secFactInt(t, nd, "skipdata"), fact(nd, "nodata"), fact(nd, "skipdata"),
			fact(nd, "nodata_from"), to.Add(-time.Second).Format(time.RFC3339))
		if r := rows[fact(nd, "interface_id")]; len(r) != 1 || row(r[0]) != wantND {
			t.Errorf("gap %q: nodata-skipdata interface rows %v, want %s", tc.gap, r, wantND)
		}
	}
}
