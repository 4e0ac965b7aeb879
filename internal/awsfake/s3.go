package awsfake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// S3 fakes S3 with gofakes3 (ListObjectsV2 with delimiters and pages,
// GetObject with ranges, HeadObject, ETags), path-style as the SDK addresses
// an endpoint that is an IP address. Around it, the fake checks each
// request's SigV4 signature, records the calls, and applies the faults
// queued for ListObjectsV2, GetObject and HeadObject: Throttle answers 503
// SlowDown, ServerError 500 InternalError, Drop sends half of the answer's
// body and closes the connection (an object cut short mid-transfer).
type S3 struct {
	faults
	backend *s3mem.Backend
	handler http.Handler
	mu      sync.Mutex
	calls   []S3Call
	opaque  bool // ETags are not the content's MD5: see OpaqueETags
}

// S3Call is a request the S3 fake got.
type S3Call struct {
	Op        string // ListObjectsV2, GetObject, HeadObject, or the method for others
	Bucket    string
	Key       string // the key, or a listing's prefix
	Delimiter string // a listing's delimiter: "" lists every key below the prefix
}

// NewS3Fake returns an S3 without buckets; New serves one.
func NewS3Fake() *S3 {
	b := s3mem.New()
	return &S3{backend: b, handler: gofakes3.New(b, gofakes3.WithAutoBucket(true)).Server()}
}

// Put stores an object, creating its bucket if needed.
func (s *S3) Put(bucket, key string, body []byte) {
	s.backend.CreateBucket(bucket) // exists already is fine
	if _, err := s.backend.PutObject(bucket, key, map[string]string{}, bytes.NewReader(body), int64(len(body)), nil); err != nil {
		panic(err)
	}
}

// Upload stores every file under dir as an object of bucket, its key the
// file's path below dir after prefix ("" or ending in /), as AWS laid it out
// when dir is a downloaded tree. It returns the keys.
func (s *S3) Upload(bucket, prefix, dir string) []string {
	var keys []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		key := prefix + filepath.ToSlash(rel)
		s.Put(bucket, key, body)
		keys = append(keys, key)
		return nil
	})
	if err != nil {
		panic(err)
	}
	return keys
}

// OpaqueETags makes the fake answer ETags that are not the MD5 of the
// content, as S3 does for objects encrypted with SSE-KMS or uploaded in
// parts: a client that compares them with an MD5 it computes finds every
// file changed. Each is still the same for the same content, in listings
// and in GetObject and HeadObject answers.
func (s *S3) OpaqueETags() {
	s.mu.Lock()
	s.opaque = true
	s.mu.Unlock()
}

// opaqueETag stands for an MD5 ETag (32 hex digits) with as many other digits.
func opaqueETag(md5 []byte) []byte {
	sum := sha256.Sum256(append([]byte("opaque:"), md5...))
	return []byte(hex.EncodeToString(sum[:16]))
}

// etagElement is an ETag in a listing, its quotes escaped as gofakes3 writes them.
var etagElement = regexp.MustCompile(`(<ETag>(?:&#34;|&quot;|")?)([0-9a-f]{32})((?:&#34;|&quot;|")?</ETag>)`)

// Calls are the requests served, in order.
func (s *S3) Calls() []S3Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]S3Call(nil), s.calls...)
}

// Count is how many calls of the operation were served.
func (s *S3) Count(op string) int {
	n := 0
	for _, c := range s.Calls() {
		if c.Op == op {
			n++
		}
	}
	return n
}

// Reset forgets the calls.
func (s *S3) Reset() {
	s.mu.Lock()
	s.calls = nil
	s.mu.Unlock()
}

type s3Error struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string
	Message   string
	RequestID string `xml:"RequestId"`
}

func writeS3Error(w http.ResponseWriter, status int, code, message string) {
	body, _ := xml.Marshal(s3Error{Code: code, Message: message, RequestID: "fake-request"})
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write(body)
}

func (s *S3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeS3Error(w, http.StatusBadRequest, "IncompleteBody", err.Error())
		return
	}
	if _, err := verifySigV4(r, body, "s3", time.Now()); err != nil {
		if e, ok := err.(*authError); ok {
			writeS3Error(w, e.status, e.code, e.message)
		} else {
			writeS3Error(w, http.StatusInternalServerError, "InternalError", err.Error())
		}
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	call := s3Op(r)
	s.mu.Lock()
	s.calls = append(s.calls, call)
	opaque := s.opaque
	s.mu.Unlock()
	fault := s.next(call.Op)
	switch fault {
	case Throttle:
		writeS3Error(w, http.StatusServiceUnavailable, "SlowDown", "Please reduce your request rate.")
		return
	case ServerError:
		writeS3Error(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		return
	}
	if fault != Drop && !opaque {
		s.handler.ServeHTTP(w, r)
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	s.handler.ServeHTTP(rec, r)
	answer := rec.body.Bytes()
	if opaque { // the same length: Content-Length holds
		if etag := rec.header.Get("ETag"); len(etag) == 34 {
			rec.header.Set("ETag", `"`+string(opaqueETag([]byte(etag[1:33])))+`"`)
		}
		answer = etagElement.ReplaceAllFunc(answer, func(m []byte) []byte {
			g := etagElement.FindSubmatch(m)
			return append(append(append([]byte{}, g[1]...), opaqueETag(g[2])...), g[3]...)
		})
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	if fault != Drop {
		w.Write(answer)
		return
	}
	w.Write(answer[:len(answer)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

// s3Op names a path-style request: /bucket?list-type=2, /bucket/key.
func s3Op(r *http.Request) S3Call {
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	c := S3Call{Op: r.Method, Bucket: bucket, Key: key}
	switch {
	case r.Method == http.MethodGet && key == "" && r.URL.Query().Get("list-type") == "2":
		c.Op, c.Key, c.Delimiter = "ListObjectsV2", r.URL.Query().Get("prefix"), r.URL.Query().Get("delimiter")
	case r.Method == http.MethodGet && key != "":
		c.Op = "GetObject"
	case r.Method == http.MethodHead && key != "":
		c.Op = "HeadObject"
	}
	return c
}

// recorder keeps an answer, to send part of it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
