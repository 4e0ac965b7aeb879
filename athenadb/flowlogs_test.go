package athenadb_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/internal/awsfake"
)

// ec2Client signs with the fake's key pair and calls the fake.
func ec2Client(url string) *athenadb.EC2 {
	return athenadb.NewEC2(aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(url), Credentials: awsfake.Credentials()})
}

// s3Log is a flow log the fakes below serve.
var s3Log = awsfake.FlowLog{ID: "fl-1", DestinationType: "s3", Destination: "arn:aws:s3:::logs/vpc/", FileFormat: "plain-text"}

func TestFlowLog(t *testing.T) {
	fake := awsfake.NewEC2(t,
		awsfake.FlowLog{ID: "fl-0123456789abcdef0", LogFormat: "${version} ${srcaddr} ${dstaddr} ${action}", DestinationType: "s3",
			Destination: "arn:aws:s3:::my-flow-logs/team-a", FileFormat: "parquet", Hive: true, PerHour: true, ResourceID: "vpc-1"},
		awsfake.FlowLog{ID: "fl-cwl", DestinationType: "cloud-watch-logs"},
		awsfake.FlowLog{ID: "fl-plain", DestinationType: "s3", Destination: "arn:aws:s3:::bucket", FileFormat: "plain-text"},
		awsfake.FlowLog{ID: "fl-cn", DestinationType: "s3", Destination: "arn:aws-cn:s3:::cn-logs/p/"},
		awsfake.FlowLog{ID: "fl-not-s3", DestinationType: "s3", Destination: "arn:aws:logs:eu-west-1:111122223333:log-group:g"},
	)
	client := ec2Client(fake.URL)
	if client.Region() != "eu-west-1" {
		t.Errorf("region %q", client.Region())
	}
	got, err := client.FlowLog(context.Background(), "fl-0123456789abcdef0")
	if err != nil {
		t.Fatal(err)
	}
	want := athenadb.FlowLogDelivery{ID: "fl-0123456789abcdef0", LogFormat: "${version} ${srcaddr} ${dstaddr} ${action}",
		Location: "s3://my-flow-logs/team-a/", Parquet: true, Hive: true, PerHour: true, ResourceID: "vpc-1"}
	if *got != want {
		t.Errorf("got %+v\nwant %+v", *got, want)
	}
	for id, want := range map[string]athenadb.FlowLogDelivery{
		"fl-plain": {ID: "fl-plain", Location: "s3://bucket/"},
		"fl-cn":    {ID: "fl-cn", Location: "s3://cn-logs/p/"},
	} {
		if got, err := client.FlowLog(context.Background(), id); err != nil || *got != want {
			t.Errorf("%s: %+v %v, want %+v", id, got, err, want)
		}
	}
	for id, msg := range map[string]string{
		"fl-cwl":     "flow log fl-cwl delivers to cloud-watch-logs, not S3: Athena reads flow logs from S3",
		"fl-not-s3":  `flow log fl-not-s3: destination "arn:aws:logs:eu-west-1:111122223333:log-group:g" is not an S3 bucket ARN`,
		"fl-missing": "describe flow log fl-missing: no such flow log in this account and region (eu-west-1)",
		"fl-error":   "describe flow log fl-error: InvalidFlowLogId.Malformed: the fake refuses fl-error (request fake-request)",
	} {
		if _, err := client.FlowLog(context.Background(), id); err == nil || err.Error() != msg {
			t.Errorf("%s: %v, want %s", id, err, msg)
		}
	}
	// The short message still unwraps to the SDK's error.
	_, err = client.FlowLog(context.Background(), "fl-error")
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "InvalidFlowLogId.Malformed" {
		t.Errorf("%v does not unwrap to the API error", err)
	}
	if strings.Join(fake.Calls, ",") != strings.Repeat("DescribeFlowLogs,", 7)+"DescribeFlowLogs" {
		t.Errorf("calls %v", fake.Calls)
	}
}

