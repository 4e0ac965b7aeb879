package flowlog

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flowq/flowq/internal/parallel"
)

// IsLogFile reports whether a file name looks like a flow-log file flowq reads.
func IsLogFile(name string) bool {
	return strings.HasSuffix(name, ".log.gz") || strings.HasSuffix(name, ".log") || strings.HasSuffix(name, ".parquet")
}

// LogFile is a log file found under the paths given.
type LogFile struct {
	Path string      // as reached: below the path given, links not resolved
	Info fs.FileInfo // the file's own (a link's target's)
	// Listed: found by listing its folder, so the folder's other log files
	// were found too (a file named directly or by a glob was not).
	Listed bool
	Link   bool // Path is a symbolic link

	entry fs.DirEntry // to stat, when Info is not set yet
}

// FindLogFiles lists the log files (.log.gz, .log, .parquet) under the given
// files, folders and globs, sorted by path. A path that exists is a path, even
// when its name has glob characters; only one that does not exist is tried as
// a glob. Symbolic links are followed, to files and to folders, without
// walking a folder twice or into a loop; one file reached by two paths (a link
// and its target, a folder given twice) is listed once, under the first path.
func FindLogFiles(ctx context.Context, paths []string) ([]LogFile, error) {
	w := &walker{ctx: ctx, walked: map[string]bool{}}
	for _, p := range paths {
		matches, err := ExpandPath(p)
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			info, err := os.Stat(m)
			if err != nil {
				return nil, err
			}
			if !info.IsDir() {
				link := false
				if li, err := os.Lstat(m); err == nil {
					link = li.Mode()&fs.ModeSymlink != 0
				}
				w.add(LogFile{Path: m, Info: info, Link: link})
				continue
			}
			if err := w.walk(m); err != nil {
				return nil, fmt.Errorf("walk %s: %w", m, err)
			}
		}
	}
	// A stat of each file listed, on every core: over thousands of small
	// files it is most of the time listing takes.
	errs := make([]error, len(w.found))
	parallel.Do(len(w.found), func(i int) {
		if f := &w.found[i]; f.Info == nil {
			f.Info, errs[i] = f.entry.Info()
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortStableFunc(w.found, func(a, b LogFile) int { return strings.Compare(a.Path, b.Path) })
	return onePerFile(w.found), nil
}

// ExpandPath is what a path given by a user names: itself when it exists,
// even with glob characters in its name; otherwise, when it has them, the
// paths its glob matches (at least one).
func ExpandPath(p string) ([]string, error) {
	if _, err := os.Stat(p); err == nil || !strings.ContainsAny(p, "*?[") {
		return []string{p}, nil
	}
	m, err := filepath.Glob(p)
	if err != nil {
		return nil, fmt.Errorf("glob %s: %w", p, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("glob %s: no files", p)
	}
	return m, nil
}

type walker struct {
	ctx    context.Context
	walked map[string]bool // real paths of the folders walked
	found  []LogFile
}

func (w *walker) add(f LogFile) { w.found = append(w.found, f) }

// walk lists dir and its subfolders, following links.
func (w *walker) walk(dir string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	if w.walked[real] {
		return nil // reached again by a link: a loop, or the same folder twice
	}
	w.walked[real] = true
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir():
			if err := w.walk(path); err != nil {
				return err
			}
		case e.Type()&fs.ModeSymlink != 0:
			info, err := os.Stat(path)
			if errors.Is(err, fs.ErrNotExist) {
				continue // a dangling link holds nothing
			}
			if err != nil {
				return err
			}
			if info.IsDir() {
				if err := w.walk(path); err != nil {
					return err
				}
			} else if IsLogFile(e.Name()) {
				w.add(LogFile{Path: path, Info: info, Listed: true, Link: true})
			}
		case e.Type().IsRegular() && IsLogFile(e.Name()):
			w.add(LogFile{Path: path, Listed: true, entry: e})
		}
	}
	return nil
}

// onePerFile drops the later paths of a file reached twice. Candidates share
// size and modification time; os.SameFile decides.
func onePerFile(files []LogFile) []LogFile {
	type key struct {
		size  int64
		mtime int64
	}
	seen := map[key][]fs.FileInfo{}
	out := files[:0]
	for _, f := range files {
		k := key{f.Info.Size(), f.Info.ModTime().UnixNano()}
		if slices.ContainsFunc(seen[k], func(g fs.FileInfo) bool { return os.SameFile(f.Info, g) }) {
			continue
		}
		seen[k] = append(seen[k], f.Info)
		out = append(out, f)
	}
	return out
}
