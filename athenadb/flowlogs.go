// Package athenadb is flowq's AWS side: the Athena engine and the AWS lookups
// it needs. So far it reads a flow log's delivery settings from EC2, so that a
// table can be generated for exactly what the flow log writes.
package athenadb

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// EC2 calls the EC2 Query API. DescribeFlowLogs is the one EC2 call flowq
// makes, so it signs that request with the SDK's SigV4 signer and reads the
// XML itself, rather than building the SDK's EC2 client: that package takes
// longer to compile than the rest of flowq together.
type EC2 struct {
	cfg      aws.Config
	endpoint string
	http     *http.Client
}

// NewEC2 uses the configuration's credentials and region, and its
// BaseEndpoint when set (tests point it at a fake).
func NewEC2(cfg aws.Config) *EC2 {
	endpoint := aws.ToString(cfg.BaseEndpoint)
	if endpoint == "" {
		endpoint = "https://ec2." + cfg.Region + ".amazonaws.com"
		if strings.HasPrefix(cfg.Region, "cn-") {
			endpoint += ".cn"
		}
	}
	client := &http.Client{Timeout: 30 * time.Second}
	if cfg.HTTPClient != nil {
		if hc, ok := cfg.HTTPClient.(*http.Client); ok {
			client = hc
		}
	}
	return &EC2{cfg: cfg, endpoint: strings.TrimSuffix(endpoint, "/") + "/", http: client}
}

// Region is the region the client calls.
func (c *EC2) Region() string { return c.cfg.Region }

// FlowLogDelivery is what a flow log writes to S3 and where.
type FlowLogDelivery struct {
	ID         string
	LogFormat  string // "" means AWS's default format
	Location   string // s3://bucket/prefix/, the folder that holds AWSLogs/
	Parquet    bool
	Hive       bool // Hive-compatible S3 prefixes
	PerHour    bool // hourly folders
	ResourceID string
}

// flowLogItem is one flowLogSet item of a DescribeFlowLogs response.
type flowLogItem struct {
	FlowLogID          string `xml:"flowLogId"`
	LogFormat          string `xml:"logFormat"`
	LogDestinationType string `xml:"logDestinationType"`
	LogDestination     string `xml:"logDestination"`
	ResourceID         string `xml:"resourceId"`
	FileFormat         string `xml:"destinationOptions>fileFormat"`
	Hive               bool   `xml:"destinationOptions>hiveCompatiblePartitions"`
	PerHour            bool   `xml:"destinationOptions>perHourPartition"`
}

type describeFlowLogsResponse struct {
	Items []flowLogItem `xml:"flowLogSet>item"`
}

type errorResponse struct {
	Errors []struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Errors>Error"`
	RequestID string `xml:"RequestID"`
}

// FlowLog looks up a flow log by ID and returns its S3 delivery. A flow log that
// delivers elsewhere (CloudWatch Logs, Firehose) is an error: its records are
// not in S3 for Athena to read.
func (c *EC2) FlowLog(ctx context.Context, id string) (*FlowLogDelivery, error) {
	form := url.Values{"Action": {"DescribeFlowLogs"}, "Version": {"2016-11-15"}, "FlowLogId.1": {id}}
	body, err := c.call(ctx, form)
	if err != nil {
		return nil, fmt.Errorf("describe flow log %s: %w", id, err)
	}
	var out describeFlowLogsResponse
	if err := xml.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("describe flow log %s: read the response: %w", id, err)
	}
	if len(out.Items) == 0 {
		return nil, fmt.Errorf("describe flow log %s: no such flow log in this account and region (%s)", id, c.cfg.Region)
	}
	fl := out.Items[0]
	if fl.LogDestinationType != "s3" {
		return nil, fmt.Errorf("flow log %s delivers to %s, not S3: Athena reads flow logs from S3", id, fl.LogDestinationType)
	}
	// arn:aws:s3:::bucket/prefix, or another partition's arn:aws-cn:s3:::…
	i := strings.Index(fl.LogDestination, ":s3:::")
	if i < 0 || i+len(":s3:::") == len(fl.LogDestination) {
		return nil, fmt.Errorf("flow log %s: destination %q is not an S3 bucket ARN", id, fl.LogDestination)
	}
	path := fl.LogDestination[i+len(":s3:::"):]
	return &FlowLogDelivery{ID: id, LogFormat: fl.LogFormat, Location: "s3://" + strings.TrimSuffix(path, "/") + "/",
		Parquet: fl.FileFormat == "parquet", Hive: fl.Hive, PerHour: fl.PerHour, ResourceID: fl.ResourceID}, nil
}

// call POSTs a signed Query API request and returns the response body, or the
// service's error code and message.
func (c *EC2) call(ctx context.Context, form url.Values) ([]byte, error) {
	if c.cfg.Credentials == nil {
		return nil, fmt.Errorf("no AWS credentials (set a profile, environment variables or SSO)")
	}
	creds, err := c.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("get AWS credentials: %w", err)
	}
	payload := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, strings.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(payload))
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ec2", c.cfg.Region, time.Now()); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e errorResponse
		if xml.Unmarshal(body, &e) == nil && len(e.Errors) > 0 {
			return nil, fmt.Errorf("%s: %s (request %s)", e.Errors[0].Code, e.Errors[0].Message, e.RequestID)
		}
		return nil, fmt.Errorf("HTTP %d from %s", resp.StatusCode, c.endpoint)
	}
	return body, nil
}
