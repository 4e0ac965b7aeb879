// Package athenadb is flowq's AWS side, through the real SDK clients and the
// standard configuration (config.LoadDefaultConfig's aws.Config):
//   - the Athena engine (Open, DB): a queries.Engine over a Glue table, its
//     format read from the table, values as ExecutionParameters, polling with
//     backoff, the query stopped when its context ends, results paged and
//     typed (athena.go, results.go, table.go);
//   - the table made real (Apply): created or updated through Glue, or its
//     DDL run in Athena (apply.go);
//   - the files fetched for the local engine (Download): only the window's
//     folders listed, resumable, every gzip stream checked (download.go);
//   - a flow log's delivery read from EC2 (flowlogs.go).
package athenadb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
)

// EC2 reads flow logs through the SDK's EC2 client, so that the call behaves
// as every AWS tool's does: the configuration's HTTP client (AWS_CA_BUNDLE,
// proxies), its retryer (throttling and 5xx are retried with backoff), and the
// SDK's endpoint rules (FIPS, dual-stack, every partition, AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_EC2).
type EC2 struct {
	client *ec2.Client
}

// NewEC2 builds the client from an AWS configuration, as
// config.LoadDefaultConfig returns it; tests point its BaseEndpoint at a fake.
func NewEC2(cfg aws.Config) *EC2 {
	return &EC2{client: ec2.NewFromConfig(cfg)}
}

// Region is the region the client calls.
func (c *EC2) Region() string { return c.client.Options().Region }

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

// FlowLog looks up a flow log by ID and returns its S3 delivery. A flow log that
// delivers elsewhere (CloudWatch Logs, Firehose) is an error: its records are
// not in S3 for Athena to read.
func (c *EC2) FlowLog(ctx context.Context, id string) (*FlowLogDelivery, error) {
	out, err := c.client.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{FlowLogIds: []string{id}})
	if err != nil {
		return nil, fmt.Errorf("describe flow log %s: %w", id, serviceError(err))
	}
	if len(out.FlowLogs) == 0 {
		return nil, fmt.Errorf("describe flow log %s: no such flow log in this account and region (%s)", id, c.Region())
	}
	fl := out.FlowLogs[0]
	if fl.LogDestinationType != ec2types.LogDestinationTypeS3 {
		return nil, fmt.Errorf("flow log %s delivers to %s, not S3: Athena reads flow logs from S3", id, fl.LogDestinationType)
	}
	// arn:aws:s3:::bucket/prefix, or another partition's arn:aws-cn:s3:::…
	dest, err := arn.Parse(aws.ToString(fl.LogDestination))
	if err != nil || dest.Service != "s3" || dest.Resource == "" {
		return nil, fmt.Errorf("flow log %s: destination %q is not an S3 bucket ARN", id, aws.ToString(fl.LogDestination))
	}
	d := &FlowLogDelivery{ID: id, LogFormat: aws.ToString(fl.LogFormat), ResourceID: aws.ToString(fl.ResourceId),
		Location: "s3://" + strings.TrimSuffix(dest.Resource, "/") + "/"}
	if o := fl.DestinationOptions; o != nil {
		d.Parquet = o.FileFormat == ec2types.DestinationFileFormatParquet
		d.Hive = aws.ToBool(o.HiveCompatiblePartitions)
		d.PerHour = aws.ToBool(o.PerHourPartition)
	}
	return d, nil
}

// apiError shows an error AWS answered as its code, message and request ID,
// without the SDK's operation and HTTP details; it unwraps to the SDK's error.
type apiError struct {
	err       error
	api       smithy.APIError
	requestID string
}

func (e *apiError) Error() string {
	s := e.api.ErrorCode() + ": " + e.api.ErrorMessage()
	if e.requestID != "" {
		s += " (request " + e.requestID + ")"
	}
	return s
}

func (e *apiError) Unwrap() error { return e.err }

// serviceError shortens an error AWS answered; other errors (no credentials,
// no connection) keep the SDK's wording.
func serviceError(err error) error {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return err
	}
	e := &apiError{err: err, api: api}
	var resp *awshttp.ResponseError
	if errors.As(err, &resp) {
		e.requestID = resp.ServiceRequestID()
	}
	return e
}
