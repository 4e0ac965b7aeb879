package enginetest

import (
	"cmp"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/flowq/flowq/sample"
)

// everydayChecks are the truth checks of the everyday queries.
var everydayChecks = map[string]check{
	"top-rejected-ports@1":     checkTopRejectedPorts,
	"traffic-from-to@1":        checkTrafficFromTo,
	"latest-rejects-on-port@1": checkLatestRejectsOnPort,
	"rejected-bytes@1":         checkRejectedBytes,
	"tcp-connections@1":        checkTCPConnections,
	"admin-port-traffic@1":     checkAdminPortTraffic,
	"ssh-rdp-traffic@1":        checkSSHRDPTraffic,
	"ip-version-bytes@1":       checkIPVersionBytes,
	"top-talkers@1":            checkTopTalkers,
	"top-talker-pairs@1":       checkTopTalkerPairs,
	"top-talking-instances@1":  checkTopTalkingInstances,
	"top-talking-subnets@1":    checkTopTalkingSubnets,
	"host-traffic@1":           checkHostTraffic,
}

// evEvery is a limit that cuts nothing of the sample.
var evEvery = map[string]string{"limit": strconv.Itoa(1_000_000)}

// with is params plus more.
func evWith(params map[string]string, kv ...string) map[string]string {
	out := maps.Clone(params)
	if out == nil {
		out = map[string]string{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// evFactInt is a whole-number fact.
func evFactInt(t *testing.T, sc sample.ScenarioTruth, k string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(fact(sc, k), 10, 64)
	if err != nil {
		t.Fatalf("%s: fact %s = %v, not a whole number", sc.Name, k, sc.Facts[k])
	}
	return n
}

// evFactBytes is a fact that maps "src>dst" to bytes.
func evFactBytes(t *testing.T, sc sample.ScenarioTruth, k string) map[string]int64 {
	t.Helper()
	m, ok := sc.Facts[k].(map[string]int64)
	if !ok {
		t.Fatalf("%s: fact %s = %#v, not bytes by pair", sc.Name, k, sc.Facts[k])
	}
	return m
}

// evRowsWhere are the indexes of the rows that keep says.
func evRowsWhere(res Table, keep func(i int) bool) []int {
	var out []int
	for i := range res.Rows {
		if keep(i) {
			out = append(out, i)
		}
	}
	return out
}

// evDescending checks that a column never grows from row to row.
func evDescending(t *testing.T, res Table, col string) {
	t.Helper()
	for i := 1; i < len(res.Rows); i++ {
		if res.Int(t, i, col) > res.Int(t, i-1, col) {
			t.Errorf("row %d has more %s than row %d: %v after %v", i, col, i-1, res.Rows[i], res.Rows[i-1])
			return
		}
	}
}

// checkTopRejectedPorts: the SSH target's port 22 tops the whole sample with
// its 200 rejects from 40 sources; the default limit of 20 cuts the list; every
// row together holds every rejected record; the scan is one row per probed
// port, each of one reject from one source, and none for its open ports.
func checkTopRejectedPorts(t *testing.T, s *suite, ref string) {
	ssh, _ := s.scenario(t, "ssh-rejected")
	scan, _ := s.scenario(t, "port-scan")
	res := s.run(t, ref, nil, s.all(t))
	if len(res.Rows) != 20 || !res.Provenance.Truncated {
		t.Errorf("default limit: %d rows, truncated %v; want 20 cut from more", len(res.Rows), res.Provenance.Truncated)
	}
	if got := fmt.Sprintf("%s:%s/%s %d from %d", res.Str(t, 0, "dstaddr"), res.Str(t, 0, "dstport"), res.Str(t, 0, "protocol"),
		res.Int(t, 0, "rejects"), res.Int(t, 0, "sources")); got != fmt.Sprintf("%s:22/6 %s from %s", fact(ssh, "target"), fact(ssh, "rejects"), fact(ssh, "sources")) {
		t.Errorf("top row %s, want the ssh-rejected target %v", got, ssh.Facts)
	}
	all := s.run(t, ref, evEvery, s.all(t))
	if all.Provenance.Truncated || fmt.Sprint(all.Rows[:20]) != fmt.Sprint(res.Rows) {
		t.Errorf("every row: truncated %v, or its first 20 rows differ from the default's", all.Provenance.Truncated)
	}
	evDescending(t, all, "rejects")
	var rejects int64
	for i := range all.Rows {
		rejects += all.Int(t, i, "rejects")
	}
	if rejects != s.truth.ByAction["REJECT"] {
		t.Errorf("%d rejects in all rows, want every rejected record: %d", rejects, s.truth.ByAction["REJECT"])
	}
	open := scan.Facts["open_ports"].([]int)
	scanned := evRowsWhere(all, func(i int) bool { return all.Str(t, i, "dstaddr") == fact(scan, "target") })
	for _, i := range scanned {
		port, _ := strconv.Atoi(all.Str(t, i, "dstport"))
		if all.Int(t, i, "rejects") != 1 || all.Int(t, i, "sources") != 1 || slices.Contains(open, port) {
			t.Errorf("scan row %v, want one reject from one source on a closed port", all.Rows[i])
		}
	}
	if fmt.Sprint(len(scanned)) != fact(scan, "rejects") {
		t.Errorf("%d rows for the scan target, want one per rejected port: %s", len(scanned), fact(scan, "rejects"))
	}
}

// checkTrafficFromTo: client to server, the 60 accepted records of the
// connections (on both interfaces) in time order, none of the replies; server
// to client, the 30 rejected replies alone.
func checkTrafficFromTo(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "nacl-return-reject")
	client, server := fact(sc, "client"), fact(sc, "server")
	res := s.run(t, ref, map[string]string{"a": client, "b": server}, w)
	if fmt.Sprint(len(res.Rows)) != fact(sc, "forward_accepted") || res.Provenance.Truncated {
		t.Fatalf("%d records client to server, want %s", len(res.Rows), fact(sc, "forward_accepted"))
	}
	onServer := 0
	for i := range res.Rows {
		if res.Str(t, i, "srcaddr") != client || res.Str(t, i, "dstaddr") != server || res.Str(t, i, "dstport") != fact(sc, "server_port") ||
			res.Str(t, i, "action") != "ACCEPT" {
			t.Errorf("row %d = %v, want an accepted record from %s to %s:%s", i, res.Rows[i], client, server, fact(sc, "server_port"))
		}
		if res.Str(t, i, "interface_id") == fact(sc, "server_interface_id") {
			onServer++
		}
		if i > 0 && res.Time(t, i, "start_time").Before(res.Time(t, i-1, "start_time")) {
			t.Errorf("row %d starts before row %d", i, i-1)
		}
	}
	if fmt.Sprint(onServer) != fact(sc, "connections") {
		t.Errorf("%d records on the server's interface, want one per connection: %s", onServer, fact(sc, "connections"))
	}
	back := s.run(t, ref, map[string]string{"a": server, "b": client}, w)
	if fmt.Sprint(len(back.Rows)) != fact(sc, "return_rejected") {
		t.Fatalf("%d records server to client, want %s", len(back.Rows), fact(sc, "return_rejected"))
	}
	for i := range back.Rows {
		if back.Str(t, i, "srcaddr") != server || back.Str(t, i, "srcport") != fact(sc, "server_port") || back.Str(t, i, "action") != "REJECT" {
			t.Errorf("reply %d = %v, want a rejected reply from %s:%s", i, back.Rows[i], server, fact(sc, "server_port"))
		}
	}
	// A network for the source: the same records.
	net := netip.PrefixFrom(netip.MustParseAddr(client), 24).Masked()
	if got := s.run(t, ref, map[string]string{"a": net.String(), "b": server}, w); fmt.Sprint(got.Rows) != fmt.Sprint(res.Rows) {
		t.Errorf("a=%s: %d rows, want the client's %d", net, len(got.Rows), len(res.Rows))
	}
	if got := s.run(t, ref, map[string]string{"a": client, "b": client}, w); len(got.Rows) != 0 {
		t.Errorf("client to itself: %v, want nothing", got.Rows)
	}
}

// checkLatestRejectsOnPort: the SSH rejects newest first, cut at the default
// 100 of the 200; all of them with a larger limit, from the 40 sources; over
// the whole sample also the port scan's one probe of port 22; nothing on UDP.
func checkLatestRejectsOnPort(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "ssh-rejected")
	res := s.run(t, ref, map[string]string{"port": "22"}, w)
	if len(res.Rows) != 100 || !res.Provenance.Truncated {
		t.Errorf("default limit: %d rows, truncated %v; want the latest 100 of %s", len(res.Rows), res.Provenance.Truncated, fact(sc, "rejects"))
	}
	all := s.run(t, ref, map[string]string{"port": "22", "limit": "1000"}, w)
	if fmt.Sprint(len(all.Rows)) != fact(sc, "rejects") || all.Provenance.Truncated || fmt.Sprint(all.Rows[:100]) != fmt.Sprint(res.Rows) {
		t.Fatalf("limit 1000: %d rows, truncated %v; want the %s rejects, the default's first", len(all.Rows), all.Provenance.Truncated, fact(sc, "rejects"))
	}
	sources := map[string]bool{}
	for i := range all.Rows {
		if all.Str(t, i, "dstaddr") != fact(sc, "target") || all.Str(t, i, "interface_id") != fact(sc, "interface_id") ||
			all.Str(t, i, "dstport") != "22" || all.Str(t, i, "protocol") != "6" {
			t.Errorf("row %d = %v, want a reject to %s:22 on %s", i, all.Rows[i], fact(sc, "target"), fact(sc, "interface_id"))
		}
		sources[all.Str(t, i, "srcaddr")] = true
		if i > 0 {
			prev, cur := all.Time(t, i-1, "start_time"), all.Time(t, i, "start_time")
			if cur.After(prev) || cur.Equal(prev) && all.Time(t, i, "end_time").After(all.Time(t, i-1, "end_time")) {
				t.Errorf("row %d is newer than row %d", i, i-1)
			}
		}
	}
	if fmt.Sprint(len(sources)) != fact(sc, "sources") {
		t.Errorf("%d sources, want %s", len(sources), fact(sc, "sources"))
	}
	scan, _ := s.scenario(t, "port-scan")
	whole := s.run(t, ref, map[string]string{"port": "22", "limit": "1000"}, s.all(t))
	byDst := map[string]int{}
	for i := range whole.Rows {
		byDst[whole.Str(t, i, "dstaddr")]++
	}
	if want := map[string]int{fact(sc, "target"): len(all.Rows), fact(scan, "target"): 1}; !maps.Equal(byDst, want) {
		t.Errorf("whole sample: rejects by destination %v, want %v", byDst, want)
	}
	if udp := s.run(t, ref, map[string]string{"port": "22", "protocol": "udp"}, w); len(udp.Rows) != 0 {
		t.Errorf("udp/22: %v, want none", udp.Rows)
	}
}

// checkRejectedBytes: in the SSH window one row per source to port 22, 200
// rejects in all; over the whole sample every rejected record; in the admin
// sessions the stranger's refused RDP attempts top the bytes, to the byte.
func checkRejectedBytes(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "ssh-rejected")
	res := s.run(t, ref, evEvery, w)
	evDescending(t, res, "bytes")
	ssh := evRowsWhere(res, func(i int) bool {
		return res.Str(t, i, "dstaddr") == fact(sc, "target") && res.Str(t, i, "dstport") == "22"
	})
	var rejects int64
	for _, i := range ssh {
		rejects += res.Int(t, i, "rejects")
	}
	if fmt.Sprint(len(ssh)) != fact(sc, "sources") || fmt.Sprint(rejects) != fact(sc, "rejects") {
		t.Errorf("%d rows, %d rejects to %s:22; want one row per source (%s), %s rejects", len(ssh), rejects, fact(sc, "target"), fact(sc, "sources"), fact(sc, "rejects"))
	}
	whole := s.run(t, ref, evEvery, s.all(t))
	rejects = 0
	for i := range whole.Rows {
		rejects += whole.Int(t, i, "rejects")
	}
	if rejects != s.truth.ByAction["REJECT"] {
		t.Errorf("%d rejects in all rows, want every rejected record: %d", rejects, s.truth.ByAction["REJECT"])
	}
	if def := s.run(t, ref, nil, s.all(t)); len(def.Rows) != 100 || !def.Provenance.Truncated || fmt.Sprint(def.Rows) != fmt.Sprint(whole.Rows[:100]) {
		t.Errorf("default limit: %d rows, truncated %v; want the first 100", len(def.Rows), def.Provenance.Truncated)
	}

	all := s.in(t, "all")
	adm, aw := all.scenario(t, "admin-sessions")
	top := all.run(t, ref, nil, aw)
	got := fmt.Sprintf("%s>%s:%s/%s %d bytes %d packets %d rejects", top.Str(t, 0, "srcaddr"), top.Str(t, 0, "dstaddr"), top.Str(t, 0, "dstport"),
		top.Str(t, 0, "protocol"), top.Int(t, 0, "bytes"), top.Int(t, 0, "packets"), top.Int(t, 0, "rejects"))
	if want := fmt.Sprintf("%s>%s:3389/6 %s bytes %s packets %s rejects", fact(adm, "stranger"), fact(adm, "windows"),
		fact(adm, "rdp_rejected_bytes"), fact(adm, "rdp_rejected_packets"), fact(adm, "rdp_rejected")); got != want {
		t.Errorf("admin sessions: top row %s, want %s", got, want)
	}
}

