package flowlog_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
)

// The conformance corpus holds real flow-log records published by other projects
// (see its MANIFEST.md). It lives beside the repository, not in it, because its
// sources carry their own licenses.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("FLOWQ_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "corpus")
	}
	if _, err := os.Stat(filepath.Join(dir, "MANIFEST.md")); err != nil {
		t.Skipf("conformance corpus not found at %s (set FLOWQ_CORPUS): %v", dir, err)
	}
	return dir
}

// How a corpus file says its format.
const (
	fromHeader = "header"  // the first line is a header
	byTokens   = "tokens"  // no header: the format follows from the token count, as Elastic's pipeline does
	sibling    = "sibling" // no header: the .format file beside it (VRL)
)

// tokenFormats are the formats Elastic's pipeline picks by token count.
var tokenFormats = map[int]string{
	14: "default",
	6:  "${instance-id} ${interface-id} ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr}",
	17: "${version} ${interface-id} ${account-id} ${vpc-id} ${subnet-id} ${instance-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr} ${action} ${log-status}",
	21: "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status}",
	29: "v5",  // every v2–v5 field in AWS's order
	36: "tgw", // the Transit Gateway default
	39: "v7",  // every v2–v7 VPC field
	40: "v8",  // every v2–v8 VPC field
}

// corpusCase says how to read one raw corpus file and which of its lines must be
// rejected (1-based), with the text their error must contain.
type corpusCase struct {
	file   string
	format string         // fromHeader, byTokens, sibling, or a format/preset for files without a header
	lines  map[int]string // formats of single lines, where a file mixes them
	bad    map[int]string
}