// loadConfig loads the AWS configuration as flowq does
// (config.LoadDefaultConfig), from the environment given and nothing of the
// machine's: no shared files, no instance metadata, the fakes' key pair.
func loadConfig(t *testing.T, env map[string]string, opts ...func(*config.LoadOptions) error) aws.Config {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "") // restored when the test ends
			os.Unsetenv(k)
		}
	}
	dir := t.TempDir()
	for k, v := range map[string]string{"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_ACCESS_KEY_ID": awsfake.AccessKeyID, "AWS_SECRET_ACCESS_KEY": awsfake.SecretAccessKey} {
		t.Setenv(k, v)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestEC2Endpoints: the client calls the endpoint the SDK's rules give for
// the region, partition, FIPS and dual-stack settings and endpoint overrides,
// and signs for the region.
func TestEC2Endpoints(t *testing.T) {
	for _, tc := range []struct {
		env     map[string]string
		profile string // the shared config file
		host    string
	}{
		{env: map[string]string{"AWS_REGION": "eu-west-1"}, host: "ec2.eu-west-1.amazonaws.com"},
		{env: map[string]string{"AWS_REGION": "cn-north-1"}, host: "ec2.cn-north-1.amazonaws.com.cn"},
		{env: map[string]string{"AWS_REGION": "eusc-de-east-1"}, host: "ec2.eusc-de-east-1.amazonaws.eu"},
		{env: map[string]string{"AWS_REGION": "us-iso-east-1"}, host: "ec2.us-iso-east-1.c2s.ic.gov"},
		{env: map[string]string{"AWS_REGION": "us-isob-east-1"}, host: "ec2.us-isob-east-1.sc2s.sgov.gov"},
		{env: map[string]string{"AWS_REGION": "us-east-1", "AWS_USE_FIPS_ENDPOINT": "true"}, host: "ec2-fips.us-east-1.amazonaws.com"},
		{env: map[string]string{"AWS_REGION": "us-gov-west-1", "AWS_USE_FIPS_ENDPOINT": "true"}, host: "ec2.us-gov-west-1.amazonaws.com"},
		{env: map[string]string{"AWS_REGION": "us-east-1", "AWS_USE_DUALSTACK_ENDPOINT": "true"}, host: "ec2.us-east-1.api.aws"},
		{env: map[string]string{"AWS_REGION": "cn-north-1", "AWS_USE_DUALSTACK_ENDPOINT": "true"}, host: "ec2.cn-north-1.api.amazonwebservices.com.cn"},
		{env: map[string]string{"AWS_REGION": "us-east-1", "AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"}, host: "ec2-fips.us-east-1.api.aws"},
		{env: map[string]string{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "https://aws.internal.example"}, host: "aws.internal.example"},
		{env: map[string]string{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "https://aws.internal.example",
			"AWS_ENDPOINT_URL_EC2": "https://ec2.internal.example"}, host: "ec2.internal.example"},
		{env: map[string]string{"AWS_REGION": "eu-west-1"}, profile: "[default]\nservices = mine\n[services mine]\nec2 =\n  endpoint_url = https://vpce.internal.example\n",
			host: "vpce.internal.example"},
	} {
		fake := awsfake.NewEC2(t, s3Log)
		env := tc.env
		if tc.profile != "" {
			path := filepath.Join(t.TempDir(), "config")
			if err := os.WriteFile(path, []byte(tc.profile), 0o600); err != nil {
				t.Fatal(err)
			}
			env["AWS_CONFIG_FILE"] = path
		}
		cfg := loadConfig(t, env, config.WithHTTPClient(fake.Client()))
		got, err := athenadb.NewEC2(cfg).FlowLog(context.Background(), "fl-1")
		want := awsfake.Request{Action: "DescribeFlowLogs", Host: tc.host, Region: env["AWS_REGION"]}
		if err != nil || got.Location != "s3://logs/vpc/" || len(fake.Requests) != 1 || fake.Requests[0] != want {
			t.Errorf("%v: %v, requests %+v, want %+v", env, err, fake.Requests, want)
		}
	}
}

// TestEC2CABundle: AWS_CA_BUNDLE reaches the client: an endpoint whose
// certificate only that bundle trusts answers, and without it the TLS
// handshake fails.
func TestEC2CABundle(t *testing.T) {
	fake := awsfake.NewEC2TLS(t, s3Log)
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: fake.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_EC2": fake.URL}
	_, err := athenadb.NewEC2(loadConfig(t, env)).FlowLog(context.Background(), "fl-1")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Errorf("without the bundle: %v, want an unknown authority", err)
	}
	env["AWS_CA_BUNDLE"] = bundle
	got, err := athenadb.NewEC2(loadConfig(t, env)).FlowLog(context.Background(), "fl-1")
	if err != nil || got.Location != "s3://logs/vpc/" {
		t.Errorf("with the bundle: %+v %v", got, err)
	}
	if len(fake.Calls) != 1 {
		t.Errorf("calls %v", fake.Calls)
	}
}

