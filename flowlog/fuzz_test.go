package flowlog_test

import (
	"strings"
	"testing"

	"github.com/flowq/flowq/flowlog"
)

// FuzzParseFormat: any input either fails or yields a format whose LogFormat
// string parses back to the same format.
func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"default", "${version} ${srcaddr}", "${pkt-srcadr}", "${a}${b}", "$", "${", "${}", " ${tgw-id}\t${end} "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fm, err := flowlog.ParseFormat(s)
		if err != nil {
			return
		}
		back, err := flowlog.ParseFormat(fm.String())
		if err != nil || !back.Equal(fm) {
			t.Fatalf("round trip %q -> %q: %v", s, fm.String(), err)
		}
		if fm.Version() < 2 {
			t.Fatalf("version %d", fm.Version())
		}
	})
}

// FuzzParseRecord: a record either fails with a *LineError or renders back to
// the same line.
func FuzzParseRecord(f *testing.F) {
	f.Add("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK")
	f.Add("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA")
	f.Add("2 unknown eni-1 NaN - 99999 -1 6 20 4249 1 2 ACCEPT OK")
	f.Add("2  x")
	def, _ := flowlog.Preset("default")
	f.Fuzz(func(t *testing.T, line string) {
		if strings.ContainsAny(line, "\n\r") {
			return
		}
		rec, err := def.Parse(line, 1)
		if err != nil {
			if _, ok := err.(*flowlog.LineError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		// Integers may be written with a sign or leading zeros; compare by value.
		again, err := def.Parse(string(rec.AppendText(nil)), 1)
		if err != nil {
			t.Fatalf("rendered record does not parse: %v", err)
		}
		for i := range rec.Values {
			if rec.Values[i] != again.Values[i] {
				t.Fatalf("field %d: %+v != %+v", i, rec.Values[i], again.Values[i])
			}
		}
	})
}
