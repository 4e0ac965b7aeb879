package flowlog

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ReadFileHeader reads the first line of a text log file (.gz files are
// decompressed; a byte-order mark is ignored) and parses it as a header. ok is
// false when the first line is a record, not a header. An empty file is
// ErrEmptyFile.
func ReadFileHeader(path string) (f Format, ok bool, err error) {
	r, err := OpenText(path)
	if err != nil {
		return Format{}, false, err
	}
	defer r.Close()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		if errors.Is(err, io.EOF) {
			return Format{}, false, fmt.Errorf("%s: %w", path, ErrEmptyFile)
		}
		return Format{}, false, fmt.Errorf("%s: %w", path, err)
	}
	line = strings.TrimPrefix(strings.TrimRight(line, "\r\n"), "\ufeff")
	if !IsHeader(line) {
		return Format{}, false, nil
	}
	f, err = ParseHeader(line)
	if err != nil {
		return Format{}, false, fmt.Errorf("%s: line 1: %w", path, err)
	}
	return f, true, nil
}

// ErrEmptyFile is a log file without a single line.
var ErrEmptyFile = errors.New("empty file")

// FormatGroup is one distinct format found by Detect and the files that have it.
type FormatGroup struct {
	Format Format // zero for files with no header
	Files  []string
}

// Detection is what Detect found.
type Detection struct {
	Groups   []FormatGroup // by file count, most first
	NoHeader []string      // text files whose first line is a record
	Parquet  []string      // Parquet files (their schema is in the file)
	Errors   []error       // files that could not be read, each naming the file
}

// Drift reports whether the text files disagree on their format.
func (d *Detection) Drift() bool { return len(d.Groups) > 1 }

// IsLogFile reports whether a file name looks like a flow-log file flowq reads.
func IsLogFile(name string) bool {
	return strings.HasSuffix(name, ".log.gz") || strings.HasSuffix(name, ".log") || strings.HasSuffix(name, ".parquet")
}

// Detect reads the header of every log file under the given files and folders
// and groups the files by format.
func Detect(ctx context.Context, paths []string) (*Detection, error) {
	d := &Detection{}
	groups := map[string]*FormatGroup{}
	visit := func(path string) {
		if strings.HasSuffix(path, ".parquet") {
			d.Parquet = append(d.Parquet, path)
			return
		}
		f, ok, err := ReadFileHeader(path)
		switch {
		case err != nil:
			d.Errors = append(d.Errors, err)
		case !ok:
			d.NoHeader = append(d.NoHeader, path)
		default:
			g := groups[f.Header()]
			if g == nil {
				g = &FormatGroup{Format: f}
				groups[f.Header()] = g
			}
			g.Files = append(g.Files, path)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			visit(p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !e.IsDir() && IsLogFile(e.Name()) {
				visit(path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", p, err)
		}
	}
	for _, g := range groups {
		d.Groups = append(d.Groups, *g)
	}
	slices.SortFunc(d.Groups, func(a, b FormatGroup) int {
		return cmp.Or(cmp.Compare(len(b.Files), len(a.Files)), cmp.Compare(a.Format.Header(), b.Format.Header()))
	})
	return d, nil
}
