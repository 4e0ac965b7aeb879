package ddl

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/internal/golden"
	"github.com/flowq/flowq/partitions"
)

// spec is a golden case's input, testdata/<case>/table.json.
type spec struct {
	Database   string   `json:"database"`
	Table      string   `json:"table"`
	Format     string   `json:"format"`
	Location   string   `json:"location"`
	FileFormat string   `json:"file_format"`
	Layout     string   `json:"layout"`
	PerHour    bool     `json:"per_hour"`
	Accounts   []string `json:"accounts"`
	Regions    []string `json:"regions"`
	Since      string   `json:"since"`
	Projection *bool    `json:"projection"`
	Injected   bool     `json:"injected"`
	Partitions *struct {
		From string `json:"from"`
		To   string `json:"to"`
	} `json:"partitions"`
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if v, err := time.Parse(layout, s); err == nil {
			return v
		}
	}
	t.Fatalf("time %q", s)
	return time.Time{}
}

func loadCase(t *testing.T, dir string) (*Table, *spec) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "table.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s spec
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("%s: %v", dir, err)
	}
	format, err := flowlog.ParseFormat(s.Format)
	if err != nil {
		t.Fatal(err)
	}
	ff, err := partitions.ParseFileFormat(s.FileFormat)
	if err != nil {
		t.Fatal(err)
	}
	layout, err := partitions.ParseLayout(s.Layout, s.PerHour)
	if err != nil {
		t.Fatal(err)
	}
	tbl := &Table{Database: s.Database, Name: s.Table, Format: format, FileFormat: ff, Layout: layout, Location: s.Location,
		Accounts: s.Accounts, Regions: s.Regions, Projection: s.Projection == nil || *s.Projection, Injected: s.Injected}
	if s.Since != "" {
		tbl.Since = parseTime(t, s.Since)
	}
	return tbl, &s
}

func cases(t *testing.T) []string {
	dirs, err := filepath.Glob("testdata/*/table.json")
	if err != nil || len(dirs) == 0 {
		t.Fatal("no cases", err)
	}
	for i := range dirs {
		dirs[i] = filepath.Dir(dirs[i])
	}
	return dirs
}

// TestGolden writes each case's four outputs (and partition statements, or the
// error) and compares them with the files beside its table.json. Regenerate with:
// go test ./ddl -run Golden -update
func TestGolden(t *testing.T) {
	for _, dir := range cases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			tbl, s := loadCase(t, dir)
			if err := tbl.Validate(); err != nil {
				golden.Compare(t, filepath.Join(dir, "stderr.txt"), err.Error()+"\n")
				return
			}
			glue, err := tbl.GlueJSON()
			if err != nil {
				t.Fatal(err)
			}
			golden.Compare(t, filepath.Join(dir, "table.sql"), tbl.AthenaDDL())
			golden.Compare(t, filepath.Join(dir, "glue.json"), string(glue))
			golden.Compare(t, filepath.Join(dir, "cfn.yaml"), tbl.CloudFormation())
			golden.Compare(t, filepath.Join(dir, "main.tf"), tbl.Terraform())
			if s.Partitions != nil {
				stmts, err := tbl.AddPartitions(parseTime(t, s.Partitions.From), parseTime(t, s.Partitions.To))
				if err != nil {
					t.Fatal(err)
				}
				for _, st := range stmts {
					if _, _, err := ParseAddPartitions(st); err != nil {
						t.Errorf("generated ALTER TABLE does not parse back: %v\n%s", err, st)
					}
				}
				out := strings.Join(stmts, "\n")
				if tbl.Layout.Hive {
					out += "\n" + MSCKNote
				}
				golden.Compare(t, filepath.Join(dir, "partitions.sql"), out)
			}
		})
	}
}

// TestOutputsAgree reads each output back and checks that all four describe
// the same table: columns, types, partition keys, SerDe, formats, location and
// parameters.
func TestOutputsAgree(t *testing.T) {
	for _, dir := range cases(t) {
		tbl, _ := loadCase(t, dir)
		if tbl.Validate() != nil {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			fromDDL, err := ParseCreateTable(tbl.AthenaDDL())
			if err != nil {
				t.Fatalf("the DDL does not parse back: %v", err)
			}
			fromDDL.Parameters["EXTERNAL"] = "TRUE" // CREATE EXTERNAL TABLE says it
			raw, _ := tbl.GlueJSON()
			var ti gluetypes.TableInput
			if err := json.Unmarshal(raw, &ti); err != nil {
				t.Fatal(err)
			}
			fromGlue := fromTableInput(tbl.Database, &ti)
			fromCFN := fromTree(t, readYAML(t, tbl.CloudFormation()), "cloudformation")
			fromTF := fromTree(t, readHCL(t, tbl.Terraform()), "terraform")
			for name, got := range map[string]*Parsed{"glue": fromGlue, "cloudformation": fromCFN, "terraform": fromTF} {
				if !reflect.DeepEqual(got, fromDDL) {
					t.Errorf("%s differs from the DDL:\n%+v\n%+v", name, got, fromDDL)
				}
			}
			if len(fromDDL.Columns) != tbl.Format.Len() || len(fromDDL.PartitionKeys) != len(tbl.Layout.Columns()) {
				t.Errorf("%d columns, %d partition keys", len(fromDDL.Columns), len(fromDDL.PartitionKeys))
			}
		})
	}
}