// checkTCPConnections: without tcp-flags (the default format), the SSH
// rejects per destination port, and no connections column; with them (all),
// the admin sessions' accepted RDP and SSH connections counted by their SYNs,
// the replies to the workstation's ports with none, and the stranger's
// refused attempts.
func checkTCPConnections(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "ssh-rejected")
	rej := s.run(t, ref, map[string]string{"action": "REJECT"}, w)
	if rej.Str(t, 0, "dstaddr") != fact(sc, "target") || rej.Str(t, 0, "dstport") != "22" || fmt.Sprint(rej.Int(t, 0, "records")) != fact(sc, "rejects") ||
		fmt.Sprint(rej.Int(t, 0, "sources")) != fact(sc, "sources") || rej.Get(t, 0, "connections") != nil {
		t.Errorf("rejected: top row %v, want %s:22 with %s records from %s sources, no connections without tcp-flags", rej.Rows[0], fact(sc, "target"), fact(sc, "rejects"), fact(sc, "sources"))
	}
	acc := s.run(t, ref, evEvery, w)
	for i := range acc.Rows {
		if acc.Str(t, i, "dstaddr") == fact(sc, "target") {
			t.Errorf("accepted: %v, but nothing to %s was accepted", acc.Rows[i], fact(sc, "target"))
		}
	}

	all := s.in(t, "all")
	adm, aw := all.scenario(t, "admin-sessions")
	acc = all.run(t, ref, evEvery, aw)
	evDescending(t, acc, "records")
	service := func(res Table, dst, port string) string {
		i := evRowsWhere(res, func(i int) bool { return res.Str(t, i, "dstaddr") == dst && res.Str(t, i, "dstport") == port })
		if len(i) != 1 {
			return fmt.Sprintf("%d rows", len(i))
		}
		return fmt.Sprintf("%d records %d connections %d sources %d packets %d bytes", res.Int(t, i[0], "records"), res.Int(t, i[0], "connections"),
			res.Int(t, i[0], "sources"), res.Int(t, i[0], "packets"), res.Int(t, i[0], "bytes"))
	}
	for _, svc := range []struct{ name, dst, port string }{{"rdp", "windows", "3389"}, {"ssh", "linux", "22"}} {
		want := fmt.Sprintf("%s records %s connections 1 sources %s packets %s bytes", fact(adm, svc.name+"_requests"), fact(adm, svc.name+"_opened"),
			fact(adm, svc.name+"_request_packets"), fact(adm, svc.name+"_request_bytes"))
		if got := service(acc, fact(adm, svc.dst), svc.port); got != want {
			t.Errorf("accepted %s: %s, want %s", svc.name, got, want)
		}
	}
	// The servers' replies go to the workstation's ports, one per session,
	// and open nothing.
	replies := evRowsWhere(acc, func(i int) bool { return acc.Str(t, i, "dstaddr") == fact(adm, "admin") })
	var replyRecords int64
	for _, i := range replies {
		replyRecords += acc.Int(t, i, "records")
		if acc.Int(t, i, "connections") != 0 {
			t.Errorf("reply row %v opens connections", acc.Rows[i])
		}
	}
	if want := evFactInt(t, adm, "rdp_records") - evFactInt(t, adm, "rdp_requests") + evFactInt(t, adm, "ssh_records") - evFactInt(t, adm, "ssh_requests"); replyRecords != want ||
		int64(len(replies)) != evFactInt(t, adm, "rdp_sessions")+evFactInt(t, adm, "ssh_sessions") {
		t.Errorf("%d reply rows of %d records, want one per session with %d records", len(replies), replyRecords, want)
	}
	for i := range acc.Rows {
		if acc.Get(t, i, "connections") == nil {
			t.Errorf("row %v: no connections although the format has tcp-flags", acc.Rows[i])
			break
		}
	}
	rej = all.run(t, ref, map[string]string{"action": "REJECT"}, aw)
	if got, want := service(rej, fact(adm, "windows"), "3389"), fmt.Sprintf("%s records %s connections 1 sources %s packets %s bytes", fact(adm, "rdp_rejected"),
		fact(adm, "rdp_rejected_opened"), fact(adm, "rdp_rejected_packets"), fact(adm, "rdp_rejected_bytes")); got != want {
		t.Errorf("rejected rdp: %s, want %s", got, want)
	}
}

