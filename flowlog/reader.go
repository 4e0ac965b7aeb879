package flowlog

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// Reader reads records from a text flow-log file. The first line may be a header
// (AWS always writes one to S3); when it is, it is the truth for the field order.
// A header repeated later in the stream switches to that format, and blank lines
// are skipped: both are counted. A bad line returns a *LineError and the reader
// can go on to the next one; the caller decides whether to stop.
type Reader struct {
	sc       *bufio.Scanner
	format   Format
	fallback Format
	line     int
	started  bool

	Headers int // header lines read
	Blank   int // blank lines skipped
	Bad     int // lines that returned an error
}

// NewReader reads from r. fallback is the format used when the file has no header
// line (for example records copied from CloudWatch Logs); a zero Format means a
// header is required.
func NewReader(r io.Reader, fallback Format) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	return &Reader{sc: sc, fallback: fallback}
}

// Format is the format in force: the last header read, or the fallback.
func (r *Reader) Format() Format { return r.format }

// Line is the 1-based number of the last line read.
func (r *Reader) Line() int { return r.line }

// ErrNoHeader is returned when a file without a header is read with no fallback.
var ErrNoHeader = errors.New("no header line and no format given")

// Next returns the next record, io.EOF at the end, or a *LineError for a bad
// line (call Next again to continue).
func (r *Reader) Next() (Record, error) {
	for r.sc.Scan() {
		r.line++
		text := r.sc.Text()
		if len(text) > 0 && text[len(text)-1] == '\r' {
			text = text[:len(text)-1]
		}
		if text == "" {
			r.Blank++
			continue
		}
		if IsHeader(text) {
			f, err := ParseHeader(text)
			if err != nil {
				r.Bad++
				return Record{}, &LineError{Line: r.line, Msg: err.Error()}
			}
			r.format, r.started = f, true
			r.Headers++
			continue
		}
		if !r.started {
			r.started = true
			r.format = r.fallback
		}
		if r.format.Len() == 0 {
			r.Bad++
			return Record{}, &LineError{Line: r.line, Msg: ErrNoHeader.Error()}
		}
		rec, err := r.format.Parse(text, r.line)
		if err != nil {
			r.Bad++
			return Record{}, err
		}
		return rec, nil
	}
	if err := r.sc.Err(); err != nil {
		return Record{}, fmt.Errorf("after line %d: %w", r.line, err)
	}
	return Record{}, io.EOF
}
