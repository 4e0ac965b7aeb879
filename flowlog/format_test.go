package flowlog_test

import (
	"strings"
	"testing"

	"github.com/flowq/flowq/flowlog"
)

func TestCatalog(t *testing.T) {
	perVersion := map[int]int{}
	for _, f := range flowlog.Fields() {
		perVersion[f.Version]++
		if f.Description == "" {
			t.Errorf("%s: no description", f.Name)
		}
		if g, ok := flowlog.Lookup(f.Column()); !ok || g != f {
			t.Errorf("%s: not found by column %s", f.Name, f.Column())
		}
	}
	// v2: 14 fields, v3: 7, v4: 4, v5: 4, v6 (Transit Gateway only): 18, v7: 10 ECS fields.
	want := map[int]int{2: 14, 3: 7, 4: 4, 5: 4, 6: 18, 7: 10, 8: 1, 9: 1, 10: 1}
	for v, n := range want {
		if perVersion[v] != n {
			t.Errorf("version %d: %d fields, want %d", v, perVersion[v], n)
		}
	}
	types := map[string][4]string{
		"protocol":                  {"int", "INTEGER", "INT32", ""},
		"packets":                   {"bigint", "BIGINT", "INT64", ""},
		"end":                       {"bigint", "BIGINT", "INT64", ""},
		"srcaddr":                   {"string", "VARCHAR", "BYTE_ARRAY (STRING)", ""},
		"traffic-path":              {"int", "INTEGER", "INT32", ""},
		"packets-lost-mtu-exceeded": {"bigint", "BIGINT", "INT64", ""},
	}
	for name, w := range types {
		f, _ := flowlog.Lookup(name)
		if got := [4]string{f.AthenaType(), f.DuckDBType(), f.ParquetType(), ""}; got != w {
			t.Errorf("%s types = %v, want %v", name, got, w)
		}
	}
	if f, _ := flowlog.Lookup("encryption-status"); f.Status != flowlog.Unconfirmed {
		t.Errorf("encryption-status should be marked unconfirmed")
	}
	if f, _ := flowlog.Lookup("reject-reason"); len(f.Codes) != 1 || f.Codes[0].Value != "BPA" {
		t.Errorf("reject-reason codes = %v", f.Codes)
	}
}

func TestPresets(t *testing.T) {
	tests := []struct {
		name    string
		fields  int
		version int
		first   string
		last    string
	}{
		{"default", 14, 2, "version", "log-status"},
		{"v3", 21, 3, "version", "pkt-dstaddr"},
		{"v4", 25, 4, "version", "sublocation-id"},
		{"v5", 29, 5, "version", "traffic-path"},
		{"v7", 39, 7, "version", "ecs-task-id"},
		{"v8", 40, 8, "version", "reject-reason"},
		{"all", 42, 10, "version", "encryption-status"},
		{"tgw", 36, 6, "version", "pkt-dst-aws-service"},
	}
	for _, tt := range tests {
		f, ok := flowlog.Preset(tt.name)
		if !ok {
			t.Fatalf("preset %s missing", tt.name)
		}
		fs := f.Fields()
		if f.Len() != tt.fields || f.Version() != tt.version || fs[0].Name != tt.first || fs[len(fs)-1].Name != tt.last {
			t.Errorf("%s: %d fields v%d %s..%s, want %d v%d %s..%s", tt.name, f.Len(), f.Version(),
				fs[0].Name, fs[len(fs)-1].Name, tt.fields, tt.version, tt.first, tt.last)
		}
	}
	def, _ := flowlog.Preset("default")
	if got := def.String(); got != "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}" {
		t.Errorf("default = %s", got)
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		header  string
		version int
		err     string
	}{
		{in: "${version} ${vpc-id} ${srcaddr}", header: "version vpc-id srcaddr", version: 3},
		{in: "  ${srcaddr}\t${dstaddr} ", header: "srcaddr dstaddr", version: 2},
		{in: "${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}", header: "instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr", version: 3},
		{in: "${version} ${ecs-task-id}", header: "version ecs-task-id", version: 7},
		{in: "${tgw-id} ${srcaddr}", header: "tgw-id srcaddr", version: 6},
		{in: "v5", header: strings.Join(fieldNames("v5"), " "), version: 5},
		{in: "${pkt-srcadr}", err: "unknown field pkt-srcadr; did you mean pkt-srcaddr?"},
		{in: "${log_stat}", err: "unknown field log_stat; did you mean log-status?"},
		{in: "${banana}", err: "unknown field banana (flowq formats lists the known fields)"},
		{in: "${srcaddr} ${dstaddr} ${srcaddr}", err: "duplicate field srcaddr at position 3"},
		{in: "", err: "empty format: a format needs at least one field"},
		{in: "${}", err: `format token 1 "${}": want ${field-name}`},
		{in: "srcaddr", err: `format token 1 "srcaddr": want ${field-name}`},
		{in: "${srcaddr}${dstaddr}", err: `format token 1 "${srcaddr}${dstaddr}": want ${field-name}`},
	}
	for _, tt := range tests {
		f, err := flowlog.ParseFormat(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("ParseFormat(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseFormat(%q): %v", tt.in, err)
			continue
		}
		if f.Header() != tt.header || f.Version() != tt.version {
			t.Errorf("ParseFormat(%q) = %q v%d, want %q v%d", tt.in, f.Header(), f.Version(), tt.header, tt.version)
		}
		g, err := flowlog.ParseFormat(f.String())
		if err != nil || !g.Equal(f) {
			t.Errorf("round trip of %q: %v", f.String(), err)
		}
	}
}

