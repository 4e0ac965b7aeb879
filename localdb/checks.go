package localdb

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/flowq/flowq/internal/parallel"
)

// Check is what reading a whole text file through flowq's reader found. DuckDB
// does not check gzip integrity (a stream cut short reads as 0 rows, one
// missing its CRC trailer as if whole), so no text file is read by DuckDB's
// CSV reader until flowq's reader has read it once, whole: the first query
// over a file reads it through flowq's reader (see scan.go), which checks the
// gzip stream and every line, and remembers the result here by size and
// modification time.
type Check struct {
	Size    int64  `json:"size"`
	MTime   int64  `json:"mtime"`
	CTime   int64  `json:"ctime,omitempty"`
	Inode   uint64 `json:"ino,omitempty"`
	Header  string `json:"header,omitempty"` // the first header line; "" when the file has none
	Records int64  `json:"records"`
	Bad     int    `json:"bad,omitempty"` // bad lines
	// BadLines are the first maxBadLinesKept bad lines, reported again by
	// every run that reads the file.
	BadLines []BadLine `json:"bad_lines,omitempty"`
	// Plain files are exactly one header line (or none) then records, nothing
	// else: DuckDB's CSV reader reads them with the same values as flowq's. The
	// others (bad or blank lines, headers repeated inside, a byte-order mark,
	// CRLF line ends) are always read through flowq's reader.
	Plain bool `json:"plain"`
}

// maxBadLinesKept bounds what is remembered of a file of garbage; the count
// stays exact.
const maxBadLinesKept = 1000

func (c Check) matches(f File) bool {
	return c.Size == f.Size && c.MTime == f.MTime && c.CTime == f.CTime && c.Inode == f.Inode
}

// checkCache remembers checks in a folder of small JSON files, one per data
// folder (a day or an hour of an S3 layout), named by a hash of the folder's
// absolute path. A query reads only the entries of the folders it reads, so
// the cache's size does not slow it down; an entry is rewritten whole through
// a unique temporary name and renamed into place, so concurrent runs never
// see a partial file (the last writer of a folder wins, and each merges what
// it finds on disk first); entries of files that no longer exist are dropped
// when their folder is written, and entries of folders that no longer exist
// are swept once a day.
type checkCache struct {
	dir     string // "" = remember nothing
	mu      sync.Mutex
	folders map[string]*folderChecks // by absolute folder
}

type folderChecks struct {
	Folder string
	Files  map[string]Check // by base name
	dirty  bool
}

// sweepEvery is how often entries of vanished folders are swept.
const sweepEvery = 24 * time.Hour

func newCheckCache(dir string) *checkCache {
	return &checkCache{dir: dir, folders: map[string]*folderChecks{}}
}

func (c *checkCache) entryPath(folder string) string {
	sum := sha256.Sum256([]byte(folder))
	return filepath.Join(c.dir, hex.EncodeToString(sum[:12])+".json")
}

// folder returns the loaded entry of an absolute folder. Call with c.mu held.
func (c *checkCache) folder(abs string) *folderChecks {
	if fc, ok := c.folders[abs]; ok {
		return fc
	}
	fc := &folderChecks{Folder: abs, Files: map[string]Check{}}
	if c.dir != "" {
		fc.readFrom(c.entryPath(abs))
	}
	c.folders[abs] = fc
	return fc
}

// folderDisk is an entry as written: the folder's files nearly always share
// one header line, so headers are listed once and files refer to them.
type folderDisk struct {
	Folder  string               `json:"folder"`
	Headers []string             `json:"headers,omitempty"`
	Files   map[string]checkDisk `json:"files"`
}

type checkDisk struct {
	Check
	H int `json:"h,omitempty"` // 1 + the index of the file's header in Headers; 0 for none
}

func (fc *folderChecks) MarshalJSON() ([]byte, error) {
	disk := folderDisk{Folder: fc.Folder, Files: make(map[string]checkDisk, len(fc.Files))}
	index := map[string]int{}
	for name, ch := range fc.Files {
		cd := checkDisk{Check: ch}
		if ch.Header != "" {
			if index[ch.Header] == 0 {
				disk.Headers = append(disk.Headers, ch.Header)
				index[ch.Header] = len(disk.Headers)
			}
			cd.H, cd.Header = index[ch.Header], ""
		}
		disk.Files[name] = cd
	}
	return json.Marshal(disk)
}

