package flowlog

import (
	"fmt"
	"strconv"
	"strings"
)

// Value is one parsed field value. A '-' in the record is Null: never 0 and
// never the string "-".
type Value struct {
	Null bool
	Int  int64  // for Int32 and Int64 fields
	Str  string // for String fields
}

// String renders the value as it appears in a text record.
func (v Value) String() string {
	switch {
	case v.Null:
		return "-"
	case v.Str != "":
		return v.Str
	}
	return strconv.FormatInt(v.Int, 10)
}

// Record is one parsed flow-log record.
type Record struct {
	Format Format
	Values []Value
}

// Get returns the value of a field by name, and whether the format has it.
func (r Record) Get(name string) (Value, bool) {
	i := r.Format.Index(name)
	if i < 0 {
		return Value{}, false
	}
	return r.Values[i], true
}

// LineError describes a record that could not be parsed. Line is 1-based and 0
// when the caller did not give one. A line with the wrong number of fields has
// Msg set; otherwise Fields lists every field whose value is wrong.
type LineError struct {
	Line   int
	Msg    string
	Fields []FieldError
}

// FieldError is one bad value in a record.
type FieldError struct {
	Field string
	Value string
	Msg   string
}

func (e FieldError) Error() string { return fmt.Sprintf("field %s: %q: %s", e.Field, e.Value, e.Msg) }

func (e *LineError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Msg)
	for i, f := range e.Fields {
		if i > 0 || e.Msg != "" {
			b.WriteString("; ")
		}
		b.WriteString(f.Error())
	}
	return b.String()
}

// Parse parses one record line under the format. Fields are separated by single
// spaces, as AWS writes them; lineNo is used only in errors.
func (f Format) Parse(line string, lineNo int) (Record, error) {
	values := make([]Value, len(f.fields))
	err := f.parseInto(values, strings.TrimSuffix(line, "\r"), lineNo)
	return Record{Format: f, Values: values}, err
}

func (f Format) parseInto(values []Value, line string, lineNo int) error {
	n := strings.Count(line, " ") + 1
	if n != len(f.fields) {
		msg := fmt.Sprintf("expected %d fields, found %d", len(f.fields), n)
		if i := strings.Index(line, "  "); i >= 0 {
			msg += fmt.Sprintf(" (two spaces in a row at column %d)", i+1)
		}
		return &LineError{Line: lineNo, Msg: msg}
	}
	var bad []FieldError
	for i, fd := range f.fields {
		tok := line
		if j := strings.IndexByte(line, ' '); j >= 0 {
			tok, line = line[:j], line[j+1:]
		}
		v, err := parseValue(fd, tok)
		if err != nil {
			bad = append(bad, FieldError{Field: fd.Name, Value: tok, Msg: err.Error()})
			continue
		}
		values[i] = v
	}
	if bad != nil {
		return &LineError{Line: lineNo, Fields: bad}
	}
	return nil
}

func parseValue(fd *Field, tok string) (Value, error) {
	switch tok {
	case "-":
		return Value{Null: true}, nil
	case "":
		return Value{}, fmt.Errorf("empty value")
	}
	if fd.Kind == String {
		return Value{Str: tok}, nil
	}
	n, err := strconv.ParseInt(tok, 10, 64)
	if err != nil {
		return Value{}, fmt.Errorf("not an integer")
	}
	if lo, hi, ok := fd.Range(); ok && (n < lo || n > hi) {
		return Value{}, fmt.Errorf("out of range %d..%d", lo, hi)
	}
	return Value{Int: n}, nil
}

// AppendText appends the record as a text line (without newline) to dst.
func (r Record) AppendText(dst []byte) []byte {
	for i, v := range r.Values {
		if i > 0 {
			dst = append(dst, ' ')
		}
		switch {
		case v.Null:
			dst = append(dst, '-')
		case r.Format.fields[i].Kind == String:
			dst = append(dst, v.Str...)
		default:
			dst = strconv.AppendInt(dst, v.Int, 10)
		}
	}
	return dst
}
