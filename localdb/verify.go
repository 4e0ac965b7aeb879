package localdb

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/flowq/flowq/flowlog"
)

// checked is what reading a text file once found: its format and its bad lines.
// DuckDB does not check gzip integrity (a stream cut short reads as 0 rows, one
// missing its CRC trailer reads as if whole), so every text file is read through
// Go's gzip reader, which checks both, once; the result is remembered by path,
// size and modification time.
type checked struct {
	Size     int64     `json:"size"`
	MTime    int64     `json:"mtime"`
	Header   string    `json:"header"` // "" when the file has no header line
	Records  int64     `json:"records"`
	BadLines []BadLine `json:"bad_lines,omitempty"`
}

// BadLine is a line of a file that is not a record of its format.
type BadLine struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Err  string `json:"error"`
}

func (b BadLine) String() string { return fmt.Sprintf("%s: %s", b.File, b.Err) }

// CorruptFileError is a text file whose gzip stream is truncated or corrupt.
type CorruptFileError struct {
	File string
	Err  error
}

func (e *CorruptFileError) Error() string {
	return fmt.Sprintf("%s: corrupt or truncated gzip file: %v", e.File, e.Err)
}
func (e *CorruptFileError) Unwrap() error { return e.Err }

// verifyCache maps a file path to what was found when it was last checked.
type verifyCache struct {
	path  string
	mu    sync.Mutex
	files map[string]checked
	dirty bool
}

func loadCache(path string) *verifyCache {
	c := &verifyCache{path: path, files: map[string]checked{}}
	if path == "" {
		return c
	}
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &c.files) // a damaged cache only costs a re-check
	}
	return c
}

func (c *verifyCache) get(f File) (checked, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.files[f.Path]
	return ch, ok && ch.Size == f.Size && ch.MTime == f.MTime
}

func (c *verifyCache) put(f File, ch checked) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files[f.Path] = ch
	c.dirty = true
}

func (c *verifyCache) save() error {
	if c.path == "" || !c.dirty {
		return nil
	}
	b, err := json.Marshal(c.files)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return err
	}
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, c.path)
}

// checkFiles checks every text file, using the cache, on all cores.
func checkFiles(files []File, fallback flowlog.Format, cache *verifyCache) (map[string]checked, error) {
	out := make(map[string]checked, len(files))
	var mu sync.Mutex
	var firstErr error
	jobs := make(chan File)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for f := range jobs {
				ch, ok := cache.get(f)
				var err error
				if !ok {
					ch, err = checkFile(f, fallback)
					if err == nil {
						cache.put(f, ch)
					}
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				out[f.Path] = ch
				mu.Unlock()
			}
		})
	}
	for _, f := range files {
		if isText(f.Path) {
			jobs <- f
		}
	}
	close(jobs)
	wg.Wait()
	return out, firstErr
}

func isText(path string) bool { return !strings.HasSuffix(path, ".parquet") }

// checkFile reads a whole text file: gzip integrity, header, and every line.
func checkFile(f File, fallback flowlog.Format) (checked, error) {
	ch := checked{Size: f.Size, MTime: f.MTime}
	r, err := flowlog.OpenText(f.Path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return ch, err
		}
		return ch, &CorruptFileError{File: f.Path, Err: err}
	}
	defer r.Close()
	rd := flowlog.NewReader(r, fallback)
	for {
		_, err := rd.Next()
		if err == io.EOF {
			break
		}
		var le *flowlog.LineError
		if errors.As(err, &le) {
			ch.BadLines = append(ch.BadLines, BadLine{File: f.Path, Line: le.Line, Err: le.Error()})
			continue
		}
		if err != nil {
			return ch, &CorruptFileError{File: f.Path, Err: err}
		}
		ch.Records++
	}
	if rd.Headers > 0 {
		ch.Header = rd.Format().Header()
	}
	if rd.Headers > 1 {
		ch.BadLines = append(ch.BadLines, BadLine{File: f.Path, Line: 0,
			Err: fmt.Sprintf("%d header lines in one file; only the first is used for the table", rd.Headers)})
	}
	return ch, nil
}
