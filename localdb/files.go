package localdb

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/internal/parallel"
	"github.com/flowq/flowq/partitions"
)

// File is one log file of a dataset.
type File struct {
	Path   string
	Object partitions.Object // from its key or name
	// Unplaced files have a name that says nothing of account, region or time
	// (files renamed or copied from elsewhere): their partition columns come
	// from each record's end and no time window can prune them.
	Unplaced bool
	Size     int64
	MTime    int64 // Unix nanoseconds
	// CTime and Inode change whenever the file is written, even when its size
	// and modification time are put back: with Size and MTime they say whether
	// a check made earlier still holds.
	CTime  int64
	Inode  uint64
	absDir string // the absolute folder, which the check cache is keyed by
	listed bool   // found by listing its folder, so the folder's other files are known too
	link   bool   // Path is a symbolic link
}

// Text reports whether the file holds text records (.log.gz, or .log when a
// user unpacked it), as opposed to Parquet.
func (f File) Text() bool { return isText(f.Path) }

func isText(path string) bool { return !strings.HasSuffix(path, ".parquet") }

// objectName is the file's name without its extension: for a file AWS
// delivered, the object's identity (account, region, flow-log ID, time and
// hash), the same for its .log.gz, a .log unpacked from it and any copy.
func objectName(path string) string {
	base := filepath.Base(path)
	for _, ext := range []string{".log.gz", ".log.parquet", ".gz.parquet", ".parquet", ".log"} {
		if s, ok := strings.CutSuffix(base, ext); ok {
			return s
		}
	}
	return base
}

