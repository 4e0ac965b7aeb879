package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/flowq/flowq/internal/parallel"
)

// PackKind names what made a pack, in its manifest.
const PackKind = "flowq audit denies"

// ManifestVersion is the version of the manifest's format.
const ManifestVersion = 1

// Manifest is manifest.json: how the pack was made and the SHA-256 of each
// of its other files. ManifestSHA256 seals the manifest itself: it is the
// SHA-256 of the file as written with that value as 64 zeros, so that a
// change anywhere in the manifest is found too. A pack's fingerprint, to
// record elsewhere (a ticket, an email), is the SHA-256 of manifest.json.
type Manifest struct {
	Pack            string    `json:"pack"`
	ManifestVersion int       `json:"manifest_version"`
	FlowqVersion    string    `json:"flowq_version"`
	Started         time.Time `json:"started"`
	Finished        time.Time `json:"finished"`
	ElapsedMS       int64     `json:"elapsed_ms"`
	Window          Window    `json:"window"`
	Engine          Engine    `json:"engine"`
	// Redaction says how the pack's addresses were replaced; null when they
	// were not.
	Redaction *Redaction `json:"redaction"`
	// Inputs are the local files read, with their SHA-256 (none for Athena,
	// whose queries' provenance says what they scanned).
	Inputs     []Input `json:"inputs,omitempty"`
	InputBytes int64   `json:"input_bytes,omitempty"`
	// Queries are every query run, in order, with its provenance.
	Queries []QueryRun `json:"queries"`
	// ScannedBytes and EstimatedCostUSD add up what Athena scanned and the
	// estimate of its cost; 0 for the local engine.
	ScannedBytes     int64    `json:"scanned_bytes"`
	EstimatedCostUSD float64  `json:"estimated_cost_usd"`
	ExecutionIDs     []string `json:"execution_ids,omitempty"` // Athena's QueryExecutionIds, in order
	Denies           int64    `json:"denies"`
	// Files are the pack's other files, with their size and SHA-256.
	Files          []File `json:"files"`
	ManifestSHA256 string `json:"manifest_sha256"`
}

// Window is the audit's time window, [From, To).
type Window struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Engine is what the queries ran on.
type Engine struct {
	Name      string   `json:"name"` // duckdb, athena
	Table     string   `json:"table"`
	Layout    string   `json:"layout"`
	Formats   []string `json:"formats"`
	Accounts  []string `json:"accounts,omitempty"`
	Regions   []string `json:"regions,omitempty"`
	Workgroup string   `json:"workgroup,omitempty"`
}

// Redaction says how a redacted pack's addresses were replaced.
type Redaction struct {
	Method  string   `json:"method"`
	Columns []string `json:"columns"`
	Note    string   `json:"note"`
}

// Input is a file the engine read.
type Input struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	mtime  time.Time
}

// File is a file of the pack.
type File struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	Rows   *int64 `json:"rows,omitempty"` // denies.csv's records, less its header
}

// hashFile returns a file's size and SHA-256.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// hashInputs hashes the input files, on every core.
func hashInputs(ctx context.Context, paths []string) ([]Input, error) {
	out := make([]Input, len(paths))
	errs := make([]error, len(paths))
	parallel.Do(len(paths), func(i int) {
		if ctx.Err() != nil {
			errs[i] = ctx.Err()
			return
		}
		st, err := os.Stat(paths[i])
		if err == nil {
			out[i] = Input{Path: paths[i], mtime: st.ModTime()}
			out[i].Size, out[i].SHA256, err = hashFile(paths[i])
		}
		if err == nil && out[i].Size != st.Size() {
			err = fmt.Errorf("%s changed while it was hashed", paths[i])
		}
		errs[i] = err
	})
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("audit: hash the input files: %w", err)
		}
	}
	return out, nil
}

