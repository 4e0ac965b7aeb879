// Package athenadb is flowq's AWS side: the Athena engine and the AWS lookups
// it needs. So far it reads a flow log's delivery settings from EC2, so that a
// table can be generated for exactly what the flow log writes.
package athenadb

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2 is the part of the EC2 client FlowLog uses.
type EC2 interface {
	DescribeFlowLogs(ctx context.Context, in *ec2.DescribeFlowLogsInput, opts ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error)
}

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
func FlowLog(ctx context.Context, client EC2, id string) (*FlowLogDelivery, error) {
	out, err := client.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{FlowLogIds: []string{id}})
	if err != nil {
		return nil, fmt.Errorf("describe flow log %s: %w", id, err)
	}
	if len(out.FlowLogs) == 0 {
		return nil, fmt.Errorf("describe flow log %s: no such flow log in this account and region", id)
	}
	fl := out.FlowLogs[0]
	if fl.LogDestinationType != ec2types.LogDestinationTypeS3 {
		return nil, fmt.Errorf("flow log %s delivers to %s, not S3: Athena reads flow logs from S3", id, fl.LogDestinationType)
	}
	arn := aws.ToString(fl.LogDestination)
	path, ok := strings.CutPrefix(arn, "arn:aws:s3:::")
	if !ok {
		// Other partitions: arn:aws-cn:s3:::, arn:aws-us-gov:s3:::.
		if i := strings.Index(arn, ":s3:::"); i >= 0 {
			path, ok = arn[i+len(":s3:::"):], true
		}
	}
	if !ok || path == "" {
		return nil, fmt.Errorf("flow log %s: destination %q is not an S3 bucket ARN", id, arn)
	}
	d := &FlowLogDelivery{ID: id, LogFormat: aws.ToString(fl.LogFormat), Location: "s3://" + strings.TrimSuffix(path, "/") + "/",
		ResourceID: aws.ToString(fl.ResourceId)}
	if o := fl.DestinationOptions; o != nil {
		d.Parquet = o.FileFormat == ec2types.DestinationFileFormatParquet
		d.Hive = aws.ToBool(o.HiveCompatiblePartitions)
		d.PerHour = aws.ToBool(o.PerHourPartition)
	}
	return d, nil
}
