package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Status is what Verify found of one file.
type Status string

const (
	OK      Status = "ok"      // as the manifest lists it
	Changed Status = "changed" // not as the manifest lists it, or a manifest whose seal fails
	Added   Status = "added"   // in the folder, not in the manifest
	Missing Status = "missing" // in the manifest, not in the folder
	// Unchecked is a file that no manifest vouches for: the manifest is
	// missing or unreadable.
	Unchecked Status = "unchecked"
)

// FileCheck is one file of a pack and what Verify found of it.
type FileCheck struct {
	Name   string `json:"name"` // relative to the pack, with '/'
	Status Status `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// Verification is what Verify found of a pack.
type Verification struct {
	Dir string
	// Manifest is the manifest as read; nil when it is missing or unreadable.
	Manifest *Manifest
	// ManifestSHA256 is the SHA-256 of manifest.json as it is: the pack's
	// fingerprint, to compare with one recorded when the pack was made.
	ManifestSHA256 string
	// Files are the manifest's files in its order, manifest.json, then the
	// files it does not list, by name.
	Files []FileCheck
}

// OK reports whether every file is as the manifest lists it and the
// manifest's seal holds.
func (v *Verification) OK() bool { return len(v.Problems()) == 0 }

// Problems are the files that are not OK.
func (v *Verification) Problems() []FileCheck {
	var out []FileCheck
	for _, f := range v.Files {
		if f.Status != OK {
			out = append(out, f)
		}
	}
	return out
}

// Verify re-hashes the pack in dir: each file the manifest lists must be
// there with its size and SHA-256, the manifest's own seal must hold, and no
// other file may be there. An error is a folder that cannot be read; what is
// wrong with the pack is in the Verification.
func Verify(ctx context.Context, dir string) (*Verification, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("verify the pack: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("verify the pack: %s is not a folder", dir)
	}
	present := map[string]string{} // name → why it is not a plain file ("" for one)
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case d.IsDir():
			return nil
		case d.Type().IsRegular():
			present[filepath.ToSlash(rel)] = ""
		default:
			present[filepath.ToSlash(rel)] = "not a regular file (" + d.Type().String() + ")"
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify the pack: %w", err)
	}
	v := &Verification{Dir: dir}
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	var m Manifest
	switch {
	case errors.Is(err, fs.ErrNotExist):
		v.Files = append(v.Files, FileCheck{Name: ManifestFile, Status: Missing, Detail: "the pack has no manifest: it is not a pack, or it did not finish"})
	case err != nil:
		return nil, fmt.Errorf("verify the pack: %w", err)
	default:
		sum := sha256.Sum256(raw)
		v.ManifestSHA256 = hex.EncodeToString(sum[:])
		if err := json.Unmarshal(raw, &m); err != nil || m.Pack != PackKind {
			detail := "not a manifest of " + PackKind
			if err != nil {
				detail = "not valid JSON: " + err.Error()
			}
			v.Files = append(v.Files, FileCheck{Name: ManifestFile, Status: Changed, Detail: detail})
			break
		}
		v.Manifest = &m
	}
	delete(present, ManifestFile)
	if v.Manifest == nil {
		for _, name := range slices.Sorted(maps.Keys(present)) {
			v.Files = append(v.Files, FileCheck{Name: name, Status: Unchecked, Detail: "no readable manifest lists it"})
		}
		return v, nil
	}
	for _, f := range m.Files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c := FileCheck{Name: f.Name, Status: OK}
		why, ok := present[f.Name]
		delete(present, f.Name)
		switch {
		case !filepath.IsLocal(filepath.FromSlash(f.Name)):
			c.Status, c.Detail = Changed, "the manifest names a file outside the pack"
		case !ok:
			c.Status = Missing
		case why != "":
			c.Status, c.Detail = Changed, why
		default:
			size, sum, err := hashFile(filepath.Join(dir, filepath.FromSlash(f.Name)))
			switch {
			case err != nil:
				return nil, fmt.Errorf("verify the pack: %w", err)
			case sum != f.SHA256:
				c.Status, c.Detail = Changed, fmt.Sprintf("SHA-256 %s, the manifest says %s", sum, f.SHA256)
			case size != f.Size:
				c.Status, c.Detail = Changed, fmt.Sprintf("%d bytes, the manifest says %d", size, f.Size)
			}
		}
		v.Files = append(v.Files, c)
	}
	seal := FileCheck{Name: ManifestFile, Status: OK}
	if !checkSeal(raw, m.ManifestSHA256) {
		seal.Status, seal.Detail = Changed, "its seal (manifest_sha256) does not match its content"
	}
	v.Files = append(v.Files, seal)
	for _, name := range slices.Sorted(maps.Keys(present)) {
		v.Files = append(v.Files, FileCheck{Name: name, Status: Added, Detail: "the manifest does not list it"})
	}
	return v, nil
}
