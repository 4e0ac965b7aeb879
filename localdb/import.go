package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/flowq/flowq/partitions"
)

// ImportStats says what Import did.
type ImportStats struct {
	Files    int       // source files considered
	Written  int       // Parquet files written
	Copied   int       // Parquet sources copied as they are
	UpToDate int       // destinations newer than their source, left alone
	Empty    int       // text files without a single good record
	Records  int64     // records written
	BadLines []BadLine // lines not imported, as Open reports them
}

// Import converts text logs into a Parquet cache under dest, one Parquet file
// per source file at the same key (AWSLogs/…/{name}.log.parquet), so the cache
// is partitioned like the source and a time window prunes it the same way.
// Columns are named and typed as in the flow_logs view. A destination newer
// than its source is kept, so a second import only converts new files. Every
// good record is written; the count written is checked against the count read.
// Files whose names say nothing of their time go under dest/unplaced/.
func Import(ctx context.Context, paths []string, dest string, opts Options) (*ImportStats, error) {
	opts.Window = nil
	d, err := Open(ctx, paths, opts)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	st := &ImportStats{Files: len(d.files), BadLines: d.badLines}

	type job struct {
		src  File
		dest string
	}
	var jobs, dirty []job
	for _, f := range d.files {
		target := cachePath(dest, f)
		if info, err := os.Stat(target); err == nil && info.ModTime().UnixNano() >= f.MTime {
			st.UpToDate++
			continue
		}
		if isText(f.Path) && d.reads[f.Path] == "" {
			st.Empty++ // every line was bad: nothing to write
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, fmt.Errorf("import: %w", err)
		}
		switch {
		case !isText(f.Path):
			if err := copyFile(f.Path, target); err != nil {
				return nil, err
			}
			st.Copied++
		case len(d.checks[f.Path].BadLines) > 0:
			dirty = append(dirty, job{f, target}) // its rows are in a temp table of d.conn
		default:
			jobs = append(jobs, job{f, target})
		}
	}

	// A COPY of one small file runs on one thread, so run several at once, each
	// on its own connection. Files with bad lines have their good rows in temp
	// tables of d.conn, so they are written on it, after the others.
	written := make([]int64, len(jobs)+len(dirty))
	errs := make([]error, len(jobs)+len(dirty))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			conn, err := d.db.Conn(ctx)
			if err != nil {
				errs[w], _ = err, failed.Swap(true)
				return
			}
			defer conn.Close()
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				written[i], errs[i] = d.writeParquet(ctx, conn, jobs[i].src, jobs[i].dest)
				if errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for i, j := range dirty {
		if failed.Load() {
			break
		}
		k := len(jobs) + i
		written[k], errs[k] = d.writeParquet(ctx, d.conn, j.src, j.dest)
		failed.Store(errs[k] != nil)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	for _, n := range written {
		st.Records += n
	}
	st.Written = len(written)
	return st, nil
}

// writeParquet copies one file's records into a Parquet file, through a
// temporary name so that an interrupted import leaves no partial file, and
// checks that it wrote as many rows as the read holds.
func (d *DB) writeParquet(ctx context.Context, conn *sql.Conn, f File, target string) (int64, error) {
	tmp := target + ".tmp"
	res, err := conn.ExecContext(ctx, "COPY (SELECT * EXCLUDE (filename) FROM ("+d.reads[f.Path]+")) TO "+quote(tmp)+
		" (FORMAT parquet, COMPRESSION zstd)")
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", target, err)
	}
	n, err := res.RowsAffected()
	if err == nil && n != d.checks[f.Path].Records {
		err = fmt.Errorf("wrote %d records of %s, which holds %d", n, f.Path, d.checks[f.Path].Records)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", target, err)
	}
	return n, os.Rename(tmp, target)
}

// cachePath is where a source file's Parquet copy goes.
func cachePath(dest string, f File) string {
	if f.Unplaced {
		base := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f.Path), ".gz"), ".log")
		return filepath.Join(dest, "unplaced", base+".log.parquet")
	}
	o := f.Object
	o.Root, o.Format = "", partitions.Parquet
	return filepath.Join(dest, filepath.FromSlash(o.Key()))
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer in.Close()
	tmp := dst + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return fmt.Errorf("import %s: %w", src, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("import %s: %w", src, err)
	}
	return os.Rename(tmp, dst)
}