var corpusCases = []corpusCase{
	{file: "aws-vpc-user-guide/accept-reject-v2.log", format: "default"},
	{file: "aws-vpc-user-guide/historic-2018-doc-records-v2.log", format: "default"},
	{file: "aws-vpc-user-guide/ipv6-v2.log", format: "default"},
	{file: "aws-vpc-user-guide/nodata-skipdata-v2.log", format: "default"},
	{file: "aws-vpc-user-guide/sg-nacl-icmp-v2.log", format: "default"},
	{file: "aws-vpc-user-guide/nat-gateway-custom.log", format: fromHeader},
	{file: "aws-vpc-user-guide/tcp-flag-sequence-v3.log", format: fromHeader},
	{file: "aws-vpc-user-guide/traffic-path-flow-direction-v5.log", format: fromHeader},
	{file: "aws-vpc-user-guide/transit-gateway-vpc-custom-v3.log", format: fromHeader},
	// As published in AWS's guide: a double space, trailing #comments, a "..." line.
	{file: "aws-vpc-user-guide/doc-quirks-verbatim.log", format: tokenFormats[21],
		lines: map[int]string{2: tokenFormats[6], 3: tokenFormats[6]},
		bad: map[int]string{
			1: "expected 21 fields, found 22 (two spaces in a row at column 144)",
			2: "expected 6 fields, found 16", 3: "expected 6 fields, found 17", 4: "expected 21 fields, found 1"}},

	{file: "vrl/default-v2-doc-examples.log", format: "default"},
	{file: "vrl/ecs-v7.log", format: sibling},
	{file: "vrl/nat-gateway-custom.log", format: sibling},
	{file: "vrl/tcp-flag-sequence-v3.log", format: sibling},
	{file: "vrl/traffic-path-v5.log", format: sibling},
	{file: "vrl/transit-gateway-vpc-custom-v3.log", format: sibling},
	{file: "vrl/v8-v11-fields.log", format: sibling},

	{file: "flowlogs-reader/v2-cwl-records.log", format: "default", bad: map[int]string{6: "expected 14 fields, found 1"}},
	{file: "flowlogs-reader/v3-s3-file.log", format: fromHeader},
	{file: "flowlogs-reader/v4-s3-file.log", format: fromHeader},
	{file: "flowlogs-reader/v5-s3-file.log", format: fromHeader, bad: map[int]string{4: "expected 29 fields, found 2"}},
	{file: "flowlogs-reader/v6-tgw-s3-file.log", format: fromHeader},
	{file: "flowlogs-reader/millisecond-timestamps-v2.log", format: "default"},

	{file: "elastic-beats/accept-reject-traffic.log", format: fromHeader},
	{file: "elastic-beats/bad.log", format: "default", bad: map[int]string{1: "expected 14 fields, found 4"}},
	{file: "elastic-beats/custom-nat-gateway.log", format: fromHeader},
	{file: "elastic-beats/custom-transit-gateway.log", format: byTokens},
	{file: "elastic-beats/ipv6.log", format: "default"},
	{file: "elastic-beats/no-data-skip-data.log", format: "default"},
	{file: "elastic-beats/tcp-flag-sequence-skip-data.log", format: fromHeader},
	{file: "elastic-beats/tcp-flag-sequence.log", format: fromHeader},
	{file: "elastic-beats/tcp-flag-sequence.older-version.log", format: fromHeader},

	{file: "elastic-integrations/test-extra-samples.log", format: byTokens},
	{file: "elastic-integrations/test-tcp-flag-sequence.log", format: byTokens},
	{file: "elastic-integrations/test-v5-all-fields.log", format: byTokens},
	{file: "elastic-integrations/test-ecs-samples.log", format: byTokens},
	{file: "elastic-integrations/test-v8-samples.log", format: byTokens},
	{file: "elastic-integrations/test-tgw-samples.log", format: byTokens},

	{file: "otel-collector-contrib/valid_vpc_flow_log.log", format: fromHeader},
	{file: "otel-collector-contrib/valid_vpc_flow_log_multi.log", format: fromHeader},
	{file: "otel-collector-contrib/valid_vpc_flow_log_ecs.log", format: fromHeader},
	{file: "otel-collector-contrib/valid_tgw_flow_log.log", format: fromHeader},
	{file: "otel-collector-contrib/vpc_flow_log_too_few_fields.log", format: fromHeader, bad: map[int]string{2: "expected 14 fields, found 13"}},
	{file: "otel-collector-contrib/vpc_flow_log_too_many_fields.log", format: fromHeader, bad: map[int]string{2: "expected 14 fields, found 15"}},

	{file: "sekoia-intake-formats/records-plaintext.log", format: byTokens},
	{file: "go-vpcflow/digest-happy-path.log", format: fromHeader},
	{file: "go-vpcflow/digest-bidirectional-case.log", format: fromHeader},
	// go-vpcflow's malformed records: NaN numbers, '-' as start or end, port 65543.
	{file: "go-vpcflow/malformed-v2.log", format: "default", bad: map[int]string{
		1: `field srcport: "NaN": not an integer`, 2: `field dstport: "NaN": not an integer`,
		3: `field srcport: "65543": out of range 0..65535; field bytes: "NaN": not an integer`,
		4: `field srcport: "65543": out of range 0..65535; field packets: "NaN": not an integer`,
		// go-vpcflow also rejects '-' as start or end; under AWS's '-' rule that is a
		// valid null, so these two lines fail for their port alone.
		5: `line 5: field srcport: "65543": out of range 0..65535`, 6: `line 6: field srcport: "65543": out of range 0..65535`}},
	{file: "vpcflowreporter/acceptRaw.dat", format: "default"},
}

// readCorpusFile reads one raw file and returns its records by line number and
// the errors of its bad lines.
func readCorpusFile(t *testing.T, dir string, c corpusCase) (map[int]flowlog.Record, map[int]error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, c.file))
	if err != nil {
		t.Fatal(err)
	}
	switch c.format {
	case byTokens:
		return parseEachLine(b, func(_ int, line string) (flowlog.Format, bool) {
			if line == "" || flowlog.IsHeader(line) {
				return flowlog.Format{}, false
			}
			return mustFormat(t, tokenFormats[strings.Count(line, " ")+1]), true
		})
	case sibling:
		fb, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(c.file, ".log")+".format"))
		if err != nil {
			t.Fatal(err)
		}
		hdr, err := flowlog.ParseHeader(strings.TrimSpace(string(fb)))
		if err != nil {
			t.Fatalf("%s.format: %v", c.file, err)
		}
		return readLines(t, b, hdr)
	case fromHeader:
		if first, _, _ := strings.Cut(string(b), "\n"); !flowlog.IsHeader(first) {
			t.Fatalf("%s: first line is not a header: %q", c.file, first)
		}
		return readLines(t, b, flowlog.Format{})
	}
	if c.lines != nil {
		return parseEachLine(b, func(n int, _ string) (flowlog.Format, bool) {
			if lf, ok := c.lines[n]; ok {
				return mustFormat(t, lf), true
			}
			return mustFormat(t, c.format), true
		})
	}
	return readLines(t, b, mustFormat(t, c.format))
}