// checkAdminPortTraffic: the SSH target's port 22 tops its window, every
// record rejected; in the admin sessions (all), the Windows server's RDP then
// the Linux server's SSH, to the byte, and below them only rejected probes.
func checkAdminPortTraffic(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "ssh-rejected")
	res := s.run(t, ref, nil, w)
	row := func(res Table, i int) string {
		return fmt.Sprintf("%s:%s %s %d records %d clients %d accepted %d rejected", res.Str(t, i, "address"), res.Str(t, i, "port"), res.Str(t, i, "service"),
			res.Int(t, i, "records"), res.Int(t, i, "clients"), res.Int(t, i, "accepted"), res.Int(t, i, "rejected"))
	}
	if got, want := row(res, 0), fmt.Sprintf("%s:22 ssh %s records %s clients 0 accepted %s rejected", fact(sc, "target"), fact(sc, "rejects"), fact(sc, "sources"), fact(sc, "rejects")); got != want {
		t.Errorf("top row %s, want %s", got, want)
	}
	if len(res.Rows) > 10 {
		t.Errorf("%d rows, want at most the default 10", len(res.Rows))
	}
	evDescending(t, res, "bytes")

	all := s.in(t, "all")
	adm, aw := all.scenario(t, "admin-sessions")
	res = all.run(t, ref, evEvery, aw)
	evDescending(t, res, "bytes")
	if len(res.Rows) < 2 {
		t.Fatalf("admin sessions: %v", res.Rows)
	}
	rdp := fmt.Sprintf("%s:3389 rdp %d records 2 clients %s accepted %s rejected", fact(adm, "windows"),
		evFactInt(t, adm, "rdp_records")+evFactInt(t, adm, "rdp_rejected"), fact(adm, "rdp_records"), fact(adm, "rdp_rejected"))
	ssh := fmt.Sprintf("%s:22 ssh %s records 1 clients %s accepted 0 rejected", fact(adm, "linux"), fact(adm, "ssh_records"), fact(adm, "ssh_records"))
	if got := row(res, 0); got != rdp {
		t.Errorf("admin sessions: row 0 %s, want %s", got, rdp)
	}
	if got := row(res, 1); got != ssh {
		t.Errorf("admin sessions: row 1 %s, want %s", got, ssh)
	}
	if got, want := res.Int(t, 0, "bytes"), evFactInt(t, adm, "rdp_bytes")+evFactInt(t, adm, "rdp_rejected_bytes"); got != want {
		t.Errorf("rdp bytes %d, want %d", got, want)
	}
	if got := res.Int(t, 1, "bytes"); fmt.Sprint(got) != fact(adm, "ssh_bytes") {
		t.Errorf("ssh bytes %d, want %s", got, fact(adm, "ssh_bytes"))
	}
	for i := 2; i < len(res.Rows); i++ {
		if res.Int(t, i, "accepted") != 0 {
			t.Errorf("row %d %s: accepted traffic besides the admin sessions", i, row(res, i))
		}
	}
}

