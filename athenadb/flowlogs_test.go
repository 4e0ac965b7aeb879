package athenadb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/internal/awsfake"
)

// ec2Client signs with the SDK's configuration and signer, and calls the fake.
func ec2Client(url string) *athenadb.EC2 {
	return athenadb.NewEC2(aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKE", "secret", "")})
}

func TestFlowLog(t *testing.T) {
	fake := awsfake.NewEC2(t,
		awsfake.FlowLog{ID: "fl-0123456789abcdef0", LogFormat: "${version} ${srcaddr} ${dstaddr} ${action}", DestinationType: "s3",
			Destination: "arn:aws:s3:::my-flow-logs/team-a", FileFormat: "parquet", Hive: true, PerHour: true, ResourceID: "vpc-1"},
		awsfake.FlowLog{ID: "fl-cwl", DestinationType: "cloud-watch-logs"},
		awsfake.FlowLog{ID: "fl-plain", DestinationType: "s3", Destination: "arn:aws:s3:::bucket", FileFormat: "plain-text"},
	)
	client := ec2Client(fake.URL)
	got, err := client.FlowLog(context.Background(), "fl-0123456789abcdef0")
	if err != nil {
		t.Fatal(err)
	}
	want := athenadb.FlowLogDelivery{ID: "fl-0123456789abcdef0", LogFormat: "${version} ${srcaddr} ${dstaddr} ${action}",
		Location: "s3://my-flow-logs/team-a/", Parquet: true, Hive: true, PerHour: true, ResourceID: "vpc-1"}
	if *got != want {
		t.Errorf("got %+v\nwant %+v", *got, want)
	}
	plain, err := client.FlowLog(context.Background(), "fl-plain")
	if err != nil || plain.Location != "s3://bucket/" || plain.Parquet || plain.LogFormat != "" {
		t.Errorf("plain: %+v %v", plain, err)
	}
	for id, msg := range map[string]string{
		"fl-cwl":     "flow log fl-cwl delivers to cloud-watch-logs, not S3: Athena reads flow logs from S3",
		"fl-missing": "describe flow log fl-missing: no such flow log in this account and region (eu-west-1)",
		"fl-error":   "describe flow log fl-error: InvalidFlowLogId.Malformed: the fake refuses fl-error (request fake-request)",
	} {
		if _, err := client.FlowLog(context.Background(), id); err == nil || err.Error() != msg {
			t.Errorf("%s: %v, want %s", id, err, msg)
		}
	}
	if strings.Join(fake.Calls, ",") != "DescribeFlowLogs,DescribeFlowLogs,DescribeFlowLogs,DescribeFlowLogs,DescribeFlowLogs" {
		t.Errorf("calls %v", fake.Calls)
	}
}