func fieldNames(preset string) []string {
	f, _ := flowlog.Preset(preset)
	var out []string
	for _, fd := range f.Fields() {
		out = append(out, fd.Name)
	}
	return out
}

func TestHeader(t *testing.T) {
	tests := []struct {
		line   string
		header bool
	}{
		{"version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", true},
		{"instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr", true},
		{"version srcaddr dstaddr srcport dstport protocol start end action log_status reject_reason resource_id encryption_status instance_tag", true},
		{"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA", false},
		{"- eni-1235b8ca123456789 10.0.1.5 203.0.113.5 10.0.1.5 203.0.113.5", false},
		{"eni-0123 vpc-0456", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := flowlog.IsHeader(tt.line); got != tt.header {
			t.Errorf("IsHeader(%q) = %v, want %v", tt.line, got, tt.header)
		}
	}
	f, err := flowlog.ParseHeader("version srcaddr next_hop_vpc_id")
	if err != nil {
		t.Fatal(err)
	}
	if fd := f.Fields()[2]; fd.Status != flowlog.Unlisted || fd.Name != "next-hop-vpc-id" || fd.Kind != flowlog.String {
		t.Errorf("unlisted field = %+v", fd)
	}
	if f.Version() != 2 {
		t.Errorf("unlisted fields must not count toward the version: got %d", f.Version())
	}
	for in, want := range map[string]string{
		"version  srcaddr":        "header: empty field name at position 2 (two spaces in a row?)",
		"version srcaddr version": "header: duplicate field version at position 3",
		"version Src":             `header: "Src" at position 2 is not a field name`,
	} {
		if _, err := flowlog.ParseHeader(in); err == nil || err.Error() != want {
			t.Errorf("ParseHeader(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestParseRecord(t *testing.T) {
	def, _ := flowlog.Preset("default")
	rec, err := def.Parse("2 unknown eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA", 7)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]flowlog.Value{
		"version":    {Int: 2},
		"account-id": {Str: "unknown"},
		"srcaddr":    {Null: true},
		"srcport":    {Null: true},
		"packets":    {Null: true},
		"start":      {Int: 1431280876},
		"end":        {Int: 1431280934},
		"action":     {Null: true},
		"log_status": {Str: "NODATA"},
	} {
		if got, ok := rec.Get(name); !ok || got != want {
			t.Errorf("%s = %+v, want %+v", name, got, want)
		}
	}
	if got := string(rec.AppendText(nil)); got != "2 unknown eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA" {
		t.Errorf("AppendText = %q", got)
	}

	for line, want := range map[string]string{
		"2 123456789010 eni-1 1.2.3.4 5.6.7.8 443 49152 6 10 840 1 2 ACCEPT":       "line 3: expected 14 fields, found 13",
		"2 123456789010 eni-1 1.2.3.4 5.6.7.8 443 49152 6 10 840 1 2 ACCEPT OK x":  "line 3: expected 14 fields, found 15",
		"2 123456789010 eni-1 1.2.3.4 5.6.7.8 443 70000 6 10 840 1 2 ACCEPT OK":    `line 3: field dstport: "70000": out of range 0..65535`,
		"2 123456789010 eni-1 1.2.3.4 5.6.7.8 443 49152 6 ten 840 1 2 ACCEPT OK":   `line 3: field packets: "ten": not an integer`,
		"2 123456789010 eni-1 1.2.3.4 5.6.7.8 443 49152 256 10 -840 1 2 ACCEPT OK": `line 3: field protocol: "256": out of range 0..255; field bytes: "-840": out of range 0..9223372036854775807`,
		"2 123456789010 eni-1 1.2.3.4 5.6.7.8 443 49152 6 10 840 1 2 ACCEPT OK\r":  "",
		"2 123456789010 eni-1 1.2.3.4  5.6.7.8 443 49152 6 10 840 1 2 ACCEPT OK":   "line 3: expected 14 fields, found 15 (two spaces in a row at column 29)",
	} {
		_, err := def.Parse(line, 3)
		if want == "" {
			if err != nil {
				t.Errorf("Parse(%q): %v", line, err)
			}
			continue
		}
		if err == nil || err.Error() != want {
			t.Errorf("Parse(%q) = %v, want %q", line, err, want)
		}
	}
}

func TestReader(t *testing.T) {
	in := strings.Join([]string{
		"version srcaddr dstaddr action",
		"2 10.0.0.1 10.0.0.2 ACCEPT",
		"",
		"2 10.0.0.1 ACCEPT",
		"version dstaddr srcaddr",
		"2 10.0.0.9 10.0.0.8",
	}, "\n")
	rd := flowlog.NewReader(strings.NewReader(in), flowlog.Format{})
	var got []string
	var errs []string
	for {
		rec, err := rd.Next()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			errs = append(errs, err.Error())
			continue
		}
		src, _ := rec.Get("srcaddr")
		got = append(got, src.Str)
	}
	if strings.Join(got, ",") != "10.0.0.1,10.0.0.8" {
		t.Errorf("srcaddr = %v", got)
	}
	if len(errs) != 1 || errs[0] != "line 4: expected 4 fields, found 3" {
		t.Errorf("errors = %v", errs)
	}
	if rd.Headers != 2 || rd.Blank != 1 || rd.Bad != 1 {
		t.Errorf("headers %d blank %d bad %d", rd.Headers, rd.Blank, rd.Bad)
	}

	rd = flowlog.NewReader(strings.NewReader("2 10.0.0.1\n"), flowlog.Format{})
	if _, err := rd.Next(); err == nil || !strings.Contains(err.Error(), "no header line and no format given") {
		t.Errorf("headerless without fallback: %v", err)
	}
}