// readFrom merges the entry on disk; a damaged entry only costs a re-check.
func (fc *folderChecks) readFrom(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	var disk folderDisk
	if json.Unmarshal(b, &disk) != nil || disk.Folder != fc.Folder {
		return
	}
	for name, cd := range disk.Files {
		if cd.H < 0 || cd.H > len(disk.Headers) {
			return
		}
		if cd.H > 0 {
			cd.Header = disk.Headers[cd.H-1]
		}
		if _, ok := fc.Files[name]; !ok {
			fc.Files[name] = cd.Check
		}
	}
}

// preload reads the entries of the given folders on every core.
func (c *checkCache) preload(dirs []string) {
	if c.dir == "" {
		return
	}
	loaded := make([]*folderChecks, len(dirs))
	parallel.Do(len(dirs), func(i int) {
		fc := &folderChecks{Folder: dirs[i], Files: map[string]Check{}}
		fc.readFrom(c.entryPath(dirs[i]))
		loaded[i] = fc
	})
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, fc := range loaded {
		if _, ok := c.folders[fc.Folder]; !ok {
			c.folders[fc.Folder] = fc
		}
	}
}

// get returns the check of a file, if one was made of it as it is now.
func (c *checkCache) get(f File) (Check, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.folder(f.absDir).Files[filepath.Base(f.Path)]
	return ch, ok && ch.matches(f)
}

// put records a check.
func (c *checkCache) put(f File, ch Check) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fc := c.folder(f.absDir)
	fc.Files[filepath.Base(f.Path)] = ch
	fc.dirty = true
}

// save writes the folders that have new checks. A failure is returned for the
// caller to warn about: a cache that cannot be written only costs a re-check.
func (c *checkCache) save() error {
	if c.dir == "" {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	dirty := false
	for _, fc := range c.folders {
		if !fc.dirty {
			continue
		}
		dirty = true
		if err := c.write(fc); err != nil {
			errs = append(errs, err)
			continue
		}
		fc.dirty = false
	}
	if dirty {
		c.sweep()
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remember checked files in %s: %w", c.dir, err)
	}
	return nil
}

// write merges what another run wrote since this one read the entry, drops
// the files that are gone, and replaces the entry atomically.
func (c *checkCache) write(fc *folderChecks) error {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	path := c.entryPath(fc.Folder)
	fc.readFrom(path)
	if entries, err := os.ReadDir(fc.Folder); err == nil {
		present := make(map[string]bool, len(entries))
		for _, e := range entries {
			present[e.Name()] = true
		}
		for name := range fc.Files {
			if !present[name] {
				delete(fc.Files, name)
			}
		}
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

// sweep removes, at most once per sweepEvery, the entries of folders that no
// longer exist and temporary files that crashed runs left behind. It is best
// effort: what it cannot remove now it removes another day.
func (c *checkCache) sweep() {
	marker := filepath.Join(c.dir, ".swept")
	if info, err := os.Stat(marker); err == nil && time.Since(info.ModTime()) < sweepEvery {
		return
	}
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		return
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		path := filepath.Join(c.dir, e.Name())
		switch {
		case strings.HasSuffix(e.Name(), ".tmp"):
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
				os.Remove(path)
			}
		case strings.HasSuffix(e.Name(), ".json"):
			var fc folderDisk
			b, err := os.ReadFile(path)
			if err != nil {
				continue
			}
			if json.Unmarshal(b, &fc) != nil {
				os.Remove(path)
				continue
			}
			if _, err := os.Stat(fc.Folder); errors.Is(err, fs.ErrNotExist) {
				os.Remove(path)
			}
		}
	}
}

// BadLine is a line of a file that is not a record of its format.
type BadLine struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Err  string `json:"error"`
}

func (b BadLine) String() string { return fmt.Sprintf("%s: %s", b.File, b.Err) }

// BadLinesError is returned in strict mode when any line is bad: by Open for
// files whose bad lines an earlier run found, by the query that finds one.
type BadLinesError struct {
	Count   int       // bad lines known
	Lines   []BadLine // the first of them
	Stopped bool      // found by a query, which stopped there
}

func (e *BadLinesError) Error() string {
	if e.Stopped {
		return fmt.Sprintf("bad line (--strict stops at the first one): %s", e.Lines[0])
	}
	return fmt.Sprintf("%d bad line(s) (--strict); first: %s", e.Count, e.Lines[0])
}

// CorruptFileError is a text file whose gzip stream is truncated or corrupt.
type CorruptFileError struct {
	File string
	Err  error
}

func (e *CorruptFileError) Error() string {
	return fmt.Sprintf("%s: corrupt or truncated gzip file: %s", e.File, strings.TrimPrefix(e.Err.Error(), e.File+": "))
}
func (e *CorruptFileError) Unwrap() error { return e.Err }
