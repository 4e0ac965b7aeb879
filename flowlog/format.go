package flowlog

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Format is an ordered list of fields: the layout of every record of one flow log.
type Format struct {
	fields []*Field
}

// NewFormat builds a format from field names (format-string or column names).
// It rejects an empty list, unknown names (with a suggestion) and duplicates.
func NewFormat(names ...string) (Format, error) {
	if len(names) == 0 {
		return Format{}, errors.New("empty format: a format needs at least one field")
	}
	fields := make([]*Field, 0, len(names))
	for i, n := range names {
		if n == "" {
			return Format{}, fmt.Errorf("empty field name at position %d", i+1)
		}
		f, err := LookupField(n)
		if err != nil {
			return Format{}, err
		}
		if slices.Contains(fields, f) {
			return Format{}, fmt.Errorf("duplicate field %s at position %d", f.Name, i+1)
		}
		fields = append(fields, f)
	}
	return Format{fields: fields}, nil
}

// ParseFormat parses an AWS LogFormat string: "${version} ${srcaddr} …", fields
// separated by white space. A preset name ("default", "v5", "tgw", …) is accepted
// too, so every flag that takes a format takes either.
func ParseFormat(s string) (Format, error) {
	s = strings.TrimSpace(s)
	if p, ok := Preset(s); ok {
		return p, nil
	}
	tokens := strings.Fields(s)
	if len(tokens) == 0 {
		return Format{}, errors.New("empty format: a format needs at least one field")
	}
	names := make([]string, len(tokens))
	for i, t := range tokens {
		name, ok := strings.CutPrefix(t, "${")
		if ok {
			name, ok = strings.CutSuffix(name, "}")
		}
		if !ok || name == "" || strings.ContainsAny(name, "${}") {
			return Format{}, fmt.Errorf("format token %d %q: want ${field-name}", i+1, t)
		}
		names[i] = name
	}
	return NewFormat(names...)
}

// ParseHeader parses the header line of a text log file ("version account-id …").
// Column names (underscores) are accepted. A name the catalog does not know but
// that looks like a field name is kept as an Unlisted string field: AWS adds
// fields over time, and a file header is AWS's word, not a typo.
func ParseHeader(line string) (Format, error) {
	tokens := strings.Split(strings.TrimRight(line, "\r\n"), " ")
	fields := make([]*Field, 0, len(tokens))
	for i, t := range tokens {
		if t == "" {
			return Format{}, fmt.Errorf("header: empty field name at position %d (two spaces in a row?)", i+1)
		}
		f, ok := Lookup(t)
		if !ok {
			if !isFieldName(t) {
				return Format{}, fmt.Errorf("header: %q at position %d is not a field name", t, i+1)
			}
			f = &Field{Name: strings.ReplaceAll(t, "_", "-"), Status: Unlisted,
				Description: "Not in flowq's catalog; read as a string."}
		}
		for _, g := range fields {
			if g.Name == f.Name {
				return Format{}, fmt.Errorf("header: duplicate field %s at position %d", f.Name, i+1)
			}
		}
		fields = append(fields, f)
	}
	return Format{fields: fields}, nil
}

// IsHeader reports whether a line of a text log file is a header line rather than
// a record: every token has the shape of a field name and most are known fields.
func IsHeader(line string) bool { return isHeader([]byte(line)) }

func isHeader(line []byte) bool {
	// Every line of a file is asked, and records nearly always start with a
	// digit or '-': a field name starts with a lower-case letter.
	if len(line) == 0 || line[0] < 'a' || line[0] > 'z' {
		return false
	}
	known, tokens := 0, 0
	for t := range bytes.FieldsSeq(line) {
		if !isFieldName(t) {
			return false
		}
		tokens++
		if _, ok := byName[string(t)]; ok {
			known++
		}
	}
	return 2*known > tokens
}

// isFieldName reports whether s has the shape of a field name: lower-case
// letters, digits, hyphens or underscores, starting with a letter.
func isFieldName[T string | []byte](s T) bool {
	if len(s) == 0 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Fields returns the format's fields in order. The slice must not be modified.
func (f Format) Fields() []*Field { return f.fields }

// Len is the number of fields.
func (f Format) Len() int { return len(f.fields) }

// Index returns the position of a field (by either name form), or -1.
func (f Format) Index(name string) int {
	name = strings.ReplaceAll(name, "_", "-")
	for i, fd := range f.fields {
		if fd.Name == name {
			return i
		}
	}
	return -1
}

// Has reports whether the format contains the field.
func (f Format) Has(name string) bool { return f.Index(name) >= 0 }

// Version is the highest version among the format's fields, as AWS writes in
// the version field. Unlisted fields do not count.
func (f Format) Version() int {
	v := 0
	for _, fd := range f.fields {
		if fd.Status != Unlisted {
			v = max(v, fd.Version)
		}
	}
	return v
}

// String is the AWS LogFormat string: "${version} ${account-id} …".
func (f Format) String() string {
	var b strings.Builder
	for i, fd := range f.fields {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("${" + fd.Name + "}")
	}
	return b.String()
}

// Header is the header line AWS writes at the top of a text log file.
func (f Format) Header() string {
	names := make([]string, len(f.fields))
	for i, fd := range f.fields {
		names[i] = fd.Name
	}
	return strings.Join(names, " ")
}

// Equal reports whether two formats have the same fields in the same order.
func (f Format) Equal(g Format) bool {
	return f.Header() == g.Header()
}

// Missing returns the names of the given fields that the format lacks.
func (f Format) Missing(names ...string) []string {
	var out []string
	for _, n := range names {
		if !f.Has(n) {
			out = append(out, n)
		}
	}
	return out
}
