package ddl

// This file is test support: a reader of the DDL flowq writes, with which the
// tests prove every generated statement parses back and says what the other
// outputs say. flowq itself never parses its output; the golden files and
// these tests guard it.

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// Parsed is what a CREATE EXTERNAL TABLE statement says, read back by
// ParseCreateTable: the parts every output target must agree on.
type Parsed struct {
	Database, Name string
	Columns        []Column
	PartitionKeys  []Column
	SerDe          string
	SerDeParams    map[string]string
	InputFormat    string
	OutputFormat   string
	Location       string
	Parameters     map[string]string
}

// types are the column types flowq writes and AWS's DDL uses.
var types = map[string]bool{"string": true, "int": true, "bigint": true, "smallint": true, "date": true}

// token is a word, a quoted string, a backquoted identifier or punctuation.
type token struct {
	text   string
	quoted bool // a '…' string (text is its value)
	ident  bool // a `…` identifier (text is the name)
	line   int
}

func tokenize(sql string) ([]token, error) {
	var toks []token
	line := 1
	for i := 0; i < len(sql); {
		c := sql[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"':
			var b strings.Builder
			j := i + 1
			for ; j < len(sql) && sql[j] != c; j++ {
				if sql[j] == '\\' && j+1 < len(sql) {
					j++
				}
				if sql[j] == '\n' {
					return nil, fmt.Errorf("line %d: string literal runs past the end of the line", line)
				}
				b.WriteByte(sql[j])
			}
			if j == len(sql) {
				return nil, fmt.Errorf("line %d: unterminated string literal", line)
			}
			toks = append(toks, token{text: b.String(), quoted: true, line: line})
			i = j + 1
		case c == '`':
			j := strings.IndexByte(sql[i+1:], '`')
			if j < 0 {
				return nil, fmt.Errorf("line %d: unterminated backquoted identifier", line)
			}
			toks = append(toks, token{text: sql[i+1 : i+1+j], ident: true, line: line})
			i += j + 2
		case strings.ContainsRune("(),=;.", rune(c)):
			toks = append(toks, token{text: string(c), line: line})
			i++
		default:
			j := i
			for j < len(sql) && (sql[j] == '_' || sql[j] == '-' || sql[j] >= 'a' && sql[j] <= 'z' || sql[j] >= 'A' && sql[j] <= 'Z' || sql[j] >= '0' && sql[j] <= '9') {
				j++
			}
			if j == i {
				return nil, fmt.Errorf("line %d: unexpected character %q", line, c)
			}
			toks = append(toks, token{text: sql[i:j], line: line})
			i = j
		}
	}
	return toks, nil
}

// parser walks tokens; errors name the line.
type parser struct {
	toks []token
	pos  int
}

func (p *parser) peek() token {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return token{text: "end of statement", line: -1}
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.peek().line, fmt.Sprintf(format, args...))
}

// keyword consumes the words given, case-insensitively.
func (p *parser) keyword(words ...string) error {
	for _, w := range words {
		t := p.peek()
		if t.quoted || t.ident || !strings.EqualFold(t.text, w) {
			return p.errorf("want %s, found %q", w, t.text)
		}
		p.pos++
	}
	return nil
}

func (p *parser) optional(words ...string) bool {
	save := p.pos
	if p.keyword(words...) != nil {
		p.pos = save
		return false
	}
	return true
}

func (p *parser) punct(s string) error { return p.keyword(s) }

// name reads an identifier: backquoted, or bare if it is a valid Athena name
// and not reserved.
func (p *parser) name() (string, error) {
	t := p.peek()
	switch {
	case t.quoted:
		return "", p.errorf("want a name, found the string '%s'", t.text)
	case t.ident:
		p.pos++
		return t.text, nil
	case reserved.Has(t.text):
		return "", p.errorf("%s is a reserved word: backquote it", t.text)
	case !namePattern.MatchString(t.text):
		return "", p.errorf("name %q: lower-case letters, digits and underscores only", t.text)
	}
	p.pos++
	return t.text, nil
}

func (p *parser) str() (string, error) {
	t := p.peek()
	if !t.quoted {
		return "", p.errorf("want a quoted string, found %q", t.text)
	}
	p.pos++
	return t.text, nil
}

