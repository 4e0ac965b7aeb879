// Package iostreams carries the standard streams a command writes to, so that
// commands can be run in tests with buffers and a chosen TTY state.
package iostreams

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"golang.org/x/term"
)

// IOStreams are a command's input and outputs. Data goes to Out; progress,
// headings and warnings go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
	stderrTTY bool
	// width measures the terminal stdout is; nil when it is not one.
	width func() int
}

// IsStdoutTTY reports whether Out is a terminal (tables are aligned for people).
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether ErrOut is a terminal (progress may be drawn).
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdoutTTY and SetStderrTTY set the TTY state, for tests.
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// TerminalWidth is the width in columns of the terminal Out is, measured
// now (a terminal can be resized); 0 when Out is not a terminal or its width
// is unknown.
func (s *IOStreams) TerminalWidth() int {
	if !s.stdoutTTY || s.width == nil {
		return 0
	}
	return max(s.width(), 0)
}

// SetTerminalWidth fixes the terminal's width, for tests.
func (s *IOStreams) SetTerminalWidth(n int) { s.width = func() int { return n } }

// System returns the process's streams. The terminal's width is asked of the
// terminal, else read from $COLUMNS.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, stdoutTTY: isTerminal(os.Stdout), stderrTTY: isTerminal(os.Stderr)}
	s.width = func() int {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
			return w
		}
		n, _ := strconv.Atoi(os.Getenv("COLUMNS"))
		return n
	}
	return s
}

// Test returns streams backed by buffers: stdin, stdout, stderr. They are not
// terminals and have no width until SetStdoutTTY and SetTerminalWidth say so.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