// parseEachLine parses each line under the format formatOf picks for it (false:
// skip the line), for files that mix formats without header lines.
func parseEachLine(b []byte, formatOf func(n int, line string) (flowlog.Format, bool)) (map[int]flowlog.Record, map[int]error) {
	records, bad := map[int]flowlog.Record{}, map[int]error{}
	for i, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		f, ok := formatOf(i+1, line)
		if !ok {
			continue
		}
		rec, err := f.Parse(line, i+1)
		if err != nil {
			bad[i+1] = err
			continue
		}
		records[i+1] = rec
	}
	return records, bad
}

func readLines(t *testing.T, b []byte, fallback flowlog.Format) (map[int]flowlog.Record, map[int]error) {
	records, bad := map[int]flowlog.Record{}, map[int]error{}
	rd := flowlog.NewReader(strings.NewReader(string(b)), fallback)
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return records, bad
		}
		var le *flowlog.LineError
		if errors.As(err, &le) {
			bad[le.Line] = err
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		records[rd.Line()] = rec
	}
}

func mustFormat(t *testing.T, s string) flowlog.Format {
	t.Helper()
	f, err := flowlog.ParseFormat(s)
	if err != nil {
		t.Fatalf("format %q: %v", s, err)
	}
	return f
}

// TestCorpus reads every raw record file of the corpus: every line parses under
// its format except the lines the sources mark as bad, which fail with a clear error.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	total := 0
	for _, c := range corpusCases {
		t.Run(c.file, func(t *testing.T) {
			records, bad := readCorpusFile(t, dir, c)
			for line, err := range bad {
				want, ok := c.bad[line]
				if !ok {
					t.Errorf("line %d: unexpected error: %v", line, err)
					continue
				}
				if !strings.Contains(err.Error(), want) {
					t.Errorf("line %d: error %q does not contain %q", line, err, want)
				}
			}
			for line := range c.bad {
				if _, ok := bad[line]; !ok {
					t.Errorf("line %d: parsed, but the source marks it bad", line)
				}
			}
			if len(records) == 0 && len(c.bad) == 0 {
				t.Errorf("no records read")
			}
			total += len(records)
		})
	}
	total += jsonWrappedRecords(t, dir)
	t.Logf("corpus: %d records read from %d raw files and the JSON-wrapped files", total, len(corpusCases))
}