func fromTableInput(db string, ti *gluetypes.TableInput) *Parsed {
	cols := func(in []gluetypes.Column) []Column {
		var out []Column
		for _, c := range in {
			out = append(out, Column{Name: *c.Name, Type: *c.Type, Comment: *c.Comment})
		}
		return out
	}
	sd := ti.StorageDescriptor
	return &Parsed{Database: db, Name: *ti.Name, Columns: cols(sd.Columns), PartitionKeys: cols(ti.PartitionKeys),
		SerDe: *sd.SerdeInfo.SerializationLibrary, SerDeParams: sd.SerdeInfo.Parameters, InputFormat: *sd.InputFormat,
		OutputFormat: *sd.OutputFormat, Location: *sd.Location, Parameters: ti.Parameters}
}

// node is a parsed YAML or HCL value: a string, a map or a list of nodes.
type node = any

// readYAML reads the YAML subset CloudFormation() writes: maps by indentation,
// "- " list items of maps, double-quoted or plain scalars.
func readYAML(t *testing.T, text string) map[string]node {
	t.Helper()
	type frame struct {
		indent int
		m      map[string]node
	}
	root := map[string]node{}
	stack := []frame{{-1, root}}
	var pendingKey string
	var pendingParent map[string]node
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if trimmed == "" {
			continue
		}
		item := strings.HasPrefix(trimmed, "- ")
		if item {
			trimmed = trimmed[2:]
			indent += 2
		}
		// A list item's map is a frame one column left of its keys, so that
		// its following keys stay in it and the next item closes it.
		depth := indent
		if item {
			depth = indent - 1
		}
		for len(stack) > 1 && stack[len(stack)-1].indent >= depth {
			stack = stack[:len(stack)-1]
		}
		parent := stack[len(stack)-1].m
		if item {
			m := map[string]node{}
			list, _ := pendingParent[pendingKey].([]node)
			pendingParent[pendingKey] = append(list, m)
			parent = m
			stack = append(stack, frame{indent - 1, m})
		}
		k, v, ok := strings.Cut(trimmed, ": ")
		if !ok {
			k = strings.TrimSuffix(trimmed, ":")
			child := map[string]node{}
			parent[unquote(t, k)] = child
			stack = append(stack, frame{indent, child})
			pendingKey, pendingParent = unquote(t, k), parent
			continue
		}
		parent[unquote(t, k)] = unquote(t, v)
	}
	return root
}

func unquote(t *testing.T, s string) string {
	if strings.HasPrefix(s, `"`) {
		v, err := strconv.Unquote(s)
		if err != nil {
			t.Fatalf("unquote %s: %v", s, err)
		}
		return v
	}
	return s
}

// readHCL reads the HCL subset Terraform() writes: blocks (repeated blocks
// become lists), "k = {" maps and "k = "v"" attributes.
func readHCL(t *testing.T, text string) map[string]node {
	t.Helper()
	root := map[string]node{}
	stack := []map[string]node{root}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		cur := stack[len(stack)-1]
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case line == "}":
			stack = stack[:len(stack)-1]
		case strings.HasSuffix(line, "{"):
			head := strings.TrimSpace(strings.TrimSuffix(line, "{"))
			head = strings.TrimSpace(strings.TrimSuffix(head, "="))
			child := map[string]node{}
			if list, ok := cur[head].([]node); ok {
				cur[head] = append(list, child)
			} else if prev, ok := cur[head].(map[string]node); ok {
				cur[head] = []node{prev, child}
			} else {
				cur[head] = child
			}
			stack = append(stack, child)
		default:
			k, v, _ := strings.Cut(line, " = ")
			v = strings.TrimSpace(v)
			if strings.HasPrefix(v, `"`) {
				v = strings.NewReplacer("$${", "${", "%%{", "%{").Replace(unquote(t, v))
			}
			cur[unquote(t, strings.TrimSpace(k))] = v
		}
	}
	return root
}

