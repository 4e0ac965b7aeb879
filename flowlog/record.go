package flowlog

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
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
	err    error // the cause Msg says, when there is one (ErrNoHeader)
}

func (e *LineError) Unwrap() error { return e.err }

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

// Line is one record parsed in place: where each field lies in the line's
// bytes and, for numeric fields, its value. Parsing into a Line allocates
// nothing, so the readers of millions of lines use it; Record is the copy for
// everyone else. Both come from ParseLine, the one place a line is judged.
type Line struct {
	text  []byte
	ends  []int // field i is text[start(i):ends[i]]
	Ints  []int64
	Nulls []bool
}

// Len is the number of fields.
func (l *Line) Len() int { return len(l.ends) }

// Field is the text of field i. It aliases the line's buffer.
func (l *Line) Field(i int) []byte {
	start := 0
	if i > 0 {
		start = l.ends[i-1] + 1
	}
	return l.text[start:l.ends[i]]
}

// Text is the whole line, without its line break.
func (l *Line) Text() []byte { return l.text }

// ParseLine parses one record line under the format into l, reusing l's
// storage. Fields are separated by single spaces, as AWS writes them; a
// trailing carriage return is dropped. lineNo is used only in errors.
//
// A line is accepted only if every engine reads it with the same values:
// integers are plain decimal digits within the field's Range (which fits the
// column type), strings are valid UTF-8 without control characters (a
// carriage return inside a line ends the line for a CSV reader), and a closed
// field holds one of its codes.
func (f Format) ParseLine(l *Line, text []byte, lineNo int) error {
	text = bytes.TrimSuffix(text, []byte{'\r'})
	n := len(f.fields)
	l.text = text
	l.ends = grow(l.ends, n)
	l.Ints = grow(l.Ints, n)
	l.Nulls = grow(l.Nulls, n)
	var bad []FieldError
	pos := 0
	for i, fd := range f.fields {
		if pos > len(text) {
			return f.countError(text, lineNo)
		}
		// One pass over the field: find its end and judge its bytes.
		end, num, ok, ascii := pos, int64(0), true, true
		if fd.Kind == String {
			for ; end < len(text) && text[end] != ' '; end++ {
				b := text[end]
				ok = ok && b >= 0x20 && b != 0x7f
				ascii = ascii && b < utf8.RuneSelf
			}
		} else {
			for ; end < len(text) && text[end] != ' '; end++ {
				d := text[end] - '0'
				ok = ok && d <= 9
				num = num*10 + int64(d)
			}
			// 18 digits cannot overflow; longer ones are judged below.
			ok = ok && end-pos <= 18 && num <= fd.hi
		}
		l.ends[i] = end
		tok := text[pos:end]
		pos = end + 1
		l.Ints[i], l.Nulls[i] = num, len(tok) == 1 && tok[0] == '-'
		if ok && !l.Nulls[i] && len(tok) > 0 && (fd.Kind != String || ascii && !fd.closed) {
			continue // the common case: nothing more to check
		}
		v, msg := judge(fd, tok, ok, ascii)
		if msg != "" {
			bad = append(bad, FieldError{Field: fd.Name, Value: string(tok), Msg: msg})
		}
		l.Ints[i] = v
	}
	if pos <= len(text) {
		return f.countError(text, lineNo)
	}
	if bad != nil {
		return &LineError{Line: lineNo, Fields: bad}
	}
	return nil
}

func (f Format) countError(text []byte, lineNo int) error {
	msg := fmt.Sprintf("expected %d fields, found %d", len(f.fields), bytes.Count(text, []byte{' '})+1)
	if i := bytes.Index(text, []byte("  ")); i >= 0 {
		msg += fmt.Sprintf(" (two spaces in a row at column %d)", i+1)
	}
	return &LineError{Line: lineNo, Msg: msg}
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// judge says what is wrong with a field the fast path did not accept, or ""
// when nothing is: '-', a string that is valid UTF-8 and, for a closed field,
// one of its codes, or an integer too long for the fast path (leading zeros)
// but within the range, whose value it returns.
func judge(fd *Field, tok []byte, ok, ascii bool) (int64, string) {
	switch {
	case len(tok) == 0:
		return 0, "empty value"
	case len(tok) == 1 && tok[0] == '-':
		return 0, ""
	case fd.Kind == String && !ok:
		return 0, "control character"
	case fd.Kind == String && !ascii && !utf8.Valid(tok):
		return 0, "not valid UTF-8"
	case fd.Kind == String && fd.closed && !slices.ContainsFunc(fd.Codes, func(c Code) bool { return string(tok) == c.Value }):
		return 0, "not one of " + fd.codeList()
	case fd.Kind == String:
		return 0, ""
	case tok[0] == '-' && isDigits(tok[1:]):
		return 0, fmt.Sprintf("out of range %d..%d", fd.lo, fd.hi) // AWS writes no negative value
	case !isDigits(tok):
		return 0, "not an integer"
	}
	digits := strings.TrimLeft(string(tok), "0")
	if digits == "" {
		return 0, ""
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > fd.hi {
		return 0, fmt.Sprintf("out of range %d..%d", fd.lo, fd.hi)
	}
	return n, ""
}

func isDigits(b []byte) bool {
	for _, d := range b {
		if d < '0' || d > '9' {
			return false
		}
	}
	return true
}

func (f *Field) codeList() string {
	vals := make([]string, len(f.Codes))
	for i, c := range f.Codes {
		vals[i] = c.Value
	}
	return strings.Join(vals, ", ") + " or -"
}

// Parse parses one record line under the format (see ParseLine).
func (f Format) Parse(line string, lineNo int) (Record, error) {
	var l Line
	if err := f.ParseLine(&l, []byte(line), lineNo); err != nil {
		return Record{Format: f, Values: make([]Value, len(f.fields))}, err
	}
	return l.Record(f), nil
}

// Record copies the parsed line into a Record of format f (the format it was
// parsed with).
func (l *Line) Record(f Format) Record {
	values := make([]Value, len(f.fields))
	for i, fd := range f.fields {
		switch {
		case l.Nulls[i]:
			values[i] = Value{Null: true}
		case fd.Kind == String:
			values[i] = Value{Str: string(l.Field(i))}
		default:
			values[i] = Value{Int: l.Ints[i]}
		}
	}
	return Record{Format: f, Values: values}
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