// discover lists the log files under the given files, folders and globs (see
// flowlog.FindLogFiles) and parses each one's key. A file inside an AWSLogs/
// tree whose key fits no layout is an error naming it: its partition values
// would be unknown.
func discover(ctx context.Context, paths []string) ([]File, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("find the current folder: %w", err)
	}
	found, err := flowlog.FindLogFiles(ctx, paths)
	if err != nil {
		return nil, err
	}
	out := make([]File, len(found))
	errs := make([]error, len(found))
	parallel.Do(len(found), func(i int) {
		lf := found[i]
		o, err := partitions.ParsePath(lf.Path)
		if err != nil && strings.Contains(filepath.ToSlash(lf.Path), "AWSLogs/") {
			errs[i] = fmt.Errorf("%s: %w", lf.Path, err)
			return
		}
		dir := filepath.Dir(lf.Path)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(cwd, dir)
		}
		ctime, inode := changeStamp(lf.Info)
		out[i] = File{Path: lf.Path, Object: o, Unplaced: err != nil, Size: lf.Info.Size(), MTime: lf.Info.ModTime().UnixNano(),
			CTime: ctime, Inode: inode, absDir: dir, listed: lf.Listed, link: lf.Link}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// globSuffix is what a folder glob matches: the files AWS delivers as text.
const globSuffix = ".log.gz"

// folderListings are, for each folder whose listing discovery saw whole and
// that holds no symbolic link, the names in it that a folder glob (*.log.gz)
// matches.
func folderListings(files []File) map[string][]string {
	out := map[string][]string{}
	unfit := map[string]bool{}
	for _, f := range files {
		if !f.listed || f.link {
			unfit[f.absDir] = true
		}
		if name := filepath.Base(f.Path); strings.HasSuffix(name, globSuffix) {
			out[f.absDir] = append(out[f.absDir], name)
		}
	}
	for dir := range unfit {
		delete(out, dir)
	}
	return out
}

// compactPaths names files for DuckDB: a folder glob (folder/*.log.gz) where
// the files are all that the folder's listing holds for it, each path
// otherwise. A query binds the list every time it runs, and DuckDB binds
// thousands of paths in tens of milliseconds, a glob in microseconds. It
// returns the folders it globbed, which must still hold exactly those files
// when a query has run (see DB.checkGlobs).
func compactPaths(files []File, listings map[string][]string) (paths []string, globbed map[string][]string) {
	byDir := map[string][]File{}
	var dirs []string
	for _, f := range files {
		if byDir[f.absDir] == nil {
			dirs = append(dirs, f.absDir)
		}
		byDir[f.absDir] = append(byDir[f.absDir], f)
	}
	globbed = map[string][]string{}
	for _, dir := range dirs {
		group := byDir[dir]
		listing, ok := listings[dir]
		if ok && len(listing) == len(group) &&
			!slices.ContainsFunc(group, func(f File) bool { return !strings.HasSuffix(f.Path, globSuffix) }) {
			paths = append(paths, escapeGlob(dir)+string(filepath.Separator)+"*"+globSuffix)
			globbed[dir] = listing
			continue
		}
		for _, f := range group {
			paths = append(paths, escapeGlob(f.Path))
		}
	}
	return paths, globbed
}

// escapeGlob makes a path mean itself to DuckDB, which reads every path it is
// given as a glob pattern: `a[1].log.gz` would name a1.log.gz.
func escapeGlob(path string) string {
	return strings.NewReplacer("[", "[[]", "*", "[*]", "?", "[?]").Replace(path)
}

// DuplicateError is one flow-log object reached twice: two copies of a
// download, a .log.gz and the .log unpacked from it, or a Parquet cache and
// the files it was made from. Reading both would count every record twice.
type DuplicateError struct {
	Object string // the object's name
	First  string
	Second string
	Cache  bool // Second is a Parquet cache that holds First's records
}

func (e *DuplicateError) Error() string {
	if e.Cache {
		return fmt.Sprintf("%s is read twice: %s holds the records of %s (a Parquet cache made by flowq import); "+
			"read the cache or its source, not both", e.Object, e.Second, e.First)
	}
	return fmt.Sprintf("%s is read twice: %s and %s are copies of one flow-log object, so every record would be counted twice; "+
		"give --local one copy", e.Object, e.First, e.Second)
}

// identity is what makes a file one flow-log object whatever its path: a
// delivered object's name, which AWS makes unique (account, region, flow-log
// ID, time and a hash), or, for a file whose name says nothing (unplaced),
// its records' bytes (see contentKey).
func identity(f File) (string, error) {
	if !f.Unplaced {
		return objectName(f.Path), nil
	}
	if !f.Text() {
		return "", nil // a Parquet file of unknown origin: no identity to compare
	}
	return contentKey(f.Path)
}

// contentKey identifies a text file by its uncompressed bytes: their length
// and CRC-32, which a gzip stream's last 8 bytes hold (so a .log.gz costs one
// small read) and a .log is read for. Two files with one key are the same
// records: a copy, a renamed copy, the .log unpacked from a .log.gz.
func contentKey(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if strings.HasSuffix(path, ".gz") {
		info, err := f.Stat()
		if err != nil {
			return "", err
		}
		var trailer [8]byte
		if info.Size() < 18 { // shorter than an empty gzip stream: its read will fail, naming it
			return "", nil
		}
		if _, err := f.ReadAt(trailer[:], info.Size()-8); err != nil {
			return "", err
		}
		return fmt.Sprintf("content %08x %d", binary.LittleEndian.Uint32(trailer[:4]), binary.LittleEndian.Uint32(trailer[4:])), nil
	}
	h := crc32.NewIEEE()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("content %08x %d", h.Sum32(), uint32(n)), nil
}

// checkDuplicates refuses a dataset that reaches one flow-log object twice:
// files by their identity, Parquet cache files by the sources they record
// (path → identities). A file whose name says nothing is also compared by
// content with every other text file (a renamed copy of a delivered file),
// and when two share a key their records are compared whole before refusing.
func checkDuplicates(files []File, cacheSources map[string][]string) error {
	seen := map[string]File{}
	byContent := map[string]File{}
	unplaced := slices.ContainsFunc(files, func(f File) bool { return f.Unplaced && f.Text() })
	for _, f := range files {
		if _, ok := cacheSources[f.Path]; ok {
			continue // compared by its sources below
		}
		id, err := identity(f)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Path, err)
		}
		if g, ok := seen[id]; ok && id != "" && (!f.Unplaced || sameRecords(g.Path, f.Path)) {
			return &DuplicateError{Object: objectName(f.Path), First: g.Path, Second: f.Path}
		}
		if id != "" {
			seen[id] = f
		}
		if !unplaced || !f.Text() {
			continue
		}
		key := id
		if !f.Unplaced {
			if key, err = contentKey(f.Path); err != nil {
				return fmt.Errorf("%s: %w", f.Path, err)
			}
		}
		if g, ok := byContent[key]; ok && key != "" && (f.Unplaced || g.Unplaced) && sameRecords(g.Path, f.Path) {
			return &DuplicateError{Object: objectName(f.Path), First: g.Path, Second: f.Path}
		}
		byContent[key] = f
	}
	for _, f := range files {
		for _, src := range cacheSources[f.Path] {
			if g, ok := seen[src]; ok {
				return &DuplicateError{Object: objectName(g.Path), First: g.Path, Second: f.Path, Cache: true}
			}
			seen[src] = f
		}
	}
	return nil
}

// sameRecords reports whether two text files hold the same uncompressed bytes.
func sameRecords(a, b string) bool {
	sum := func(p string) []byte {
		r, err := flowlog.OpenText(p)
		if err != nil {
			return nil
		}
		defer r.Close()
		h := sha256.New()
		if _, err := io.Copy(h, r); err != nil {
			return nil
		}
		return h.Sum(nil)
	}
	x, y := sum(a), sum(b)
	return x != nil && string(x) == string(y)
}
