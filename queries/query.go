package queries

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/flowq/flowq/flowlog"
)

// Query is one published version of a library query: its metadata and its SQL
// template. See the package documentation for the file format.
type Query struct {
	Name        string
	Version     int
	Title       string
	Description string
	Tags        []string
	Fields      []string // flow-log field names the SQL reads
	// Optional are fields the SQL reads when the table has them, and does
	// without otherwise ({{if has "flow-direction"}}…{{end}}): one query that
	// answers less precisely from fewer fields, not two near-copies.
	Optional []string
	Params   []Param
	Source   string // the whole file, as published
	SQL      string // the template after the header
	tmpl     *template.Template
}

// Ref is name@version.
func (q *Query) Ref() string { return q.Name + "@" + strconv.Itoa(q.Version) }

// SourceSHA256 is the hash of the published file; the lock file records it.
func (q *Query) SourceSHA256() string { return sha256Hex(q.Source) }

// Param returns the named parameter, or nil.
func (q *Query) Param(name string) *Param {
	for i := range q.Params {
		if q.Params[i].Name == name {
			return &q.Params[i]
		}
	}
	return nil
}

// MinVersion is the lowest flow-log version whose format can have every
// field the query reads: 2 for the default format's fields, 6 for a Transit
// Gateway field. TGW says whether it reads a field only Transit Gateway flow
// logs have (and so runs over them alone).
func (q *Query) MinVersion() (version int, tgw bool) {
	version = 2
	for _, name := range q.Fields {
		fd, _ := flowlog.Lookup(name)
		version = max(version, fd.Version)
		tgw = tgw || fd.TGWOnly
	}
	return version, tgw
}

// FormatName names the formats a query runs over, for lists: v2, v5, v8,
// or tgw.
func (q *Query) FormatName() string {
	v, tgw := q.MinVersion()
	if tgw {
		return "tgw"
	}
	return "v" + strconv.Itoa(v)
}

// Missing are the query's fields a format lacks, each with the version that
// added it ("tcp-flags (v3)").
func (q *Query) Missing(f flowlog.Format) []string {
	var missing []string
	for _, name := range q.Fields {
		if !f.Has(name) {
			fd, _ := flowlog.Lookup(name)
			missing = append(missing, fmt.Sprintf("%s (v%d)", name, fd.Version))
		}
	}
	return missing
}

// CheckFields reports the query's fields that a data format lacks, naming the
// version that added each, so the user knows which format the flow log needs.
func (q *Query) CheckFields(formats []flowlog.Format) error {
	for _, f := range formats {
		if missing := q.Missing(f); len(missing) > 0 {
			return fmt.Errorf("%s needs field(s) %s, which the data's format lacks (%s); create the flow log with a format that includes them",
				q.Ref(), strings.Join(missing, ", "), f)
		}
	}
	return nil
}

var (
	namePattern  = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	paramPattern = regexp.MustCompile(`^([a-z][a-z0-9_]*)\s+([a-z]+)(?:\(([^)]*)\))?\s*(?:=\s*(\S+))?\s*;\s*(.+)$`)
)

// ParseRef splits "name" or "name@version"; version 0 means the latest.
func ParseRef(s string) (name string, version int, err error) {
	name, v, pinned := strings.Cut(s, "@")
	if !namePattern.MatchString(name) {
		return "", 0, fmt.Errorf("query %q: a name is lower-case words joined by hyphens", s)
	}
	if !pinned {
		return name, 0, nil
	}
	version, err = strconv.Atoi(v)
	if err != nil || version < 1 {
		return "", 0, fmt.Errorf("query %q: the version after @ is a whole number from 1", s)
	}
	return name, version, nil
}