// checkSSHRDPTraffic: in the SSH window the 200 rejects to port 22, and else
// only rejected RDP probes; in the admin sessions (all) every record of the
// sessions and of the stranger's attempts, in time order, with their bytes.
func checkSSHRDPTraffic(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "ssh-rejected")
	res := s.run(t, ref, nil, w)
	ssh := 0
	for i := range res.Rows {
		if i > 0 && res.Time(t, i, "start_time").Before(res.Time(t, i-1, "start_time")) {
			t.Errorf("row %d starts before row %d", i, i-1)
		}
		switch {
		case res.Str(t, i, "dstport") == "22" && res.Str(t, i, "dstaddr") == fact(sc, "target") && res.Str(t, i, "service") == "ssh" && res.Str(t, i, "action") == "REJECT":
			ssh++
		case res.Str(t, i, "dstport") == "3389" && res.Str(t, i, "service") == "rdp" && res.Str(t, i, "action") == "REJECT":
		default:
			t.Errorf("row %d = %v, want an SSH reject to %s or a rejected RDP probe", i, res.Rows[i], fact(sc, "target"))
		}
	}
	if fmt.Sprint(ssh) != fact(sc, "rejects") {
		t.Errorf("%d SSH records, want %s", ssh, fact(sc, "rejects"))
	}

	all := s.in(t, "all")
	adm, aw := all.scenario(t, "admin-sessions")
	res = all.run(t, ref, nil, aw)
	hosts := []string{fact(adm, "admin"), fact(adm, "windows"), fact(adm, "linux"), fact(adm, "stranger")}
	type count struct{ records, accepted, bytes int64 }
	got := map[string]count{}
	for i := range res.Rows {
		if i > 0 && res.Time(t, i, "start_time").Before(res.Time(t, i-1, "start_time")) {
			t.Errorf("row %d starts before row %d", i, i-1)
		}
		if !slices.Contains(hosts, res.Str(t, i, "srcaddr")) {
			if res.Str(t, i, "action") != "REJECT" || res.Str(t, i, "dstport") != "3389" {
				t.Errorf("row %d = %v, want the admin sessions or a rejected RDP probe", i, res.Rows[i])
			}
			continue
		}
		c := got[res.Str(t, i, "service")]
		c.records++
		c.bytes += res.Int(t, i, "bytes")
		if res.Str(t, i, "action") == "ACCEPT" {
			c.accepted++
		}
		got[res.Str(t, i, "service")] = c
	}
	want := map[string]count{
		"rdp": {evFactInt(t, adm, "rdp_records") + evFactInt(t, adm, "rdp_rejected"), evFactInt(t, adm, "rdp_records"), evFactInt(t, adm, "rdp_bytes") + evFactInt(t, adm, "rdp_rejected_bytes")},
		"ssh": {evFactInt(t, adm, "ssh_records"), evFactInt(t, adm, "ssh_records"), evFactInt(t, adm, "ssh_bytes")},
	}
	if !maps.Equal(got, want) {
		t.Errorf("admin sessions by service %+v, want %+v", got, want)
	}
}

