package iostreams

import (
	"fmt"
	"testing"
)

func TestTerminalWidth(t *testing.T) {
	s, _, out, _ := Test()
	tw, ok := s.Out.(interface{ TerminalWidth() int })
	if !ok {
		t.Fatal("Out does not tell its width")
	}
	s.SetTerminalWidth(100)
	if got := tw.TerminalWidth(); got != 0 {
		t.Errorf("not a terminal: width %d, want 0", got)
	}
	s.SetStdoutTTY(true)
	if got, direct := tw.TerminalWidth(), s.TerminalWidth(); got != 100 || direct != 100 {
		t.Errorf("terminal: width %d and %d, want 100", got, direct)
	}
	fmt.Fprint(s.Out, "data")
	if out.String() != "data" {
		t.Errorf("Out wrote %q to the buffer", out)
	}
}
