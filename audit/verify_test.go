package audit_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/flowq/flowq/audit"
)

// copyPack copies a pack's files into a new folder, for a test to damage.
func copyPack(t *testing.T, dir string) string {
	t.Helper()
	out := t.TempDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func verify(t *testing.T, dir string) *audit.Verification {
	t.Helper()
	v, err := audit.Verify(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// problems lists a verification's problems as "name status".
func problems(v *audit.Verification) []string {
	var out []string
	for _, p := range v.Problems() {
		out = append(out, p.Name+" "+string(p.Status))
	}
	return out
}

// TestAuditVerify: a fresh pack verifies; a one-byte change to any of its
// files (at its start, middle and end, each in turn) is found and names that
// file; so are a file added and a file removed.
func TestAuditVerify(t *testing.T) {
	pack, _ := writeSamplePack(t, nil)
	v := verify(t, pack.Dir)
	if !v.OK() || len(v.Files) != 4 || v.Manifest == nil || len(v.ManifestSHA256) != 64 {
		t.Fatalf("a fresh pack: problems %v, files %+v", problems(v), v.Files)
	}
	names := []string{audit.DeniesFile, audit.SummaryFile, audit.ReportFile, audit.ManifestFile}
	for _, name := range names {
		orig, err := os.ReadFile(filepath.Join(pack.Dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, at := range []int{0, len(orig) / 2, len(orig) - 2} {
			dir := copyPack(t, pack.Dir)
			changed := slices.Clone(orig)
			changed[at] ^= 0x01
			if err := os.WriteFile(filepath.Join(dir, name), changed, 0o644); err != nil {
				t.Fatal(err)
			}
			v := verify(t, dir)
			got := problems(v)
			// A manifest that no longer parses vouches for no file: the
			// others are unchecked, and named so.
			want := []string{name + " changed"}
			if name == audit.ManifestFile && v.Manifest == nil {
				want = []string{name + " changed", audit.DeniesFile + " unchecked", audit.ReportFile + " unchecked", audit.SummaryFile + " unchecked"}
			}
			if v.OK() || !slices.Equal(got, want) {
				t.Errorf("%s, byte %d of %d changed: problems %v, want %v", name, at, len(orig), got, want)
			}
		}
	}

	dir := copyPack(t, pack.Dir)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("added later\n"), 0o644)
	if got := problems(verify(t, dir)); !slices.Equal(got, []string{"notes.txt added"}) {
		t.Errorf("a file added: %v", got)
	}
	os.MkdirAll(filepath.Join(dir, "more"), 0o755)
	os.WriteFile(filepath.Join(dir, "more", "x.csv"), nil, 0o644)
	if got := problems(verify(t, dir)); !slices.Equal(got, []string{"more/x.csv added", "notes.txt added"}) {
		t.Errorf("files added: %v", got)
	}
	for _, name := range names {
		dir := copyPack(t, pack.Dir)
		os.Remove(filepath.Join(dir, name))
		want := []string{name + " missing"}
		if name == audit.ManifestFile {
			want = []string{name + " missing", audit.DeniesFile + " unchecked", audit.ReportFile + " unchecked", audit.SummaryFile + " unchecked"}
		}
		if got := problems(verify(t, dir)); !slices.Equal(got, want) {
			t.Errorf("%s removed: %v, want %v", name, got, want)
		}
	}
	if _, err := audit.Verify(context.Background(), filepath.Join(pack.Dir, audit.DeniesFile)); err == nil {
		t.Errorf("verify of a file, not a folder: no error")
	}
}

// addressPattern finds IPv4 and IPv6 addresses as whole tokens.
var addressPattern = regexp.MustCompile(`(^|[^0-9A-Za-z.:])([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7})($|[^0-9A-Za-z.:])`)

// TestAuditRedact: a redacted pack holds no address of the data in any
// file; each address is its keyed hash, the same in every file (so rows
// still join); the manifest says the pack is redacted and holds no key.
func TestAuditRedact(t *testing.T) {
	key := []byte("a key of at least sixteen bytes")
	pack, s := writeSamplePack(t, func(o *audit.Options) { o.RedactKey = key })
	db := openLocal(t, s.dir, s.window())
	res, err := db.RunSQL(context.Background(),
		`SELECT DISTINCT a FROM (SELECT srcaddr AS a FROM flow_logs UNION ALL SELECT dstaddr FROM flow_logs) WHERE a IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for _, r := range res.Rows {
		addrs = append(addrs, r[0].(string))
	}
	if len(addrs) < 100 || !slices.ContainsFunc(addrs, func(a string) bool { return strings.Contains(a, ":") }) {
		t.Fatalf("%d addresses in the data, none IPv6: the test proves little", len(addrs))
	}
	files, _ := os.ReadDir(pack.Dir)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(pack.Dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, a := range addrs {
			for i := strings.Index(text, a); i >= 0; {
				end := i + len(a)
				before, after := byte(' '), byte(' ')
				if i > 0 {
					before = text[i-1]
				}
				if end < len(text) {
					after = text[end]
				}
				if !strings.ContainsRune("0123456789abcdefABCDEF.:", rune(before)) && !strings.ContainsRune("0123456789abcdefABCDEF.:", rune(after)) {
					t.Errorf("%s holds the address %s: …%s…", f.Name(), a, text[max(i-40, 0):min(end+40, len(text))])
					break
				}
				next := strings.Index(text[i+1:], a)
				if next < 0 {
					break
				}
				i += 1 + next
			}
		}
		if strings.Contains(text, string(key)) {
			t.Errorf("%s holds the key", f.Name())
		}
	}
	// The data files hold no address-shaped text at all (the page's chart
	// library may hold version-like numbers).
	for _, name := range []string{audit.DeniesFile, audit.SummaryFile} {
		b, _ := os.ReadFile(filepath.Join(pack.Dir, name))
		if m := addressPattern.FindString(string(b)); m != "" && strings.Count(m, ".") == 3 {
			t.Errorf("%s holds %q", name, m)
		}
	}
	// The hash of the truth's top destination, as the key makes it, is
	// the summary's and is in denies.csv.
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(s.truth.TopRejectedDestinations[0].Dstaddr))
	want := audit.RedactedPrefix + hex.EncodeToString(mac.Sum(nil))[:24]
	if got := pack.Summary.TopDestinations[0].Address; got != want {
		t.Errorf("top destination %s, want %s", got, want)
	}
	rows := readDenies(t, pack.Dir)
	n := 0
	for _, r := range rows {
		if r[11] == want { // dstaddr
			n++
		}
	}
	if int64(n) != s.truth.TopRejectedDestinations[0].Rejects {
		t.Errorf("denies.csv has %d rows to %s, the truth %d", n, want, s.truth.TopRejectedDestinations[0].Rejects)
	}
	m := pack.Manifest
	if m.Redaction == nil || m.Redaction.Method != "HMAC-SHA256" || !pack.Summary.Redacted || !verify(t, pack.Dir).OK() {
		t.Errorf("redaction %+v, summary redacted %v", m.Redaction, pack.Summary.Redacted)
	}
}

// TestReadKey: a key file's trailing newline is not the key's; a short key
// is refused.
func TestReadKey(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "key")
	os.WriteFile(p, []byte("0123456789abcdef\n"), 0o600)
	if k, err := audit.ReadKey(p); err != nil || string(k) != "0123456789abcdef" {
		t.Errorf("key %q, %v", k, err)
	}
	os.WriteFile(p, []byte("short\n"), 0o600)
	if _, err := audit.ReadKey(p); err == nil || !strings.Contains(err.Error(), "5 bytes, want at least 16") {
		t.Errorf("a short key: %v", err)
	}
}