// checkIPVersionBytes: IPv6 is the ipv6 scenario's records and bytes, IPv4
// everything else, told by the address form (default) and by type (all).
func checkIPVersionBytes(t *testing.T, s *suite, ref string) {
	for _, ds := range []*suite{s, s.in(t, "all")} {
		v6, _ := ds.scenario(t, "ipv6")
		res := ds.run(t, ref, nil, ds.all(t))
		got := make([]string, len(res.Rows))
		for i := range res.Rows {
			got[i] = fmt.Sprintf("%s %d records %d bytes", res.Str(t, i, "ip_version"), res.Int(t, i, "records"), res.Int(t, i, "bytes"))
		}
		ok := ds.truth.ByLogStatus["OK"]
		want := []string{
			fmt.Sprintf("IPv4 %d records %d bytes", ok-int64(v6.Records), ds.truth.Bytes-evFactInt(t, v6, "bytes")),
			fmt.Sprintf("IPv6 %d records %s bytes", v6.Records, fact(v6, "bytes")),
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", ds.dataset, got, want)
		}
		var packets int64
		for i := range res.Rows {
			packets += res.Int(t, i, "packets")
		}
		if packets != ds.truth.Packets {
			t.Errorf("%s: %d packets, want %d", ds.dataset, packets, ds.truth.Packets)
		}
	}
}

