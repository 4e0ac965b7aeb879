package awsfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what a fake does to a call instead of answering it well.
type Fault int

const (
	// Throttle answers the service's throttling error (Athena's
	// TooManyRequestsException, Glue's ThrottlingException, S3's 503
	// SlowDown), which the SDK's retryer retries.
	Throttle Fault = iota + 1
	// ServerError answers HTTP 500 with the service's internal error.
	ServerError
	// Drop sends half of the answer and closes the connection: a connection
	// dropped mid-page, an object cut short mid-transfer.
	Drop
)

// faults are the faults queued for a fake's operations, each used once, in
// order.
type faults struct {
	mu    sync.Mutex
	queue map[string][]Fault
}

// Inject makes the next n calls of the operation (GetQueryResults,
// GetObject…) meet the fault.
func (f *faults) Inject(op string, n int, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.queue == nil {
		f.queue = map[string][]Fault{}
	}
	for range n {
		f.queue[op] = append(f.queue[op], fault)
	}
}

// next takes the operation's next fault, 0 for none.
func (f *faults) next(op string) Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.queue[op]
	if len(q) == 0 {
		return 0
	}
	f.queue[op] = q[1:]
	return q[0]
}

// apiError is an error a fake answers: its HTTP status, AWS error code and
// message.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func invalid(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidRequestException", fmt.Sprintf(format, args...)}
}

// writeJSONError answers an error as the JSON protocols do: the code in
// X-Amzn-ErrorType and in the body's __type.
func writeJSONError(w http.ResponseWriter, e *apiError) {
	body, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.message})
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	w.Header().Set("X-Amzn-RequestId", "fake-request")
	w.WriteHeader(e.status)
	w.Write(body)
}

// jsonService serves an AWS JSON 1.1 protocol: POST / with the operation in
// X-Amz-Target (prefix.Operation), a SigV4 signature for the service, the
// input as a JSON body. It applies the queued faults, then calls the
// operation's handler, which decodes the input and returns the output.
type jsonService struct {
	service   string // the signing name: athena, glue
	prefix    string // X-Amz-Target's prefix: AmazonAthena, AWSGlue
	throttle  string // the service's throttling error code
	internal  string // its internal error code
	faults    faults
	mu        sync.Mutex
	calls     []string
	operation map[string]func(body []byte) (any, error)
}

// Calls are the operations the fake answered or faulted, in order.
func (s *jsonService) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// Count is how many calls the operation got.
func (s *jsonService) Count(op string) int {
	n := 0
	for _, c := range s.Calls() {
		if c == op {
			n++
		}
	}
	return n
}

// Inject queues a fault for the next n calls of an operation.
func (s *jsonService) Inject(op string, n int, f Fault) { s.faults.Inject(op, n, f) }

func (s *jsonService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		writeJSONError(w, &apiError{http.StatusBadRequest, "SerializationException", err.Error()})
		return
	}
	if _, err := verifySigV4(r, body, s.service, time.Now()); err != nil {
		if e, ok := err.(*authError); ok {
			writeJSONError(w, &apiError{e.status, e.code, e.message})
		} else {
			writeJSONError(w, &apiError{http.StatusInternalServerError, s.internal, err.Error()})
		}
		return
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), s.prefix+".")
	handler := s.operation[op]
	if r.Method != http.MethodPost || !ok || handler == nil {
		writeJSONError(w, &apiError{http.StatusBadRequest, "UnknownOperationException", "the fake does not serve " + r.Header.Get("X-Amz-Target")})
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, op)
	s.mu.Unlock()
	switch s.faults.next(op) {
	case Throttle:
		writeJSONError(w, &apiError{http.StatusBadRequest, s.throttle, "Rate exceeded"})
		return
	case ServerError:
		writeJSONError(w, &apiError{http.StatusInternalServerError, s.internal, "the fake fails this call"})
		return
	case Drop:
		out, err := handler(body)
		if err != nil {
			writeJSONError(w, err.(*apiError))
			return
		}
		dropMidway(w, marshal(out))
	}
	out, err := handler(body)
	if err != nil {
		e, ok := err.(*apiError)
		if !ok {
			e = &apiError{http.StatusInternalServerError, s.internal, err.Error()}
		}
		writeJSONError(w, e)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-RequestId", "fake-request")
	w.Write(marshal(out))
}

// dropMidway promises the whole body, sends half of it and drops the
// connection, as a network failure mid-answer does.
func dropMidway(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // the fakes' own outputs: a bug in the fake
	}
	return b
}

// decode reads an operation's input.
func decode(body []byte, into any) error {
	if err := json.Unmarshal(body, into); err != nil {
		return &apiError{http.StatusBadRequest, "SerializationException", err.Error()}
	}
	return nil
}

// epoch is a timestamp as the JSON protocols write one: seconds since 1970.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
