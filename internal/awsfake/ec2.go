// Package awsfake serves in-process fakes of the AWS HTTP APIs flowq calls, for
// tests that run the real SDK clients against them.
package awsfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// FlowLog is a flow log the EC2 fake knows.
type FlowLog struct {
	ID, LogFormat, DestinationType, Destination, FileFormat, ResourceID string
	Hive, PerHour                                                       bool
}

// EC2 fakes the EC2 Query API's DescribeFlowLogs. It refuses unsigned requests
// and answers "fl-error" with an EC2 error document.
type EC2 struct {
	*httptest.Server
	mu       sync.Mutex
	flowLogs map[string]FlowLog
	Calls    []string // the Action of each request
}

// NewEC2 starts the fake; it stops when the test ends.
func NewEC2(t testing.TB, logs ...FlowLog) *EC2 {
	f := &EC2{flowLogs: map[string]FlowLog{}}
	for _, l := range logs {
		f.flowLogs[l.ID] = l
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
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

func (f *EC2) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// A SigV4 signature for the ec2 service, dated.
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=") || !strings.Contains(auth, "/ec2/aws4_request, SignedHeaders=") ||
		!strings.Contains(auth, ", Signature=") || r.Header.Get("X-Amz-Date") == "" {
		http.Error(w, "unsigned request", http.StatusForbidden)
		return
	}
	action := r.Form.Get("Action")
	f.mu.Lock()
	f.Calls = append(f.Calls, action)
	f.mu.Unlock()
	if action != "DescribeFlowLogs" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>InvalidAction</Code><Message>the fake does not serve %s</Message></Error></Errors><RequestID>fake</RequestID></Response>`, action)
		return
	}
	if r.Form.Get("Version") != "2016-11-15" {
		http.Error(w, "missing API version", http.StatusBadRequest)
		return
	}
	if id := r.Form.Get("FlowLogId.1"); id == "fl-error" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `<Response><Errors><Error><Code>InvalidFlowLogId.Malformed</Code><Message>the fake refuses %s</Message></Error></Errors><RequestID>fake-request</RequestID></Response>`, id)
		return
	}
	resp := describeFlowLogsResponse{Xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/", RequestID: "fake-request"}
	for i := 1; ; i++ {
		id := r.Form.Get(fmt.Sprintf("FlowLogId.%d", i))
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
