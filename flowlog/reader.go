package flowlog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLineBytes is the longest line a Reader accepts; a longer one is a bad line
// (no flow-log record comes near it: the longest format is well under 2 KiB).
const MaxLineBytes = 1 << 20

// Reader reads records from a text flow-log file. The first line may be a header
// (AWS always writes one to S3); when it is, it is the truth for the field order.
// A header repeated later in the stream (files concatenated by hand) switches to
// that format for the lines after it; blank lines are skipped; a UTF-8
// byte-order mark before the first line is ignored. All of these are counted. A
// bad line returns a *LineError and the reader can go on to the next one; the
// caller decides whether to stop.
type Reader struct {
	br       *bufio.Reader
	format   Format
	fallback Format
	lineNo   int
	started  bool
	parsed   Line
	long     []byte // a line longer than the reader's buffer, assembled

	Records     int64  // records returned
	FirstRecord int    // the line of the first record, 0 before one
	Headers     int    // header lines read
	HeaderLines []int  // their line numbers
	FirstHeader string // the first header line, "" until one is read
	Blank       int    // blank lines skipped
	Bad         int    // lines that returned an error
	BOM         bool   // the file starts with a byte-order mark
	CRLF        bool   // some line ends in a carriage return
}

// NewReader reads from r. fallback is the format used when the file has no header
// line (for example records copied from CloudWatch Logs); a zero Format means a
// header is required.
func NewReader(r io.Reader, fallback Format) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64*1024), fallback: fallback}
}

// Reset makes the reader read from r as a new file, keeping its buffers.
func (r *Reader) Reset(src io.Reader, fallback Format) {
	r.br.Reset(src)
	*r = Reader{br: r.br, fallback: fallback, parsed: r.parsed, long: r.long[:0], HeaderLines: r.HeaderLines[:0]}
}

// StartHeader is the header the file's records start in: the first header
// line when it comes before the first record, else "" (the fallback format).
func (r *Reader) StartHeader() string {
	if r.Headers > 0 && (r.FirstRecord == 0 || r.HeaderLines[0] < r.FirstRecord) {
		return r.FirstHeader
	}
	return ""
}

// Format is the format in force: that of the last record returned (the last
// header read, or the fallback).
func (r *Reader) Format() Format { return r.format }

// Line is the 1-based number of the last line read.
func (r *Reader) Line() int { return r.lineNo }

// ErrNoHeader is returned when a file without a header is read with no fallback.
var ErrNoHeader = errors.New("no header line and no format given")

var bom = []byte{0xEF, 0xBB, 0xBF}

// NextLine returns the next record parsed in place, io.EOF at the end, or a
// *LineError for a bad line (call again to continue). The Line is valid until
// the next call; Format says its format.
func (r *Reader) NextLine() (*Line, error) {
	for {
		text, err := r.readLine()
		if err != nil {
			return nil, err
		}
		r.lineNo++
		if r.lineNo == 1 && bytes.HasPrefix(text, bom) {
			text, r.BOM = text[len(bom):], true
		}
		if n := len(text); n > 0 && text[n-1] == '\r' {
			text, r.CRLF = text[:n-1], true
		}
		if len(text) > MaxLineBytes {
			r.Bad++
			return nil, &LineError{Line: r.lineNo, Msg: fmt.Sprintf("line longer than %d bytes", MaxLineBytes)}
		}
		if len(text) == 0 {
			r.Blank++
			continue
		}
		if isHeader(text) {
			f, err := ParseHeader(string(text))
			if err != nil {
				r.Bad++
				return nil, &LineError{Line: r.lineNo, Msg: err.Error()}
			}
			r.format, r.started = f, true
			if r.Headers == 0 {
				r.FirstHeader = f.Header()
			}
			r.Headers++
			r.HeaderLines = append(r.HeaderLines, r.lineNo)
			continue
		}
		if !r.started {
			r.started = true
			r.format = r.fallback
		}
		if r.format.Len() == 0 {
			r.Bad++
			return nil, &LineError{Line: r.lineNo, Msg: ErrNoHeader.Error(), err: ErrNoHeader}
		}
		if err := r.format.ParseLine(&r.parsed, text, r.lineNo); err != nil {
			r.Bad++
			return nil, err
		}
		r.Records++
		if r.FirstRecord == 0 {
			r.FirstRecord = r.lineNo
		}
		return &r.parsed, nil
	}
}

// Next returns the next record, io.EOF at the end, or a *LineError for a bad
// line (call Next again to continue).
func (r *Reader) Next() (Record, error) {
	l, err := r.NextLine()
	if err != nil {
		return Record{}, err
	}
	return l.Record(r.format), nil
}

// readLine returns the next line without its '\n'. A line longer than
// MaxLineBytes is returned cut to MaxLineBytes+1 bytes, the rest skipped, so
// that the caller reports it.
func (r *Reader) readLine() ([]byte, error) {
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			if len(r.long) <= MaxLineBytes {
				r.long = append(r.long, line...)
			}
		}
		line = r.long
	}
	switch {
	case err == io.EOF && len(line) == 0:
		return nil, io.EOF
	case err != nil && err != io.EOF:
		return nil, fmt.Errorf("after line %d: %w", r.lineNo, err)
	}
	return bytes.TrimSuffix(line, []byte{'\n'}), nil
}
