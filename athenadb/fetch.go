package athenadb

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/gzip"

	"github.com/flowq/flowq/internal/parallel"
)

// localPath is where a file of the plan goes below dest.
func localPath(dest, rel string) string { return filepath.Join(dest, filepath.FromSlash(rel)) }

// journalEntry records a file downloaded whole.
type journalEntry struct {
	Path   string `json:"path"`   // below the destination, slash-separated
	Source string `json:"source"` // s3://bucket/key
	Size   int64  `json:"size"`
	ETag   string `json:"etag"`
}

// openJournal opens the destination's journal to append to it. A last line
// cut short by a run that stopped while writing it is ended first, so that
// the next entry starts a line of its own.
func openJournal(dest string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dest, DownloadJournal), os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	last := make([]byte, 1)
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	return f, nil
}

// readJournal reads the destination's journal: for each path, its last entry.
// A line that does not decode (a run stopped while writing it) only loses its
// file's entry, so that file is fetched again.
func readJournal(dest string) (map[string]journalEntry, error) {
	out := map[string]journalEntry{}
	f, err := os.Open(filepath.Join(dest, DownloadJournal))
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the download journal: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		var e journalEntry
		if json.Unmarshal(line, &e) == nil && e.Path != "" {
			out[e.Path] = e
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read the download journal: %w", err)
		}
	}
}

// DownloadProgress is how far a download is.
type DownloadProgress struct {
	Files     int   // files to fetch
	Done      int   // files finished: fetched, or failed
	Failed    int   // files not kept
	Bytes     int64 // bytes to fetch, as listed
	DoneBytes int64 // bytes of the files fetched
}

// DownloadResult is what a download did.
type DownloadResult struct {
	Fetched      int
	FetchedBytes int64
	Skipped      int // already present (DownloadPlan.Present)
	SkippedBytes int64
	Retried      int // transfers started again after being cut short
	Failed       []*FileError
}

// FileError is an object a download could not keep: it arrived whole but
// failed its check (Damaged), or its transfer failed every attempt.
type FileError struct {
	URL     string // s3://bucket/key
	Damaged bool
	Err     error
}

func (e *FileError) Error() string {
	if e.Damaged {
		return e.URL + ": damaged, not kept: " + e.Err.Error()
	}
	return e.URL + ": " + e.Err.Error()
}

func (e *FileError) Unwrap() error { return e.Err }

// DownloadError lists the files a download could not keep; it downloaded the
// others.
type DownloadError struct {
	Failed []*FileError
}

func (e *DownloadError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d file(s) not downloaded:", len(e.Failed))
	for _, f := range e.Failed {
		b.WriteString("\n  " + f.Error())
	}
	return b.String()
}