// checkInputs fails when an input file changed since it was hashed (a
// download still running): its hash would not be what the queries read.
func checkInputs(inputs []Input) error {
	for _, in := range inputs {
		st, err := os.Stat(in.Path)
		if err != nil {
			return fmt.Errorf("audit: input %s: %w", in.Path, err)
		}
		if st.Size() != in.Size || !st.ModTime().Equal(in.mtime) {
			return fmt.Errorf("audit: input %s changed while the audit ran: run it again when the files stay put", in.Path)
		}
	}
	return nil
}

// newManifest is the manifest so far: everything but the files' hashes and
// the seal, which writeManifest adds.
func (a *auditor) newManifest() *Manifest {
	ds := a.ds
	m := &Manifest{Pack: PackKind, ManifestVersion: ManifestVersion, FlowqVersion: a.opts.FlowqVersion, Started: a.started,
		Window: Window{From: a.window.From, To: a.window.To},
		Engine: Engine{Name: ds.Dialect.Name(), Table: ds.Table, Layout: ds.Layout.String(), Accounts: ds.Accounts, Regions: ds.Regions},
		Inputs: a.inputs, Queries: a.runs, Denies: a.denies.denies}
	for _, f := range ds.Formats {
		m.Engine.Formats = append(m.Engine.Formats, f.String())
	}
	for _, in := range a.inputs {
		m.InputBytes += in.Size
	}
	for _, r := range a.runs {
		m.ScannedBytes += r.ScannedBytes
		m.EstimatedCostUSD += r.CostUSD
		if r.ExecutionID != "" {
			m.ExecutionIDs = append(m.ExecutionIDs, r.ExecutionID)
		}
		if r.Workgroup != "" {
			m.Engine.Workgroup = r.Workgroup
		}
	}
	if a.red != nil {
		m.Redaction = &Redaction{Method: "HMAC-SHA256", Columns: AddressColumns,
			Note: "every address is " + RedactedPrefix + " and the first 24 hex digits of HMAC-SHA256(key, address), in denies.csv, summary.json and report.html; " +
				"the same key gives the same hash for an address, so rows still join; the key is not in the pack"}
	}
	return m
}

// zeroSeal is the seal's value while the manifest is hashed.
var zeroSeal = strings.Repeat("0", 64)

// writeManifest hashes the pack's other files into the manifest, seals it
// and writes it, last: a pack without a manifest is one that did not finish.
func (a *auditor) writeManifest() error {
	m := a.manifest
	for _, name := range []string{DeniesFile, SummaryFile, ReportFile} {
		size, sum, err := hashFile(filepath.Join(a.dir, name))
		if err != nil {
			return fmt.Errorf("audit: hash %s: %w", name, err)
		}
		f := File{Name: name, Size: size, SHA256: sum}
		if name == DeniesFile {
			rows := a.denies.denies
			f.Rows = &rows
		}
		m.Files = append(m.Files, f)
	}
	m.Finished = a.opts.Now().UTC()
	m.ElapsedMS = m.Finished.Sub(m.Started).Milliseconds()
	b, err := sealed(m)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(a.dir, ManifestFile), b, 0o644); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// sealed is the manifest as written, with its seal.
func sealed(m *Manifest) ([]byte, error) {
	m.ManifestSHA256 = zeroSeal
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	b = append(b, '\n')
	sum := sha256.Sum256(b)
	m.ManifestSHA256 = hex.EncodeToString(sum[:])
	field := []byte(`"manifest_sha256": "` + zeroSeal + `"`)
	if bytes.Count(b, field) != 1 {
		return nil, fmt.Errorf("audit: the manifest's seal is not where it belongs")
	}
	return bytes.Replace(b, field, []byte(`"manifest_sha256": "`+m.ManifestSHA256+`"`), 1), nil
}

// seal checks a manifest's seal: the SHA-256 of its bytes with the seal's
// value as zeros.
func checkSeal(raw []byte, seal string) bool {
	field := []byte(`"manifest_sha256": "` + seal + `"`)
	if len(seal) != 64 || bytes.Count(raw, field) != 1 {
		return false
	}
	sum := sha256.Sum256(bytes.Replace(raw, field, []byte(`"manifest_sha256": "`+zeroSeal+`"`), 1))
	return hex.EncodeToString(sum[:]) == seal
}
