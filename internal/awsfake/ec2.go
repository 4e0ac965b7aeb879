// Package awsfake serves in-process fakes of the AWS HTTP APIs flowq calls, for
// tests that run the real SDK clients against them.
package awsfake

import (
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// FlowLog is a flow log the EC2 fake knows.
type FlowLog struct {
	ID, LogFormat, DestinationType, Destination, FileFormat, ResourceID string
	Hive, PerHour                                                       bool
}

// Request is a request the EC2 fake accepted: its signature verified.
type Request struct {
	Action string
	Host   string // the Host the client addressed, which the signature covers
	Region string // the region the client signed for
}

// EC2 fakes the EC2 Query API's DescribeFlowLogs. It verifies each request's
// SigV4 signature (see AccessKeyID) and refuses, with an EC2 error document, a
// request unsigned or signed wrongly; it answers "fl-error" with an error
// document, and the failures queued by Fail before anything else.
type EC2 struct {
	*httptest.Server
	mu       sync.Mutex
	flowLogs map[string]FlowLog
	failures []failure
	Calls    []string  // the Action of each accepted request
	Requests []Request // each accepted request
}

// failure is an error the fake answers instead of serving a request.
type failure struct {
	status int
	code   string
}

// NewEC2 starts the fake over HTTP; it stops when the test ends.
func NewEC2(t testing.TB, logs ...FlowLog) *EC2 {
	f := newEC2(logs)
	f.Server = httptest.NewServer(f)
	t.Cleanup(f.Close)
	return f
}

// NewEC2TLS starts the fake over HTTPS, with a certificate of its own that
// only a client trusting f.Certificate() accepts.
func NewEC2TLS(t testing.TB, logs ...FlowLog) *EC2 {
	f := newEC2(logs)
	f.Server = httptest.NewUnstartedServer(f)
	f.Config.ErrorLog = log.New(io.Discard, "", 0) // a client refusing the certificate is what tests try
	f.StartTLS()
	t.Cleanup(f.Close)
	return f
}

func newEC2(logs []FlowLog) *EC2 {
	f := &EC2{flowLogs: map[string]FlowLog{}}
	for _, l := range logs {
		f.flowLogs[l.ID] = l
	}
	return f
}

// Fail makes the next n accepted requests fail with an EC2 error of this HTTP
// status and code, as a throttled (503 RequestLimitExceeded) or failing
// (500 InternalError) EC2 answers.
func (f *EC2) Fail(n, status int, code string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.failures = append(f.failures, failure{status, code})
	}
}

// Client is an HTTP client that delivers every request to the fake, whatever
// host it names, keeping that host in the Host header: with it, a test sees in
// Requests which endpoint the SDK resolved, and the signature still covers the
// host the SDK signed.
func (f *EC2) Client() *http.Client {
	target, _ := url.Parse(f.URL)
	return &http.Client{Transport: redirect{target: target, next: f.Server.Client().Transport}}
}

type redirect struct {
	target *url.URL
	next   http.RoundTripper
}

func (rt redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	out := req.Clone(req.Context())
	out.Host = req.URL.Host
	if req.Host != "" {
		out.Host = req.Host
	}
	out.URL.Scheme, out.URL.Host = rt.target.Scheme, rt.target.Host
	return rt.next.RoundTrip(out)
}

type flowLogItem struct {
	FlowLogID          string `xml:"flowLogId"`
	LogFormat          string `xml:"logFormat,omitempty"`
	LogDestinationType string `xml:"logDestinationType"`
	LogDestination     string `xml:"logDestination,omitempty"`
	ResourceID         string `xml:"resourceId,omitempty"`
	FileFormat         string `xml:"destinationOptions>fileFormat,omitempty"`
	Hive               bool   `xml:"destinationOptions>hiveCompatiblePartitions"`
	PerHour            bool   `xml:"destinationOptions>perHourPartition"`
}

type describeFlowLogsResponse struct {
	XMLName   xml.Name      `xml:"DescribeFlowLogsResponse"`
	Xmlns     string        `xml:"xmlns,attr"`
	RequestID string        `xml:"requestId"`
	Items     []flowLogItem `xml:"flowLogSet>item"`
}

// errorResponse is EC2's error document.
type errorResponse struct {
	XMLName   xml.Name `xml:"Response"`
	Code      string   `xml:"Errors>Error>Code"`
	Message   string   `xml:"Errors>Error>Message"`
	RequestID string   `xml:"RequestID"`
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	out, _ := xml.Marshal(errorResponse{Code: code, Message: message, RequestID: "fake-request"})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	w.Write(out)
}

func (f *EC2) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	signed, err := verifySigV4(r, body, "ec2", time.Now())
	if err != nil {
		if e, ok := err.(*authError); ok {
			writeError(w, e.status, e.code, e.message)
		} else {
			writeError(w, http.StatusInternalServerError, "InternalError", err.Error())
		}
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, "MalformedQueryString", err.Error())
		return
	}
	action := form.Get("Action")
	f.mu.Lock()
	f.Calls = append(f.Calls, action)
	f.Requests = append(f.Requests, Request{Action: action, Host: r.Host, Region: signed.Region})
	var fail *failure
	if len(f.failures) > 0 {
		fail = &f.failures[0]
		f.failures = f.failures[1:]
	}
	f.mu.Unlock()
	if fail != nil {
		writeError(w, fail.status, fail.code, "the fake fails this request")
		return
	}
	if action != "DescribeFlowLogs" {
		writeError(w, http.StatusBadRequest, "InvalidAction", "the fake does not serve "+action)
		return
	}
	if form.Get("Version") != "2016-11-15" {
		writeError(w, http.StatusBadRequest, "MissingParameter", "missing API version")
		return
	}
	if id := form.Get("FlowLogId.1"); id == "fl-error" {
		writeError(w, http.StatusBadRequest, "InvalidFlowLogId.Malformed", "the fake refuses "+id)
		return
	}
	resp := describeFlowLogsResponse{Xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/", RequestID: "fake-request"}
	for i := 1; ; i++ {
		id := form.Get(fmt.Sprintf("FlowLogId.%d", i))
		if id == "" {
			break
		}
		f.mu.Lock()
		l, ok := f.flowLogs[id]
		f.mu.Unlock()
		if ok {
			resp.Items = append(resp.Items, flowLogItem{FlowLogID: l.ID, LogFormat: l.LogFormat, LogDestinationType: l.DestinationType,
				LogDestination: l.Destination, ResourceID: l.ResourceID, FileFormat: l.FileFormat, Hive: l.Hive, PerHour: l.PerHour})
		}
	}
	w.Header().Set("Content-Type", "text/xml")
	out, _ := xml.Marshal(resp)
	w.Write(out)
}