// fromTree maps a parsed template onto Parsed.
func fromTree(t *testing.T, root map[string]node, kind string) *Parsed {
	t.Helper()
	m := func(n node) map[string]node { v, _ := n.(map[string]node); return v }
	strs := func(n node) map[string]string {
		out := map[string]string{}
		for k, v := range m(n) {
			out[k] = v.(string)
		}
		return out
	}
	list := func(n node) []node {
		if l, ok := n.([]node); ok {
			return l
		}
		if n == nil {
			return nil
		}
		return []node{n}
	}
	cols := func(n node, name, typ, comment string) []Column {
		var out []Column
		for _, c := range list(n) {
			out = append(out, Column{Name: m(c)[name].(string), Type: m(c)[typ].(string), Comment: m(c)[comment].(string)})
		}
		return out
	}
	if kind == "cloudformation" {
		res := m(root["Resources"])
		db := m(m(m(res["FlowLogsDatabase"])["Properties"])["DatabaseInput"])["Name"].(string)
		ti := m(m(m(res["FlowLogsTable"])["Properties"])["TableInput"])
		sd := m(ti["StorageDescriptor"])
		return &Parsed{Database: db, Name: ti["Name"].(string), Columns: cols(sd["Columns"], "Name", "Type", "Comment"),
			PartitionKeys: cols(ti["PartitionKeys"], "Name", "Type", "Comment"), SerDe: m(sd["SerdeInfo"])["SerializationLibrary"].(string),
			SerDeParams: strs(m(sd["SerdeInfo"])["Parameters"]), InputFormat: sd["InputFormat"].(string), OutputFormat: sd["OutputFormat"].(string),
			Location: sd["Location"].(string), Parameters: strs(ti["Parameters"])}
	}
	db := m(root[`resource "aws_glue_catalog_database" "flow_logs"`])["name"].(string)
	tt := m(root[`resource "aws_glue_catalog_table" "flow_logs"`])
	sd := m(tt["storage_descriptor"])
	return &Parsed{Database: db, Name: tt["name"].(string), Columns: cols(sd["columns"], "name", "type", "comment"),
		PartitionKeys: cols(tt["partition_keys"], "name", "type", "comment"), SerDe: m(sd["ser_de_info"])["serialization_library"].(string),
		SerDeParams: strs(m(sd["ser_de_info"])["parameters"]), InputFormat: sd["input_format"].(string), OutputFormat: sd["output_format"].(string),
		Location: sd["location"].(string), Parameters: strs(tt["parameters"])}
}

// TestAddPartitionsParse: every statement parses back, batches stay within
// PartitionBatch, and the partitions are exactly accounts × regions × folders.
func TestAddPartitionsParse(t *testing.T) {
	tbl, s := loadCase(t, "testdata/no-projection-add-partition")
	stmts, err := tbl.AddPartitions(parseTime(t, s.Partitions.From), parseTime(t, s.Partitions.To))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, st := range stmts {
		table, parts, err := ParseAddPartitions(st)
		if err != nil {
			t.Fatalf("%v\n%s", err, st)
		}
		if table != "vpc_logs.flow_logs" || len(parts) > PartitionBatch {
			t.Errorf("table %s, %d partitions", table, len(parts))
		}
		for _, p := range parts {
			key := strings.Join(p.Values, ",")
			if seen[key] {
				t.Errorf("partition %s twice", key)
			}
			seen[key] = true
			o, err := partitions.ParseKey(strings.TrimPrefix(p.Location, "s3://b/p/") + "111122223333_vpcflowlogs_us-east-1_fl-1_20260101T0000Z_a.log.gz")
			if err == nil && o.Region == "us-east-1" && !slices.Contains(p.Values, "day="+o.Time.Format("2006/01/02")) {
				t.Errorf("location %s does not hold partition %v", p.Location, p.Values)
			}
		}
	}
	if want := 1 * 2 * 59; len(seen) != want { // Jan and Feb 2026: 59 days
		t.Errorf("%d partitions, want %d", len(seen), want)
	}
}

func TestCheckerRefuses(t *testing.T) {
	for sql, want := range map[string]string{
		"CREATE EXTERNAL TABLE t (end bigint) ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' LOCATION 's3://b/'":                             "line 1: end is a reserved word: backquote it",
		"CREATE EXTERNAL TABLE t (a float) ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' LOCATION 's3://b/'":                                `line 1: column a: unknown type "float"`,
		"CREATE EXTERNAL TABLE T (a int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' LOCATION 's3://b/'":                                  `line 1: name "T": lower-case letters, digits and underscores only`,
		"CREATE EXTERNAL TABLE t (a int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' LOCATION 's3://b/":                                   "line 1: unterminated string literal",
		"CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (a string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' LOCATION 's3://b/'":        "column a appears twice (a partition column cannot reuse a data column's name)",
		"CREATE EXTERNAL TABLE t (a int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' LOCATION 's3://b/' TBLPROPERTIES ('x'='1', 'x'='2')": "line 1: property x given twice",
	} {
		if _, err := ParseCreateTable(sql); err == nil || err.Error() != want {
			t.Errorf("%s\n  error %v\n  want  %s", sql, err, want)
		}
	}
}

func TestNameRules(t *testing.T) {
	tbl, _ := loadCase(t, "testdata/default-v2-text-daily")
	tbl.Name = strings.Repeat("a", 256)
	if err := tbl.Validate(); err == nil || err.Error() != `table name "`+tbl.Name+`" is 256 characters; Glue allows 255` {
		t.Errorf("long name: %v", err)
	}
	tbl.Name = strings.Repeat("a", 255)
	if err := tbl.Validate(); err != nil {
		t.Errorf("255 characters: %v", err)
	}
}