// columns reads "( name type [COMMENT 'c'], … )".
func (p *parser) columns() ([]Column, error) {
	if err := p.punct("("); err != nil {
		return nil, err
	}
	var cols []Column
	for {
		name, err := p.name()
		if err != nil {
			return nil, err
		}
		typ := strings.ToLower(p.peek().text)
		if !types[typ] {
			return nil, p.errorf("column %s: unknown type %q", name, p.peek().text)
		}
		p.pos++
		c := Column{Name: name, Type: typ}
		if p.optional("COMMENT") {
			if c.Comment, err = p.str(); err != nil {
				return nil, err
			}
		}
		cols = append(cols, c)
		if p.peek().text == ")" {
			p.pos++
			return cols, nil
		}
		if err := p.punct(","); err != nil {
			return nil, err
		}
	}
}

// properties reads "( 'k' = 'v', … )", refusing a key given twice.
func (p *parser) properties() (map[string]string, error) {
	if err := p.punct("("); err != nil {
		return nil, err
	}
	props := map[string]string{}
	for {
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if err := p.punct("="); err != nil {
			return nil, err
		}
		v, err := p.str()
		if err != nil {
			return nil, err
		}
		if _, dup := props[k]; dup {
			return nil, p.errorf("property %s given twice", k)
		}
		props[k] = v
		if p.peek().text == ")" {
			p.pos++
			return props, nil
		}
		if err := p.punct(","); err != nil {
			return nil, err
		}
	}
}

// ParseCreateTable reads back a CREATE EXTERNAL TABLE statement of the shape
// flowq and AWS's guide write, checking identifiers, types, quoting and
// properties. ROW FORMAT DELIMITED FIELDS TERMINATED BY ' ' reads as
// LazySimpleSerDe with that delimiter, as Athena reads it.
func ParseCreateTable(sql string) (*Parsed, error) {
	toks, err := tokenize(sql)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	out := &Parsed{SerDeParams: map[string]string{}, Parameters: map[string]string{}}
	if err := p.keyword("CREATE", "EXTERNAL", "TABLE"); err != nil {
		return nil, err
	}
	p.optional("IF", "NOT", "EXISTS")
	if out.Name, err = p.name(); err != nil {
		return nil, err
	}
	if p.peek().text == "." {
		p.pos++
		out.Database = out.Name
		if out.Name, err = p.name(); err != nil {
			return nil, err
		}
	}
	if out.Columns, err = p.columns(); err != nil {
		return nil, err
	}
	if p.optional("PARTITIONED", "BY") {
		if out.PartitionKeys, err = p.columns(); err != nil {
			return nil, err
		}
	}
	if err := p.keyword("ROW", "FORMAT"); err != nil {
		return nil, err
	}
	switch {
	case p.optional("DELIMITED"):
		if err := p.keyword("FIELDS", "TERMINATED", "BY"); err != nil {
			return nil, err
		}
		delim, err := p.str()
		if err != nil {
			return nil, err
		}
		out.SerDe = lazySimpleSerDe
		out.SerDeParams = map[string]string{"field.delim": delim, "serialization.format": delim}
		out.InputFormat, out.OutputFormat = textInputFormat, textOutputFormat
	case p.optional("SERDE"):
		if out.SerDe, err = p.str(); err != nil {
			return nil, err
		}
		if p.optional("WITH", "SERDEPROPERTIES") {
			if out.SerDeParams, err = p.properties(); err != nil {
				return nil, err
			}
		}
		if p.optional("STORED", "AS", "INPUTFORMAT") {
			if out.InputFormat, err = p.str(); err != nil {
				return nil, err
			}
			if err := p.keyword("OUTPUTFORMAT"); err != nil {
				return nil, err
			}
			if out.OutputFormat, err = p.str(); err != nil {
				return nil, err
			}
		}
	default:
		return nil, p.errorf("want DELIMITED or SERDE after ROW FORMAT")
	}
	if err := p.keyword("LOCATION"); err != nil {
		return nil, err
	}
	if out.Location, err = p.str(); err != nil {
		return nil, err
	}
	if p.optional("TBLPROPERTIES") {
		if out.Parameters, err = p.properties(); err != nil {
			return nil, err
		}
	}
	p.optional(";")
	if p.pos != len(p.toks) {
		return nil, p.errorf("unexpected %q after the statement", p.peek().text)
	}
	seen := map[string]bool{}
	for _, c := range append(slices.Clone(out.Columns), out.PartitionKeys...) {
		if seen[c.Name] {
			return nil, fmt.Errorf("column %s appears twice (a partition column cannot reuse a data column's name)", c.Name)
		}
		seen[c.Name] = true
	}
	return out, nil
}

