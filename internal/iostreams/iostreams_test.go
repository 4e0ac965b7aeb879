package iostreams

import (
	"fmt"
	"testing"
)

func TestTerminalWidth(t *testing.T) {
	s, _, out, _ := Test()
	s.SetTerminalWidth(100)
	if got := s.TerminalWidth(); got != 0 {
		t.Errorf("not a terminal: width %d, want 0", got)
	}
	s.SetStdoutTTY(true)
	if got := s.TerminalWidth(); got != 100 {
		t.Errorf("terminal: width %d, want 100", got)
	}
	fmt.Fprint(s.Out, "data")
	if out.String() != "data" {
		t.Errorf("Out wrote %q to the buffer", out)
	}
}