// evTalker is an address's bytes sent and received.
type evTalker struct {
	address        string
	sent, received int64
}

// evTalkersOf sums bytes by pair ("src>dst") per address, most first.
func evTalkersOf(pairs map[string]int64) []evTalker {
	by := map[string]*evTalker{}
	get := func(a string) *evTalker {
		if by[a] == nil {
			by[a] = &evTalker{address: a}
		}
		return by[a]
	}
	for k, b := range pairs {
		src, dst, _ := strings.Cut(k, ">")
		get(src).sent += b
		get(dst).received += b
	}
	var out []evTalker
	for _, tk := range by {
		out = append(out, *tk)
	}
	slices.SortFunc(out, func(a, b evTalker) int {
		return cmp.Or(cmp.Compare(b.sent+b.received, a.sent+a.received), cmp.Compare(a.address, b.address))
	})
	return out
}

// checkTopTalkers: over the whole sample the top talker and its S3 address,
// tied, by the truth's pairs; asking for packet level without the fields
// answers at interface level and says so; behind the NAT gateway (all), each
// level's talkers to the byte, the gateway's own address big at interface
// level and small at packet level.
func checkTopTalkers(t *testing.T, s *suite, ref string) {
	tt, _ := s.scenario(t, "top-talker")
	var pairs = map[string]int64{}
	for _, p := range s.truth.TopTalkers {
		if p.Srcaddr == fact(tt, "src") || p.Dstaddr == fact(tt, "src") {
			pairs[p.Srcaddr+">"+p.Dstaddr] = p.Bytes
		}
	}
	want := evTalkersOf(pairs) // the host and the S3 address, all of whose traffic is these pairs
	res := s.run(t, ref, nil, s.all(t))
	if len(res.Rows) != 50 || !res.Provenance.Truncated {
		t.Errorf("default limit: %d rows, truncated %v; want 50 cut from more", len(res.Rows), res.Provenance.Truncated)
	}
	evDescending(t, res, "bytes")
	if len(want) != 2 || want[0].address != fact(tt, "src") || want[1].address != fact(tt, "dst") {
		t.Fatalf("the truth's top pairs %v do not hold the top talker %v both ways", pairs, tt.Facts)
	}
	for i, tk := range want {
		got := evTalker{res.Str(t, i, "address"), res.Int(t, i, "bytes_sent"), res.Int(t, i, "bytes_received")}
		if got != tk || res.Int(t, i, "bytes") != tk.sent+tk.received || res.Str(t, i, "level") != "interface" {
			t.Errorf("row %d = %v, want %+v at interface level", i, res.Rows[i], tk)
		}
	}
	if packet := s.run(t, ref, map[string]string{"level": "packet"}, s.all(t)); fmt.Sprint(packet.Rows) != fmt.Sprint(res.Rows) {
		t.Errorf("level=packet without packet-level fields: %v…, want the interface level's rows", packet.Rows[:2])
	}

	all := s.in(t, "all")
	nat, w := all.scenario(t, "nat-egress")
	for level, key := range map[string]string{"interface": "pairs", "packet": "packet_pairs"} {
		want := evTalkersOf(evFactBytes(t, nat, key))
		res := all.run(t, ref, evWith(evEvery, "level", level), w)
		if len(res.Rows) < len(want) {
			t.Fatalf("%s: %d rows", level, len(res.Rows))
		}
		for i, tk := range want {
			got := evTalker{res.Str(t, i, "address"), res.Int(t, i, "bytes_sent"), res.Int(t, i, "bytes_received")}
			if got != tk || res.Str(t, i, "level") != level {
				t.Errorf("nat-egress %s: row %d = %v, want %+v", level, i, res.Rows[i], tk)
			}
		}
	}
}