// parseQuery reads a query file: a header of "-- key: value" comment lines, then
// the SQL. An indented comment line ("--   more") continues the description.
func parseQuery(file, src string) (*Query, error) {
	q := &Query{Source: src}
	lines := strings.SplitAfter(src, "\n")
	var key string
	seen := map[string]bool{}
	body := len(lines)
	for i, line := range lines {
		text, isComment := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "--")
		if !isComment {
			body = i
			break
		}
		continued := strings.HasPrefix(text, "   ")
		text = strings.TrimSpace(text)
		if continued {
			if key != "description" {
				return nil, fmt.Errorf("%s:%d: only a description continues on indented lines", file, i+1)
			}
		} else {
			k, v, ok := strings.Cut(text, ":")
			if !ok || k == "" || strings.Contains(k, " ") {
				return nil, fmt.Errorf("%s:%d: want \"-- key: value\" in the header", file, i+1)
			}
			key, text = k, strings.TrimSpace(v)
			if seen[key] && key != "param" {
				return nil, fmt.Errorf("%s:%d: %s given twice", file, i+1, key)
			}
			seen[key] = true
		}
		if err := q.set(key, text, !continued); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, i+1, err)
		}
	}
	q.SQL = strings.TrimSpace(strings.Join(lines[body:], ""))
	for _, k := range []string{"name", "version", "title", "description", "tags", "fields"} {
		if !seen[k] {
			return nil, fmt.Errorf("%s: header has no %s", file, k)
		}
	}
	if q.SQL == "" {
		return nil, fmt.Errorf("%s: no SQL after the header", file)
	}
	if err := q.checkLimit(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	t, err := template.New(q.Ref()).Option("missingkey=error").Funcs(renderFuncs(nil)).Parse(q.SQL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	q.tmpl = t
	return q, nil
}

// limitClause is how a query uses its limit parameter: once, at the very end.
var limitClause = `LIMIT {{param "` + LimitParam + `"}}`

// checkLimit holds a query with a limit parameter to the convention: the
// parameter caps the rows of the whole result, so the SQL ends with
// limitClause and uses the parameter nowhere else. Only then does one row
// more than the limit prove that the limit cut the result.
func (q *Query) checkLimit() error {
	if q.Param(LimitParam) == nil {
		return nil
	}
	if !strings.HasSuffix(q.SQL, limitClause) || strings.Count(q.SQL, `"`+LimitParam+`"`) != 1 {
		return fmt.Errorf("param %s: the SQL must end with %s and use it nowhere else", LimitParam, limitClause)
	}
	return nil
}

// set applies one header line; first is false for a continuation line.
func (q *Query) set(key, v string, first bool) error {
	switch key {
	case "name":
		if !namePattern.MatchString(v) {
			return fmt.Errorf("name %q: lower-case words joined by hyphens", v)
		}
		q.Name = v
	case "version":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("version %q: a whole number from 1", v)
		}
		q.Version = n
	case "title":
		q.Title = v
	case "description":
		if !first {
			v = q.Description + " " + v
		}
		q.Description = strings.TrimSpace(v)
	case "tags":
		q.Tags = splitList(v)
	case "fields", "optional":
		for _, name := range splitList(v) {
			fd, err := flowlog.LookupField(name)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			if slices.Contains(q.Fields, fd.Name) || slices.Contains(q.Optional, fd.Name) {
				return fmt.Errorf("%s: %s is listed twice", key, fd.Name)
			}
			if key == "optional" {
				q.Optional = append(q.Optional, fd.Name)
			} else {
				q.Fields = append(q.Fields, fd.Name)
			}
		}
	case "param":
		p, err := parseParam(v)
		if err != nil {
			return err
		}
		if q.Param(p.Name) != nil {
			return fmt.Errorf("param %s declared twice", p.Name)
		}
		q.Params = append(q.Params, p)
	default:
		return fmt.Errorf("unknown header key %q", key)
	}
	return nil
}

// parseParam reads "NAME TYPE[(a,b)] [= DEFAULT]; DESCRIPTION"; an int's
// parentheses hold its range, int(0..23).
func parseParam(s string) (Param, error) {
	m := paramPattern.FindStringSubmatch(s)
	if m == nil {
		return Param{}, fmt.Errorf("param %q: want \"name type [= default]; description\"", s)
	}
	p := Param{Name: m[1], Type: Type(m[2]), Default: m[4], Description: m[5]}
	if !slices.Contains(types, p.Type) {
		return Param{}, fmt.Errorf("param %s: unknown type %q", p.Name, p.Type)
	}
	switch {
	case p.Type == Int && m[3] != "":
		lo, hi, ok := strings.Cut(m[3], "..")
		a, aerr := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		b, berr := strconv.ParseInt(strings.TrimSpace(hi), 10, 64)
		if !ok || aerr != nil || berr != nil || a > b {
			return Param{}, fmt.Errorf("param %s: an int's range is int(LOW..HIGH)", p.Name)
		}
		p.Range = &[2]int64{a, b}
	case (m[3] != "") != (p.Type == Enum):
		return Param{}, fmt.Errorf("param %s: only an enum lists values (and an int its range), and an enum must", p.Name)
	case p.Type == Enum:
		p.Values = splitList(m[3])
	}
	if p.Name == LimitParam && p.Type != Int {
		return Param{}, fmt.Errorf("param %s: the %s parameter caps the rows, so it is an int", p.Name, LimitParam)
	}
	if p.Default != "" {
		if _, err := p.Parse(p.Default); err != nil {
			return Param{}, fmt.Errorf("default: %w", err)
		}
	}
	return p, nil
}

func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