// Download fetches the plan's files into its destination, Parallel at a
// time, keeping the keys' folders below the location's prefix: a tree that
// flowq's local engine reads as it is. Each file is written to a hidden name
// in its folder (.NAME.partial, which no reader takes for a log file) and
// renamed when it is whole and checked, so that an interrupted download leaves
// no partial file under a real name; then it is recorded in the journal. A
// .log.gz is decompressed as it arrives (the gzip trailer's CRC-32 and size
// checked), a Parquet file must start and end with PAR1. A transfer cut short
// is started again, as the client's retryer retries a call (its attempts and
// delays); a file damaged in the bucket is not kept, and the others are
// downloaded: the error is then a *DownloadError naming each. Failing to write
// locally stops the download.
//
// progress, when not nil, is called before the first file and after each, one
// call at a time.
func (c *S3) Download(ctx context.Context, plan *DownloadPlan, progress func(DownloadProgress)) (*DownloadResult, error) {
	dest := plan.Options.Dest
	res := &DownloadResult{Skipped: len(plan.Present), SkippedBytes: plan.PresentBytes()}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return res, fmt.Errorf("download: create the destination: %w", err)
	}
	journal, err := openJournal(dest)
	if err != nil {
		return res, fmt.Errorf("download: open the journal: %w", err)
	}
	defer journal.Close()

	var mu sync.Mutex
	prog := DownloadProgress{Files: len(plan.Files), Bytes: plan.FetchBytes()}
	report := func() {
		if progress != nil {
			progress(prog)
		}
	}
	report()
	runCtx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	parallel.Run(runCtx, len(plan.Files), cmp.Or(plan.Options.Parallel, DefaultParallel), func(ctx context.Context, i int) error {
		f := plan.Files[i]
		got, retried, err := c.fetch(ctx, plan, f)
		mu.Lock()
		defer mu.Unlock()
		res.Retried += retried
		var fe *FileError
		switch {
		case err == nil: // recorded even when cancelled since: it is whole under its name
			line, _ := json.Marshal(got)
			if _, err := journal.Write(append(line, '\n')); err != nil {
				stop(fmt.Errorf("download: write the journal: %w", err))
				return nil
			}
			res.Fetched++
			res.FetchedBytes += got.Size
			prog.DoneBytes += got.Size
		case ctx.Err() != nil:
			return nil // cancelled: not this file's failure
		case errors.As(err, &fe):
			res.Failed = append(res.Failed, fe)
			prog.Failed++
		default:
			stop(err) // the destination fails: every file would
			return nil
		}
		prog.Done++
		report()
		return nil
	})
	if err := ctx.Err(); err != nil {
		return res, err
	}
	if err := context.Cause(runCtx); err != nil && !errors.Is(err, context.Canceled) {
		return res, err
	}
	if len(res.Failed) > 0 {
		slices.SortFunc(res.Failed, func(a, b *FileError) int { return strings.Compare(a.URL, b.URL) })
		return res, &DownloadError{Failed: res.Failed}
	}
	return res, nil
}

// fetch downloads one file, starting again when the transfer is cut short.
// An error about the object is a *FileError; any other is the destination's.
func (c *S3) fetch(ctx context.Context, plan *DownloadPlan, f DownloadFile) (journalEntry, int, error) {
	retryer := c.client.Options().Retryer
	attempts := 3
	if retryer != nil && retryer.MaxAttempts() > 0 {
		attempts = retryer.MaxAttempts()
	}
	url := plan.URL(f.Key)
	for attempt := 1; ; attempt++ {
		got, err := c.fetchOnce(ctx, plan, f)
		var cut *cutShort
		if !errors.As(err, &cut) || ctx.Err() != nil {
			return got, attempt - 1, err
		}
		if attempt == attempts {
			return got, attempt - 1, &FileError{URL: url, Err: fmt.Errorf("%w (%d attempts)", cut, attempts)}
		}
		var delay time.Duration
		if retryer != nil {
			delay, _ = retryer.RetryDelay(attempt, cut)
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return got, attempt, ctx.Err()
		}
	}
}

// cutShort is a transfer that ended before the object did: it is tried again.
type cutShort struct {
	got, want int64
	err       error // the connection's error, if any
}

func (e *cutShort) Error() string {
	if e.err != nil {
		return fmt.Sprintf("transfer cut short after %d of %d bytes: %v", e.got, e.want, e.err)
	}
	return fmt.Sprintf("transfer cut short: %d of %d bytes", e.got, e.want)
}

func (e *cutShort) Unwrap() error { return e.err }