// TestEC2Proxy: HTTP_PROXY reaches the client. Go reads the proxy variables
// once a process, so the call runs in a child process whose proxy is the fake.
func TestEC2Proxy(t *testing.T) {
	if os.Getenv("FLOWQ_TEST_PROXY_CHILD") == "1" {
		_, err := athenadb.NewEC2(loadConfig(t, map[string]string{"AWS_REGION": "eu-west-1",
			"AWS_ENDPOINT_URL_EC2": "http://ec2.behind-proxy.example"})).FlowLog(context.Background(), "fl-1")
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	fake := awsfake.NewEC2(t, s3Log)
	cmd := exec.Command(os.Args[0], "-test.run=^TestEC2Proxy$")
	cmd.Env = append(os.Environ(), "FLOWQ_TEST_PROXY_CHILD=1", "HTTP_PROXY="+fake.URL, "NO_PROXY=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := awsfake.Request{Action: "DescribeFlowLogs", Host: "ec2.behind-proxy.example", Region: "eu-west-1"}
	if len(fake.Requests) != 1 || fake.Requests[0] != want {
		t.Errorf("requests %+v, want %+v", fake.Requests, want)
	}
}

// TestEC2Retries: the configuration's retryer retries throttling and server
// errors, not a client error, and honours AWS_MAX_ATTEMPTS.
func TestEC2Retries(t *testing.T) {
	noWait := config.WithRetryer(func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	})
	env := func(fake *awsfake.EC2, more ...string) map[string]string {
		m := map[string]string{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_EC2": fake.URL}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i]] = more[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		fail    func(*awsfake.EC2)
		env     []string
		retryer bool // the zero-backoff retryer; else the SDK's default
		id      string
		calls   int
		err     string
	}{
		{name: "throttled twice", fail: func(f *awsfake.EC2) { f.Fail(2, http.StatusServiceUnavailable, "RequestLimitExceeded") }, retryer: true, id: "fl-1", calls: 3},
		{name: "server errors", fail: func(f *awsfake.EC2) { f.Fail(1, 500, "InternalError"); f.Fail(1, 503, "Unavailable") }, retryer: true, id: "fl-1", calls: 3},
		{name: "default retryer", fail: func(f *awsfake.EC2) { f.Fail(1, 500, "InternalError") }, id: "fl-1", calls: 2},
		{name: "client error", retryer: true, id: "fl-error", calls: 1,
			err: "describe flow log fl-error: InvalidFlowLogId.Malformed: the fake refuses fl-error (request fake-request)"},
		{name: "throttled past the attempts", fail: func(f *awsfake.EC2) { f.Fail(5, http.StatusServiceUnavailable, "RequestLimitExceeded") }, retryer: true,
			id: "fl-1", calls: 3, err: "describe flow log fl-1: RequestLimitExceeded: the fake fails this request (request fake-request)"},
		{name: "AWS_MAX_ATTEMPTS=1", fail: func(f *awsfake.EC2) { f.Fail(1, 500, "InternalError") }, env: []string{"AWS_MAX_ATTEMPTS", "1"},
			id: "fl-1", calls: 1, err: "describe flow log fl-1: InternalError: the fake fails this request (request fake-request)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := awsfake.NewEC2(t, s3Log)
			if tc.fail != nil {
				tc.fail(fake)
			}
			var opts []func(*config.LoadOptions) error
			if tc.retryer {
				opts = append(opts, noWait)
			}
			got, err := athenadb.NewEC2(loadConfig(t, env(fake, tc.env...), opts...)).FlowLog(context.Background(), tc.id)
			switch {
			case tc.err == "" && (err != nil || got.Location != "s3://logs/vpc/"):
				t.Errorf("%+v %v", got, err)
			case tc.err != "" && (err == nil || err.Error() != tc.err):
				t.Errorf("error %v, want %s", err, tc.err)
			}
			if len(fake.Calls) != tc.calls {
				t.Errorf("%d calls, want %d", len(fake.Calls), tc.calls)
			}
		})
	}
}
