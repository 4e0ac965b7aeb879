package awsfake_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/flowq/flowq/internal/awsfake"
)

const describe = "Action=DescribeFlowLogs&FlowLogId.1=fl-1&Version=2016-11-15"

// signing is how a test request is signed; the zero value signs it as the
// SDK would, with the fake's key pair.
type signing struct {
	key, secret, region, service string
	at                           time.Time
	unsigned                     bool
}

// newRequest builds a DescribeFlowLogs POST to the fake, signed as s says.
func newRequest(t *testing.T, fake *awsfake.EC2, body string, s signing) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, fake.URL+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if s.unsigned {
		return req
	}
	if s.key == "" {
		s.key, s.secret = awsfake.AccessKeyID, awsfake.SecretAccessKey
	}
	if s.region == "" {
		s.region = "eu-west-1"
	}
	if s.service == "" {
		s.service = "ec2"
	}
	if s.at.IsZero() {
		s.at = time.Now()
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: s.key, SecretAccessKey: s.secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), s.service, s.region, s.at); err != nil {
		t.Fatal(err)
	}
	return req
}

// send returns the status and, for an error, the error document's code.
func send(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == http.StatusOK {
		if !strings.Contains(string(body), "<flowLogId>fl-1</flowLogId>") {
			t.Errorf("answer lacks the flow log: %s", body)
		}
		return resp.StatusCode, ""
	}
	var doc struct {
		Code      string `xml:"Errors>Error>Code"`
		Message   string `xml:"Errors>Error>Message"`
		RequestID string `xml:"RequestID"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil || doc.Message == "" || doc.RequestID == "" {
		t.Errorf("not an EC2 error document (%v): %s", err, body)
	}
	return resp.StatusCode, doc.Code
}

// TestEC2Signature: the fake accepts a request signed with its key pair and
// refuses one unsigned, signed with another secret or key, for another service,
// too long ago, or changed after it was signed.
func TestEC2Signature(t *testing.T) {
	fake := awsfake.NewEC2(t, awsfake.FlowLog{ID: "fl-1", DestinationType: "s3", Destination: "arn:aws:s3:::b"})
	for _, tc := range []struct {
		name   string
		req    func() *http.Request
		status int
		code   string
	}{
		{"signed", func() *http.Request { return newRequest(t, fake, describe, signing{}) }, 200, ""},
		{"an unsigned header added after signing", func() *http.Request {
			req := newRequest(t, fake, describe, signing{})
			req.Header.Set("User-Agent", "changed")
			return req
		}, 200, ""},
		{"unsigned", func() *http.Request { return newRequest(t, fake, describe, signing{unsigned: true}) }, 401, "MissingAuthenticationToken"},
		{"wrong secret", func() *http.Request {
			return newRequest(t, fake, describe, signing{key: awsfake.AccessKeyID, secret: "not-the-secret"})
		}, 403, "SignatureDoesNotMatch"},
		{"unknown key", func() *http.Request { return newRequest(t, fake, describe, signing{key: "AKIDOTHER", secret: "x"}) }, 401, "AuthFailure"},
		{"another service", func() *http.Request { return newRequest(t, fake, describe, signing{service: "s3"}) }, 400, "IncompleteSignature"},
		{"signed 20 minutes ago", func() *http.Request {
			return newRequest(t, fake, describe, signing{at: time.Now().Add(-20 * time.Minute)})
		}, 400, "RequestExpired"},
		{"body changed after signing", func() *http.Request {
			req := newRequest(t, fake, describe, signing{})
			changed := strings.Replace(describe, "fl-1", "fl-2", 1) // the same length
			req.Body = io.NopCloser(strings.NewReader(changed))
			return req
		}, 403, "SignatureDoesNotMatch"},
		{"signed header changed after signing", func() *http.Request {
			req := newRequest(t, fake, describe, signing{})
			req.Header.Set("Content-Type", "text/plain")
			return req
		}, 403, "SignatureDoesNotMatch"},
		{"date changed after signing", func() *http.Request {
			req := newRequest(t, fake, describe, signing{})
			req.Header.Set("X-Amz-Date", time.Now().Add(time.Minute).UTC().Format("20060102T150405Z"))
			return req
		}, 403, "SignatureDoesNotMatch"},
		{"query added after signing", func() *http.Request {
			req := newRequest(t, fake, describe, signing{})
			req.URL.RawQuery = url.Values{"DryRun": {"true"}}.Encode()
			return req
		}, 403, "SignatureDoesNotMatch"},
		{"sent to another host than signed", func() *http.Request {
			req := newRequest(t, fake, describe, signing{})
			req.Host = "ec2.eu-west-1.amazonaws.com"
			return req
		}, 403, "SignatureDoesNotMatch"},
		{"a signed header removed", func() *http.Request {
			req := newRequest(t, fake, describe, signing{})
			req.Header.Del("Content-Type")
			return req
		}, 400, "IncompleteSignature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code := send(t, tc.req())
			if status != tc.status || code != tc.code {
				t.Errorf("got %d %q, want %d %q", status, code, tc.status, tc.code)
			}
		})
	}
	// Only the two accepted requests reached the API.
	if strings.Join(fake.Calls, ",") != "DescribeFlowLogs,DescribeFlowLogs" {
		t.Errorf("calls %v", fake.Calls)
	}
	want := awsfake.Request{Action: "DescribeFlowLogs", Host: strings.TrimPrefix(fake.URL, "http://"), Region: "eu-west-1"}
	if len(fake.Requests) != 2 || fake.Requests[0] != want {
		t.Errorf("requests %+v, want %+v", fake.Requests, want)
	}
}

// TestEC2Fail: queued failures answer first, in order, then the fake serves.
func TestEC2Fail(t *testing.T) {
	fake := awsfake.NewEC2(t, awsfake.FlowLog{ID: "fl-1", DestinationType: "s3", Destination: "arn:aws:s3:::b"})
	fake.Fail(1, http.StatusServiceUnavailable, "RequestLimitExceeded")
	fake.Fail(1, http.StatusInternalServerError, "InternalError")
	var got []string
	for range 3 {
		status, code := send(t, newRequest(t, fake, describe, signing{}))
		got = append(got, http.StatusText(status)+" "+code)
	}
	if strings.Join(got, ",") != "Service Unavailable RequestLimitExceeded,Internal Server Error InternalError,OK " {
		t.Errorf("got %q", got)
	}
}

// TestEC2Client: the fake's client delivers a request for any host to the
// fake, which records the host the client addressed and signed.
func TestEC2Client(t *testing.T) {
	fake := awsfake.NewEC2TLS(t, awsfake.FlowLog{ID: "fl-1", DestinationType: "s3", Destination: "arn:aws:s3:::b"})
	req, err := http.NewRequest(http.MethodPost, "https://ec2.cn-north-1.amazonaws.com.cn/", strings.NewReader(describe))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(describe))
	creds := aws.Credentials{AccessKeyID: awsfake.AccessKeyID, SecretAccessKey: awsfake.SecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "ec2", "cn-north-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := fake.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := awsfake.Request{Action: "DescribeFlowLogs", Host: "ec2.cn-north-1.amazonaws.com.cn", Region: "cn-north-1"}
	if resp.StatusCode != http.StatusOK || len(fake.Requests) != 1 || fake.Requests[0] != want {
		t.Errorf("status %d, requests %+v, want %+v", resp.StatusCode, fake.Requests, want)
	}
}