// fetchOnce downloads one file once, to its hidden name, checking it as it
// arrives, and renames it when it is whole and sound.
func (c *S3) fetchOnce(ctx context.Context, plan *DownloadPlan, f DownloadFile) (journalEntry, error) {
	url := plan.URL(f.Key)
	out, err := c.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(plan.Bucket), Key: aws.String(f.Key)})
	if err != nil {
		if ctx.Err() != nil {
			return journalEntry{}, ctx.Err()
		}
		return journalEntry{}, &FileError{URL: url, Err: fmt.Errorf("get: %w", serviceError(err))}
	}
	defer out.Body.Close()
	size := f.Size
	if out.ContentLength != nil {
		size = *out.ContentLength
	}
	final := localPath(plan.Options.Dest, f.Path)
	dir, name := filepath.Split(final)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return journalEntry{}, fmt.Errorf("download: %w", err)
	}
	temp := filepath.Join(dir, "."+name+".partial")
	file, err := os.Create(temp)
	if err != nil {
		return journalEntry{}, fmt.Errorf("download: %w", err)
	}
	kept := false
	defer func() {
		if !kept {
			file.Close()
			os.Remove(temp)
		}
	}()
	body := &countingReader{r: out.Body}
	local := &errWriter{w: file}
	checkErr := checkContent(io.TeeReader(body, local), path.Base(f.Key))
	switch {
	case local.err != nil:
		return journalEntry{}, fmt.Errorf("download: write %s: %w", temp, local.err)
	case ctx.Err() != nil:
		return journalEntry{}, ctx.Err()
	case body.err != nil || body.n != size:
		return journalEntry{}, &cutShort{got: body.n, want: size, err: body.err}
	case checkErr != nil:
		return journalEntry{}, &FileError{URL: url, Damaged: true, Err: checkErr}
	}
	// On disk before the rename and the journal's word: after a crash, a
	// file the journal names holds its whole content.
	if err := file.Sync(); err != nil {
		return journalEntry{}, fmt.Errorf("download: write %s: %w", temp, err)
	}
	if err := file.Close(); err != nil {
		return journalEntry{}, fmt.Errorf("download: write %s: %w", temp, err)
	}
	if err := os.Rename(temp, final); err != nil {
		return journalEntry{}, fmt.Errorf("download: %w", err)
	}
	kept = true
	return journalEntry{Path: f.Path, Source: url, Size: body.n, ETag: aws.ToString(out.ETag)}, nil
}

// checkContent reads a file to its end and says whether its content is
// sound: a gzip stream must decompress whole, its trailer's CRC-32 and size
// matching (the gzip reader checks them); a Parquet file must start and end
// with its magic number. The reader is read to its end whatever it finds, so that the
// caller can tell a damaged object from a transfer cut short.
func checkContent(r io.Reader, name string) error {
	var err error
	switch {
	case strings.HasSuffix(name, ".gz"):
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(r); err == nil {
			_, err = io.Copy(io.Discard, zr)
		}
		err = gzipError(err)
	case strings.HasSuffix(name, ".parquet"):
		m := &parquetEnds{}
		if _, err = io.Copy(m, r); err == nil {
			err = m.check()
		}
	}
	io.Copy(io.Discard, r)
	return err
}

// gzipError says what is wrong with a gzip stream.
func gzipError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("gzip: the stream ends before its trailer")
	case errors.Is(err, gzip.ErrChecksum):
		return fmt.Errorf("gzip: the CRC-32 or size in the trailer does not match the content")
	case strings.HasPrefix(err.Error(), "gzip: "):
		return err
	}
	return fmt.Errorf("gzip: %w", err)
}

// parquetMagic starts and ends every Parquet file.
var parquetMagic = []byte("PAR1")

// parquetEnds keeps the first and last bytes written to it.
type parquetEnds struct {
	head, tail []byte
	n          int64
}

func (m *parquetEnds) Write(b []byte) (int, error) {
	m.n += int64(len(b))
	if len(m.head) < len(parquetMagic) {
		m.head = append(m.head, b[:min(len(b), len(parquetMagic)-len(m.head))]...)
	}
	m.tail = append(m.tail, b[max(0, len(b)-len(parquetMagic)):]...)
	m.tail = m.tail[max(0, len(m.tail)-len(parquetMagic)):]
	return len(b), nil
}

func (m *parquetEnds) check() error {
	if m.n < 2*int64(len(parquetMagic)) || !bytes.Equal(m.head, parquetMagic) || !bytes.Equal(m.tail, parquetMagic) {
		return errors.New("parquet: not a Parquet file: no PAR1 at its start and its end")
	}
	return nil
}

// countingReader counts what it reads and keeps the first error other than
// the end of the stream: the connection's.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}

// errWriter keeps its writer's first error, so that a failing disk is told
// apart from a failing transfer.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}