// jsonWrappedRecords reads the records inside JSON wrappers: CloudWatch Logs
// subscription envelopes, {"message": …} lines and SEKOIA's test files.
func jsonWrappedRecords(t *testing.T, dir string) int {
	cases := []struct {
		file   string
		format string
	}{
		{"otel-collector-contrib/valid_vpc_flow_cw.json", "default"},
		{"otel-collector-contrib/valid_vpc_flow_cw_custom.json", "${version} ${interface-id} ${srcaddr} ${dstaddr}"},
		// The OTel test config that names this format is not in the corpus; the field
		// order is read off the values (27 tokens, no packets-lost-*).
		{"otel-collector-contrib/valid_tgw_flow_cw.json", "${version} ${account-id} ${tgw-id} ${tgw-attachment-id} ${tgw-src-vpc-id} ${tgw-dst-vpc-id} ${tgw-src-subnet-id} ${tgw-dst-subnet-id} ${tgw-src-eni} ${tgw-dst-eni} ${tgw-src-az-id} ${tgw-dst-az-id} ${tgw-pair-attachment-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${log-status} ${type} ${tcp-flags} ${flow-direction} ${region}"},
	}
	n := 0
	for _, c := range cases {
		var env struct {
			LogEvents []struct{ Message string } `json:"logEvents"`
		}
		readJSON(t, filepath.Join(dir, c.file), &env)
		f := mustFormat(t, c.format)
		for i, ev := range env.LogEvents {
			if _, err := f.Parse(ev.Message, i+1); err != nil {
				t.Errorf("%s event %d: %v", c.file, i, err)
			}
			n++
		}
	}
	// {"message": "<record>"} per line.
	b, err := os.ReadFile(filepath.Join(dir, "elastic-integrations/test-with-message-field.log"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m struct{ Message string }
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if _, err := mustFormat(t, "default").Parse(m.Message, i+1); err != nil {
			t.Errorf("test-with-message-field.log line %d: %v", i+1, err)
		}
		n++
	}
	// SEKOIA: {"input": {"message": …}} whose message is a text record or a JSON record.
	for _, name := range []string{"accept", "reject", "nodata", "ipv6traffic", "custom", "accept_ok_v5"} {
		var tc struct{ Input struct{ Message string } }
		readJSON(t, filepath.Join(dir, "sekoia-intake-formats", name+".json"), &tc)
		msg := tc.Input.Message
		f := mustFormat(t, tokenFormats[strings.Count(msg, " ")+1])
		if _, err := f.Parse(msg, 1); err != nil {
			t.Errorf("sekoia %s: %v", name, err)
		}
		n++
	}
	return n
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// checkValue compares one parsed value with a source's expectation. Sources type
// values differently (Elastic keeps numbers as strings, flowlogs-reader turns
// start/end into datetimes): the comparison is by meaning, and null or "-" must
// be our Null.
func checkValue(rec flowlog.Record, column string, want any) error {
	got, ok := rec.Get(column)
	if !ok {
		return fmt.Errorf("%s: not in the format", column)
	}
	switch w := want.(type) {
	case nil:
		if !got.Null {
			return fmt.Errorf("%s: got %s, want null", column, got)
		}
	case float64:
		if got.Null || got.String() != strconv.FormatInt(int64(w), 10) {
			return fmt.Errorf("%s: got %s, want %v", column, got, w)
		}
	case string:
		if w == "-" {
			if !got.Null {
				return fmt.Errorf("%s: got %s, want null (%q)", column, got, w)
			}
			return nil
		}
		if ts, err := time.Parse(time.RFC3339, w); err == nil && (column == "start" || column == "end") {
			if got.Null || got.Int != ts.Unix() {
				return fmt.Errorf("%s: got %s (%s), want %s", column, got, time.Unix(got.Int, 0).UTC().Format(time.RFC3339), w)
			}
			return nil
		}
		if got.Null || got.String() != w {
			return fmt.Errorf("%s: got %s, want %q", column, got, w)
		}
	default:
		return fmt.Errorf("%s: cannot compare with %T %v", column, want, want)
	}
	return nil
}

// expectation files, each matched with the raw records it describes.
type valueCase struct {
	expected string // the .expected.json
	records  string // the raw file (a corpusCases entry); "" when records are inline
	skip     int    // expected objects describe records from this line on (headers, etc.)
	key      func(string) (string, bool)
}

// ourColumn maps flowlogs-reader's and VRL's keys: they are already our column names.
func ourColumn(k string) (string, bool) {
	_, ok := flowlog.Lookup(k)
	return k, ok || strings.Contains(k, "_")
}

// elasticColumn maps Elastic's aws.vpcflow.* keys and the ECS fields that carry
// a flow-log value unchanged. Enrichments (geo, event.*, network.type, the
// tcp_flags_array decoding, log.offset) are not flow-log fields and are skipped.
func elasticColumn(k string) (string, bool) {
	if c, ok := strings.CutPrefix(k, "aws.vpcflow."); ok {
		switch c {
		case "tcp_flags_array", "sublocation":
			return "", false
		case "pkt_src_service":
			return "pkt_src_aws_service", true
		case "pkt_dst_service":
			return "pkt_dst_aws_service", true
		}
		return c, true
	}
	switch k {
	case "source.port":
		return "srcport", true
	case "destination.port":
		return "dstport", true
	case "network.bytes":
		return "bytes", true
	case "network.packets":
		return "packets", true
	case "network.iana_number":
		return "protocol", true
	case "event.start":
		return "start", true
	case "event.end":
		return "end", true
	}
	return "", false
}

// otelColumn maps the OpenTelemetry attributes that carry a flow-log value unchanged.
func otelColumn(k string) (string, bool) {
	m := map[string]string{
		"aws.vpc.flow.version": "version", "aws.vpc.flow.log.version": "version", "aws.eni.id": "interface_id",
		"network.interface.name": "interface_id", "aws.vpc.flow.start": "start", "aws.vpc.flow.end": "end",
		"aws.vpc.flow.status": "log_status", "aws.vpc.flow.action": "action", "aws.vpc.flow.packets": "packets",
		"aws.vpc.flow.bytes": "bytes", "source.port": "srcport", "destination.port": "dstport",
		"resource:cloud.account.id": "account_id", "aws.ecs.cluster.arn": "ecs_cluster_arn",
		"aws.ecs.cluster.name": "ecs_cluster_name", "aws.ecs.task.id": "ecs_task_id", "aws.ecs.task.arn": "ecs_task_arn",
	}
	c, ok := m[k]
	return c, ok
}

var valueCases = []valueCase{
	{expected: "flowlogs-reader/v3-s3-file.expected.json", records: "flowlogs-reader/v3-s3-file.log", key: ourColumn},
	{expected: "flowlogs-reader/v4-s3-file.expected.json", records: "flowlogs-reader/v4-s3-file.log", key: ourColumn},
	// flowlogs-reader leaves out the keys whose value is '-'; the ones it keeps must match.
	{expected: "flowlogs-reader/v5-s3-file.expected.json", records: "flowlogs-reader/v5-s3-file.log", key: ourColumn},
	{expected: "flowlogs-reader/v6-tgw-s3-file.expected.json", records: "flowlogs-reader/v6-tgw-s3-file.log", key: ourColumn},
	{expected: "elastic-beats/custom-nat-gateway.expected.json", records: "elastic-beats/custom-nat-gateway.log", key: elasticColumn},
	{expected: "elastic-beats/custom-transit-gateway.expected.json", records: "elastic-beats/custom-transit-gateway.log", key: elasticColumn},
	{expected: "elastic-beats/no-data-skip-data.expected.json", records: "elastic-beats/no-data-skip-data.log", key: elasticColumn},
	{expected: "elastic-beats/tcp-flag-sequence.expected.json", records: "elastic-beats/tcp-flag-sequence.log", key: elasticColumn},
	{expected: "elastic-beats/tcp-flag-sequence-skip-data.expected.json", records: "elastic-beats/tcp-flag-sequence-skip-data.log", key: elasticColumn},
	{expected: "elastic-integrations/test-v5-all-fields.expected.json", records: "elastic-integrations/test-v5-all-fields.log", key: elasticColumn},
	{expected: "elastic-integrations/test-v8-samples.expected.json", records: "elastic-integrations/test-v8-samples.log", key: elasticColumn},
	{expected: "elastic-integrations/test-tgw-samples.first4.expected.json", records: "elastic-integrations/test-tgw-samples.log", key: elasticColumn},
	{expected: "otel-collector-contrib/valid_vpc_flow_log.expected.json", records: "otel-collector-contrib/valid_vpc_flow_log.log", key: otelColumn},
	{expected: "otel-collector-contrib/valid_vpc_flow_log_ecs.expected.json", records: "otel-collector-contrib/valid_vpc_flow_log_ecs.log", key: otelColumn},
}

// TestCorpusValues checks parsed values against every expectation file that
// describes raw records: the i-th expected object is the i-th record of its file.
func TestCorpusValues(t *testing.T) {
	dir := corpusDir(t)
	byFile := map[string]corpusCase{}
	for _, c := range corpusCases {
		byFile[c.file] = c
	}
	for _, vc := range valueCases {
		t.Run(vc.expected, func(t *testing.T) {
			var want []map[string]any
			readJSON(t, filepath.Join(dir, vc.expected), &want)
			records, _ := readCorpusFile(t, dir, byFile[vc.records])
			ordered := recordsInOrder(records)
			if len(ordered) < len(want) {
				t.Fatalf("%d records, %d expectations", len(ordered), len(want))
			}
			checked := 0
			for i, exp := range want {
				for k, v := range exp {
					col, ok := vc.key(k)
					if !ok {
						continue
					}
					if err := checkValue(ordered[i], col, v); err != nil {
						t.Errorf("record %d (%s): %v", i, k, err)
					}
					checked++
				}
			}
			if checked == 0 {
				t.Fatal("no value compared")
			}
		})
	}
}

func recordsInOrder(m map[int]flowlog.Record) []flowlog.Record {
	lines := make([]int, 0, len(m))
	for l := range m {
		lines = append(lines, l)
	}
	slices.Sort(lines)
	out := make([]flowlog.Record, len(lines))
	for i, l := range lines {
		out[i] = m[l]
	}
	return out
}

// TestCorpusInlineValues checks the expectation files whose records are inline:
// VRL's examples (with their format), flowlogs-reader's CloudWatch records.
func TestCorpusInlineValues(t *testing.T) {
	dir := corpusDir(t)
	var vrl []struct {
		Input    string
		Format   *string
		Expected map[string]any
	}
	readJSON(t, filepath.Join(dir, "vrl/examples-and-unit-cases.expected.json"), &vrl)
	for i, c := range vrl {
		f := mustFormat(t, "default")
		if c.Format != nil {
			var err error
			// VRL writes its formats as bare names with underscores, like a header.
			if f, err = flowlog.ParseHeader(*c.Format); err != nil {
				t.Fatalf("vrl %d: %v", i, err)
			}
		}
		rec, err := f.Parse(c.Input, i+1)
		if err != nil {
			t.Fatalf("vrl %d: %v", i, err)
		}
		for k, v := range c.Expected {
			if err := checkValue(rec, k, v); err != nil {
				t.Errorf("vrl %d: %v", i, err)
			}
		}
	}

	var cwl []struct {
		Record   string
		Expected json.RawMessage
	}
	readJSON(t, filepath.Join(dir, "flowlogs-reader/v2-cwl-records.expected.json"), &cwl)
	for i, c := range cwl {
		rec, err := mustFormat(t, "default").Parse(c.Record, i+1)
		var want map[string]any
		if json.Unmarshal(c.Expected, &want) != nil {
			// The source skips this record and counts it; we reject it with an error.
			if err == nil {
				t.Errorf("cwl %d: %q parsed, but the source skips it", i, c.Record)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cwl %d: %v", i, err)
		}
		if len(want) != 14 {
			t.Errorf("cwl %d: %d expected values, want all 14", i, len(want))
		}
		for k, v := range want {
			if err := checkValue(rec, k, v); err != nil {
				t.Errorf("cwl %d: %v", i, err)
			}
		}
	}
}

// flowlogs-reader reads start/end above 2^31-1 as milliseconds. flowq keeps the
// integer AWS wrote (AWS documents seconds, and a 9-digit start in Elastic's
// corpus shows why guessing units is unsafe); the value is still exact.
func TestCorpusMillisecondTimestamps(t *testing.T) {
	dir := corpusDir(t)
	var want []struct{ Start string }
	readJSON(t, filepath.Join(dir, "flowlogs-reader/millisecond-timestamps-v2.expected.json"), &want)
	records, _ := readCorpusFile(t, dir, corpusCase{file: "flowlogs-reader/millisecond-timestamps-v2.log", format: "default"})
	start, _ := recordsInOrder(records)[0].Get("start")
	ts, _ := time.Parse(time.RFC3339, want[0].Start)
	if start.Int != ts.Unix()*1000 {
		t.Errorf("start = %d, want %d (milliseconds as written)", start.Int, ts.Unix()*1000)
	}
}
