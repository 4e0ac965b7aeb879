package audit

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/netip"
	"os"
)

// MinKeyBytes is the shortest redaction key ReadKey accepts: a shorter one
// can be guessed, and with it every address behind its hash.
const MinKeyBytes = 16

// RedactedPrefix starts every redacted address, so that a reader knows it is
// a keyed hash and not an address.
const RedactedPrefix = "addr-"

// redactedHexDigits is how much of the HMAC a redacted address keeps: 96
// bits, so that two addresses of a pack never share one.
const redactedHexDigits = 24

// AddressColumns are the result columns that hold addresses: a redacted
// pack has each of their values replaced by its keyed hash.
var AddressColumns = []string{"srcaddr", "dstaddr", "pkt_srcaddr", "pkt_dstaddr"}

// ReadKey reads a redaction key from a file: its bytes, less a trailing
// newline (an editor adds one). It refuses a key shorter than MinKeyBytes.
func ReadKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the redaction key: %w", err)
	}
	b = bytes.TrimRight(b, "\r\n")
	if len(b) < MinKeyBytes {
		return nil, fmt.Errorf("redaction key %s: %d bytes, want at least %d (e.g. head -c 32 /dev/urandom | base64 > %s)", path, len(b), MinKeyBytes, path)
	}
	return b, nil
}

// redactor replaces addresses with their keyed hash: HMAC-SHA256 of the
// address's canonical text (netip's, so that two spellings of one IPv6
// address hash alike), the first 24 hex digits, after RedactedPrefix. The
// same key gives the same hash for an address in every file and every pack,
// so redacted rows still join. A nil redactor leaves values alone.
type redactor struct {
	mac  hash.Hash
	seen map[string]string
}

func newRedactor(key []byte) *redactor {
	if key == nil {
		return nil
	}
	return &redactor{mac: hmac.New(sha256.New, key), seen: map[string]string{}}
}

// address is the redacted form of an address ("" and NULL stay as they are).
func (r *redactor) address(s string) string {
	if r == nil || s == "" {
		return s
	}
	if h, ok := r.seen[s]; ok {
		return h
	}
	canon := s
	if a, err := netip.ParseAddr(s); err == nil {
		canon = a.String()
	}
	r.mac.Reset()
	r.mac.Write([]byte(canon))
	h := RedactedPrefix + hex.EncodeToString(r.mac.Sum(nil))[:redactedHexDigits]
	r.seen[s] = h
	return h
}

// value redacts a result value of an address column.
func (r *redactor) value(v any) any {
	if s, ok := v.(string); ok {
		return r.address(s)
	}
	return v
}

// addressColumns are the indexes of the address columns among cols.
func addressColumns(cols []string) []int {
	var idx []int
	for i, c := range cols {
		for _, a := range AddressColumns {
			if c == a {
				idx = append(idx, i)
			}
		}
	}
	return idx
}
