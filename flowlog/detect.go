package flowlog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
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
	rd := NewReader(r, Format{})
	_, err = rd.NextLine()
	switch {
	case errors.Is(err, io.EOF) && rd.Headers == 0 && rd.Line() == 0:
		return Format{}, false, fmt.Errorf("%s: %w", path, ErrEmptyFile)
	case rd.Headers > 0:
		return rd.Format(), true, nil // the header, also when the line after it is bad
	case errors.Is(err, io.EOF):
		return Format{}, false, nil // blank lines only
	}
	if err == nil || errors.Is(err, ErrNoHeader) {
		return Format{}, false, nil // the first line is a record
	}
	return Format{}, false, fmt.Errorf("%s: %w", path, err) // a header flowq cannot read, or a damaged file
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
	files, err := FindLogFiles(ctx, paths)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		visit(f.Path)
	}
	for _, g := range groups {
		d.Groups = append(d.Groups, *g)
	}
	slices.SortFunc(d.Groups, func(a, b FormatGroup) int {
		return cmp.Or(cmp.Compare(len(b.Files), len(a.Files)), cmp.Compare(a.Format.Header(), b.Format.Header()))
	})
	return d, nil
}
