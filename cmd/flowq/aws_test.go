package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flowq/flowq/internal/awsfake"
)

// TestLoadAWS: the standard configuration chain, with a missing region, a
// missing profile or no credentials each one line saying what to set; with
// the environment's endpoint and keys, the real loader reaches the fake.
func TestLoadAWS(t *testing.T) {
	home := t.TempDir()
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // no instance role to find here
	ctx := context.Background()
	for _, tc := range []struct {
		profile, region, want string
	}{
		{"", "", "no AWS region: pass --region, set AWS_REGION, or give the profile a region (aws configure set region REGION)"},
		{"audit", "eu-west-1", "no AWS profile audit in the AWS config and credentials files: check --profile or AWS_PROFILE (aws configure list-profiles)"},
		{"", "eu-west-1", "no AWS credentials: set AWS_PROFILE (or pass --profile) to a configured profile, run aws sso login for an SSO profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"},
	} {
		if _, err := loadAWS(ctx, tc.profile, tc.region); err == nil || err.Error() != tc.want || strings.Contains(err.Error(), "\n") {
			t.Errorf("profile %q region %q: %v\nwant %s", tc.profile, tc.region, err, tc.want)
		}
	}

	// AWS_ENDPOINT_URL and the keys in the environment: a flowq command
	// reaches the fake with no flag of its own.
	srv := awsfake.New(t)
	for _, kv := range srv.Env() {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	f, out, errOut := testFactory(t)
	f.AWS = loadAWS
	code := run(ctx, []string{"ddl", "apply", "--location", "s3://my-flow-logs/", "--accounts", "111122223333", "--regions", "us-east-1", "--since", "2026-01-01"}, f)
	if code != 0 || out.String() != "created database vpc_flow_logs\ncreated table vpc_flow_logs.flow_logs\n" || srv.Glue.Table("vpc_flow_logs", "flow_logs") == nil {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