// checkTopTalkerPairs: the truth's top pairs, row for row; packet level
// without the fields is interface level; behind the NAT gateway (all), each
// level's pairs to the byte: at packet level the instance pairs with the
// internet host, and the gateway's legs to the instance are gone.
func checkTopTalkerPairs(t *testing.T, s *suite, ref string) {
	res := s.run(t, ref, nil, s.all(t))
	if len(res.Rows) != 50 || !res.Provenance.Truncated {
		t.Errorf("default limit: %d rows, truncated %v; want 50 cut from more", len(res.Rows), res.Provenance.Truncated)
	}
	evDescending(t, res, "bytes")
	for i, want := range s.truth.TopTalkers {
		if res.Str(t, i, "srcaddr") != want.Srcaddr || res.Str(t, i, "dstaddr") != want.Dstaddr || res.Int(t, i, "bytes") != want.Bytes ||
			res.Str(t, i, "level") != "interface" {
			t.Errorf("row %d = %v, want %+v", i, res.Rows[i], want)
		}
	}
	if packet := s.run(t, ref, map[string]string{"level": "packet"}, s.all(t)); fmt.Sprint(packet.Rows) != fmt.Sprint(res.Rows) {
		t.Errorf("level=packet without packet-level fields: %v…, want the interface level's rows", packet.Rows[:2])
	}

	all := s.in(t, "all")
	nat, w := all.scenario(t, "nat-egress")
	ours := map[string]bool{}
	for k := range evFactBytes(t, nat, "pairs") {
		src, dst, _ := strings.Cut(k, ">")
		ours[src], ours[dst] = true, true
	}
	for level, key := range map[string]string{"interface": "pairs", "packet": "packet_pairs"} {
		want := evFactBytes(t, nat, key)
		res := all.run(t, ref, evWith(evEvery, "level", level), w)
		got := map[string]int64{}
		for i := range res.Rows {
			if src, dst := res.Str(t, i, "srcaddr"), res.Str(t, i, "dstaddr"); ours[src] || ours[dst] {
				got[src+">"+dst] = res.Int(t, i, "bytes")
			}
			if res.Str(t, i, "level") != level {
				t.Errorf("%s: row %v says level %s", level, res.Rows[i], res.Str(t, i, "level"))
				break
			}
		}
		if !maps.Equal(got, want) {
			t.Errorf("nat-egress %s: pairs %v, want %v", level, got, want)
		}
		// The largest pairs, ties broken by address, lead the result.
		order := slices.SortedFunc(maps.Keys(want), func(a, b string) int { return cmp.Or(cmp.Compare(want[b], want[a]), cmp.Compare(a, b)) })
		for i, pair := range order[:2] {
			if got := res.Str(t, i, "srcaddr") + ">" + res.Str(t, i, "dstaddr"); got != pair {
				t.Errorf("nat-egress %s: row %d is the pair %s, want %s", level, i, got, pair)
			}
		}
	}
	if _, ok := evFactBytes(t, nat, "packet_pairs")[fact(nat, "nat")+">"+fact(nat, "worker1")]; ok {
		t.Errorf("packet_pairs %v: the gateway's leg to the worker should carry the mirror's address", evFactBytes(t, nat, "packet_pairs"))
	}
}

// checkTopTalkingInstances: behind the NAT gateway the downloading worker,
// then the uploading one, to the byte; the gateway, which has no instance, in
// no row.
func checkTopTalkingInstances(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "nat-egress")
	res := s.run(t, ref, nil, w)
	evDescending(t, res, "bytes")
	for i, k := range []string{"worker1", "worker2"} {
		got := fmt.Sprintf("%s %d interfaces %d records %d bytes", res.Str(t, i, "instance_id"), res.Int(t, i, "interfaces"), res.Int(t, i, "records"), res.Int(t, i, "bytes"))
		if want := fmt.Sprintf("%s 1 interfaces %s records %s bytes", fact(sc, k+"_instance"), fact(sc, k+"_records"), fact(sc, k+"_bytes")); got != want {
			t.Errorf("row %d = %s, want %s", i, got, want)
		}
	}
	for i := range res.Rows {
		if res.Get(t, i, "instance_id") == nil {
			t.Errorf("row %d = %v: interfaces without an instance are left out", i, res.Rows[i])
		}
	}
}

