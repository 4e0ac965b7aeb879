package localdb

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// File is one log file of a dataset.
type File struct {
	Path   string
	Object partitions.Object // from its key or name
	// Unplaced files have a name that says nothing of account, region or time
	// (files renamed or copied from elsewhere): their partition columns are NULL
	// and no time window can prune them.
	Unplaced bool
	Size     int64
	MTime    int64 // Unix nanoseconds
}

// discover lists the log files under the given files, folders and globs, in a
// stable order. A file whose key or name does not say its account, region and
// time is an error naming it: its partition values would be unknown.
func discover(paths []string) ([]File, error) {
	var out []File
	add := func(p string, info fs.FileInfo) error {
		o, err := partitions.ParsePath(p)
		if err != nil && strings.Contains(filepath.ToSlash(p), "AWSLogs/") {
			return fmt.Errorf("%s: %w", p, err) // inside an S3 tree, a key that fits no layout is a mistake
		}
		out = append(out, File{Path: p, Object: o, Unplaced: err != nil, Size: info.Size(), MTime: info.ModTime().UnixNano()})
		return nil
	}
	for _, p := range paths {
		matches := []string{p}
		if strings.ContainsAny(p, "*?[") {
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
				if err := add(m, info); err != nil {
					return nil, err
				}
				continue
			}
			err = filepath.WalkDir(m, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !flowlog.IsLogFile(d.Name()) {
					return err
				}
				info, err := d.Info()
				if err != nil {
					return err
				}
				return add(path, info)
			})
			if err != nil {
				return nil, fmt.Errorf("walk %s: %w", m, err)
			}
		}
	}
	slices.SortFunc(out, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	out = slices.CompactFunc(out, func(a, b File) bool { return a.Path == b.Path })
	return out, nil
}
