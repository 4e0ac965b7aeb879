package localdb

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/flowq/flowq/flowlog"
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
	MTime    int64  // Unix nanoseconds
	absDir   string // the absolute folder, which the check cache is keyed by
	walked   bool   // found by listing its folder, so the folder's other files are known too
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

// discover lists the log files under the given files, folders and globs, in a
// stable order. A path that exists is a path, even when its name has glob
// characters; only a path that does not exist is tried as a glob. A file
// inside an AWSLogs/ tree whose key fits no layout is an error naming it: its
// partition values would be unknown.
func discover(paths []string) ([]File, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("find the current folder: %w", err)
	}
	// Listing is one pass; the stat and key parse of each file, most of the
	// time over thousands of small files, run on every core.
	type found struct {
		path   string
		entry  fs.DirEntry // nil for a file named directly
		walked bool
	}
	var list []found
	for _, p := range paths {
		matches := []string{p}
		if _, err := os.Stat(p); err != nil && strings.ContainsAny(p, "*?[") {
			m, err := filepath.Glob(p)
			if err != nil {
				return nil, fmt.Errorf("glob %s: %w", p, err)
			}
			if len(m) == 0 {
				return nil, fmt.Errorf("glob %s: no files", p)
			}
			matches = m
		}
		for _, m := range matches {
			info, err := os.Stat(m)
			if err != nil {
				return nil, err
			}
			if !info.IsDir() {
				list = append(list, found{path: m})
				continue
			}
			root := m
			if !strings.HasSuffix(root, string(filepath.Separator)) {
				root += string(filepath.Separator) // walks a folder named by a symbolic link too
			}
			err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && flowlog.IsLogFile(d.Name()) {
					list = append(list, found{path, d, true})
				}
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("walk %s: %w", m, err)
			}
		}
	}
	out := make([]File, len(list))
	errs := make([]error, len(list))
	parallel(len(list), func(i int) {
		p := list[i].path
		var info fs.FileInfo
		var err error
		if list[i].entry != nil {
			info, err = list[i].entry.Info()
		} else {
			info, err = os.Stat(p)
		}
		if err != nil {
			errs[i] = err
			return
		}
		o, err := partitions.ParsePath(p)
		if err != nil && strings.Contains(filepath.ToSlash(p), "AWSLogs/") {
			errs[i] = fmt.Errorf("%s: %w", p, err)
			return
		}
		dir := filepath.Dir(p)
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(cwd, dir)
		}
		out[i] = File{Path: p, Object: o, Unplaced: err != nil, Size: info.Size(), MTime: info.ModTime().UnixNano(),
			absDir: dir, walked: list[i].walked}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	// The same path given twice (a folder and a file in it) is one file.
	out = slices.CompactFunc(out, func(a, b File) bool { return a.Path == b.Path })
	return out, nil
}

// parallel calls fn(0) … fn(n-1) on every core.
func parallel(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				fn(i)
			}
		})
	}
	wg.Wait()
}

// globSuffix is what a folder glob matches: the files AWS delivers as text.
const globSuffix = ".log.gz"

// folderListings are, for each folder whose listing discovery saw whole, the
// names in it that a folder glob (*.log.gz) matches.
func folderListings(files []File) map[string][]string {
	out := map[string][]string{}
	partial := map[string]bool{}
	for _, f := range files {
		if !f.walked {
			partial[f.absDir] = true
		}
		if name := filepath.Base(f.Path); strings.HasSuffix(name, globSuffix) {
			out[f.absDir] = append(out[f.absDir], name)
		}
	}
	for dir := range partial {
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
		if ok && len(listing) == len(group) && !strings.ContainsAny(dir, "*?[]{}\\") &&
			!slices.ContainsFunc(group, func(f File) bool { return !strings.HasSuffix(f.Path, globSuffix) }) {
			paths = append(paths, filepath.Join(dir, "*"+globSuffix))
			globbed[dir] = listing
			continue
		}
		for _, f := range group {
			paths = append(paths, f.Path)
		}
	}
	return paths, globbed
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

// checkDuplicates refuses a dataset that reaches one flow-log object twice.
// A delivered object is known by its name, which AWS makes unique (account,
// region, flow-log ID, time and a hash); a Parquet cache file by the sources
// it records (cacheSources, path → object names); a file whose name says
// nothing (unplaced) by its name, size and content.
func checkDuplicates(files []File, cacheSources map[string][]string) error {
	seen := map[string]File{}
	for _, f := range files {
		if _, ok := cacheSources[f.Path]; ok {
			continue // compared by its sources below
		}
		key := objectName(f.Path)
		if f.Unplaced {
			key = fmt.Sprintf("unplaced %s %d", key, f.Size)
		}
		if g, ok := seen[key]; ok {
			if f.Unplaced && !sameContent(g.Path, f.Path) {
				continue
			}
			return &DuplicateError{Object: objectName(f.Path), First: g.Path, Second: f.Path}
		}
		seen[key] = f
	}
	for _, f := range files {
		for _, src := range cacheSources[f.Path] {
			if g, ok := seen[src]; ok {
				return &DuplicateError{Object: src, First: g.Path, Second: f.Path, Cache: true}
			}
			seen[src] = f
		}
	}
	return nil
}

// sameContent reports whether two files hold the same bytes.
func sameContent(a, b string) bool {
	sum := func(p string) []byte {
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return nil
		}
		return h.Sum(nil)
	}
	x, y := sum(a), sum(b)
	return x != nil && bytes.Equal(x, y)
}