// checkTopTalkingSubnets: the NAT gateway's subnet tops its window with
// exactly the scenario's bytes on its three interfaces; the other subnets
// carry the background, less.
func checkTopTalkingSubnets(t *testing.T, s *suite, ref string) {
	sc, w := s.scenario(t, "nat-egress")
	res := s.run(t, ref, nil, w)
	evDescending(t, res, "bytes")
	got := fmt.Sprintf("%s %d interfaces %d packets %d bytes", res.Str(t, 0, "subnet_id"), res.Int(t, 0, "interfaces"), res.Int(t, 0, "packets"), res.Int(t, 0, "bytes"))
	if want := fmt.Sprintf("%s %s interfaces %s packets %s bytes", fact(sc, "subnet"), fact(sc, "subnet_interfaces"), fact(sc, "subnet_packets"), fact(sc, "subnet_bytes")); got != want {
		t.Errorf("top row %s, want %s", got, want)
	}
	seen := map[string]bool{}
	for i := range res.Rows {
		if id := res.Str(t, i, "subnet_id"); seen[id] || !strings.HasPrefix(id, "subnet-") {
			t.Errorf("row %d = %v: a subnet twice, or none", i, res.Rows[i])
		} else {
			seen[id] = true
		}
	}
	if len(res.Rows) < 2 {
		t.Errorf("%d subnets, want the background's too", len(res.Rows))
	}
}

// checkHostTraffic: the one-way host's traffic, sent and (none) received;
// the database's received connections and its 30 rejected replies; the top
// talker's TCP upload.
func checkHostTraffic(t *testing.T, s *suite, ref string) {
	ow, _ := s.scenario(t, "one-way")
	src := fact(ow, "src")
	res := s.run(t, ref, map[string]string{"host": src}, s.all(t))
	if len(res.Rows) != 1 || res.Str(t, 0, "srcaddr") != src || res.Str(t, 0, "dstaddr") != fact(ow, "dst") || res.Str(t, 0, "dstport") != fact(ow, "dst_port") ||
		res.Str(t, 0, "protocol") != "6" || fmt.Sprint(res.Int(t, 0, "records")) != fact(ow, "records") || fmt.Sprint(res.Int(t, 0, "packets")) != fact(ow, "packets") ||
		fmt.Sprint(res.Int(t, 0, "accepted")) != fact(ow, "records") || res.Int(t, 0, "rejected") != 0 {
		t.Errorf("from %s: %v, want its %s records to %s:%s", src, res.Rows, fact(ow, "records"), fact(ow, "dst"), fact(ow, "dst_port"))
	}
	if tcp := s.run(t, ref, map[string]string{"host": src, "protocol": "tcp"}, s.all(t)); fmt.Sprint(tcp.Rows) != fmt.Sprint(res.Rows) {
		t.Errorf("from %s, tcp: %v, want %v", src, tcp.Rows, res.Rows)
	}
	for _, p := range []map[string]string{{"host": src, "protocol": "udp"}, {"host": src, "direction": "to"}} {
		if none := s.run(t, ref, p, s.all(t)); len(none.Rows) != 0 {
			t.Errorf("%v: %v, want nothing", p, none.Rows)
		}
	}

	sc, w := s.scenario(t, "nacl-return-reject")
	in := s.run(t, ref, map[string]string{"host": fact(sc, "server"), "direction": "to"}, w)
	if len(in.Rows) != 1 || in.Str(t, 0, "srcaddr") != fact(sc, "client") || in.Str(t, 0, "dstport") != fact(sc, "server_port") ||
		fmt.Sprint(in.Int(t, 0, "records")) != fact(sc, "forward_accepted") || fmt.Sprint(in.Int(t, 0, "accepted")) != fact(sc, "forward_accepted") {
		t.Errorf("to the server: %v, want the client's %s accepted records to %s", in.Rows, fact(sc, "forward_accepted"), fact(sc, "server_port"))
	}
	out := s.run(t, ref, map[string]string{"host": fact(sc, "server"), "direction": "from"}, w)
	var rejected int64
	for i := range out.Rows {
		rejected += out.Int(t, i, "rejected")
		if out.Str(t, i, "dstaddr") != fact(sc, "client") || out.Int(t, i, "accepted") != 0 {
			t.Errorf("from the server: row %v, want only rejected replies to %s", out.Rows[i], fact(sc, "client"))
		}
	}
	if fmt.Sprint(len(out.Rows)) != fact(sc, "connections") || fmt.Sprint(rejected) != fact(sc, "return_rejected") {
		t.Errorf("from the server: %d rows, %d rejected; want one per client port (%s), %s", len(out.Rows), rejected, fact(sc, "connections"), fact(sc, "return_rejected"))
	}

	tt, _ := s.scenario(t, "top-talker")
	up := s.run(t, ref, map[string]string{"host": fact(tt, "src"), "protocol": "tcp"}, s.all(t))
	if up.Str(t, 0, "dstaddr") != fact(tt, "dst") || up.Str(t, 0, "dstport") != "443" || fmt.Sprint(up.Int(t, 0, "bytes")) != fact(tt, "bytes") {
		t.Errorf("top talker's TCP: %v, want %s bytes to %s:443", up.Rows[0], fact(tt, "bytes"), fact(tt, "dst"))
	}
	evDescending(t, up, "bytes")
}