// Partition is one partition of an ALTER TABLE ADD PARTITION.
type Partition struct {
	Values   []string // "column=value"
	Location string
}

// ParseAddPartitions reads back an ALTER TABLE … ADD [IF NOT EXISTS]
// PARTITION (…) LOCATION '…' … statement.
func ParseAddPartitions(sql string) (table string, parts []Partition, err error) {
	toks, err := tokenize(sql)
	if err != nil {
		return "", nil, err
	}
	p := &parser{toks: toks}
	if err := p.keyword("ALTER", "TABLE"); err != nil {
		return "", nil, err
	}
	if table, err = p.name(); err != nil {
		return "", nil, err
	}
	if p.peek().text == "." {
		p.pos++
		name, err := p.name()
		if err != nil {
			return "", nil, err
		}
		table += "." + name
	}
	if err := p.keyword("ADD"); err != nil {
		return "", nil, err
	}
	p.optional("IF", "NOT", "EXISTS")
	for p.optional("PARTITION") {
		if err := p.punct("("); err != nil {
			return "", nil, err
		}
		var part Partition
		for {
			col, err := p.name()
			if err != nil {
				return "", nil, err
			}
			if err := p.punct("="); err != nil {
				return "", nil, err
			}
			v, err := p.str()
			if err != nil {
				return "", nil, err
			}
			part.Values = append(part.Values, col+"="+v)
			if p.peek().text == ")" {
				p.pos++
				break
			}
			if err := p.punct(","); err != nil {
				return "", nil, err
			}
		}
		if p.optional("LOCATION") {
			if part.Location, err = p.str(); err != nil {
				return "", nil, err
			}
		}
		parts = append(parts, part)
	}
	p.optional(";")
	if p.pos != len(p.toks) || len(parts) == 0 {
		return "", nil, p.errorf("want PARTITION (…) LOCATION '…', found %q", p.peek().text)
	}
	return table, parts, nil
}

// TestEveryTableParsesBack takes the place of the self-check flowq ddl once ran
// on its own output: for every format preset, file format and layout, with and
// without projection and injection, the DDL parses back to the table's own
// name, columns, partition keys and location.
func TestEveryTableParsesBack(t *testing.T) {
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	n := 0
	for _, preset := range flowlog.PresetNames() {
		format, _ := flowlog.Preset(preset)
		for _, ff := range []partitions.FileFormat{partitions.Text, partitions.Parquet} {
			for _, layout := range partitions.Layouts() {
				for _, mode := range []struct{ projection, injected bool }{{true, false}, {true, true}, {false, false}} {
					tbl := &Table{Database: "vpc_logs", Name: "flows", Format: format, FileFormat: ff, Layout: layout,
						Location: "s3://b/p/", Accounts: []string{"111122223333"}, Regions: []string{"us-east-1", "eu-west-1"},
						Since: since, Projection: mode.projection, Injected: mode.injected}
					if err := tbl.Validate(); err != nil {
						t.Errorf("%s %v %v %+v: %v", preset, ff, layout, mode, err)
						continue
					}
					n++
					got, err := ParseCreateTable(tbl.AthenaDDL())
					if err != nil {
						t.Errorf("%s %v %v %+v: the DDL does not parse back: %v\n%s", preset, ff, layout, mode, err, tbl.AthenaDDL())
						continue
					}
					if got.Database != "vpc_logs" || got.Name != "flows" || got.Location != tbl.TableLocation() ||
						!reflect.DeepEqual(got.Columns, tbl.Columns()) || !reflect.DeepEqual(got.PartitionKeys, tbl.PartitionKeys()) {
						t.Errorf("%s %v %v %+v: parsed back as %+v", preset, ff, layout, mode, got)
					}
				}
			}
		}
	}
	if want := len(flowlog.PresetNames()) * 2 * len(partitions.Layouts()) * 3; n != want {
		t.Errorf("%d tables checked, want %d", n, want)
	}
}
