package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/flowq/flowq/internal/awsfake"
)

func TestNewCmdDDLApply(t *testing.T) {
	table := tableFlags{Location: "s3://logs/", FileFormat: "text", Layout: "default", Accounts: []string{"111122223333"},
		Regions: []string{"us-east-1"}, Database: "vpc_flow_logs", Table: "flow_logs", Projection: true, Given: map[string]bool{"location": true}}
	withFormat := table
	withFormat.Format, withFormat.Given = "v5", map[string]bool{"location": true, "format": true}
	testArgv(t, newCmdDDLApply, []argv[DDLApplyOptions]{
		{args: []string{"--location", "s3://logs/", "--accounts", "111122223333", "--regions", "us-east-1"},
			want: DDLApplyOptions{Table: table, Via: "glue", Workgroup: "primary"}},
		{args: []string{"--location", "s3://logs/", "--accounts", "111122223333", "--regions", "us-east-1", "--format", "v5", "--dry-run",
			"--via", "athena", "--output-location", "s3://results/", "--profile", "p", "--region", "eu-west-1"},
			want: DDLApplyOptions{Table: withFormat, DryRun: true, Via: "athena", Workgroup: "primary", OutputLocation: "s3://results/",
				AWS: awsFlags{Profile: "p", Region: "eu-west-1"}}},
		{args: []string{"--location", "s3://logs/", "--accounts", "111122223333", "--regions", "us-east-1", "--via", "cli"},
			wantErr: `--via "cli": want glue, athena`},
		{args: []string{"--location", "s3://logs/", "--accounts", "111122223333", "--regions", "us-east-1", "--workgroup", "w"},
			wantErr: "--workgroup and --output-location are for --via athena"},
		{args: []string{"--location", "s3://logs/"}, wantErr: "partition projection needs --accounts"},
	})
}

// TestDDLApplyRun: flowq ddl apply run twice creates the database and the
// table, then changes nothing; a dry run of another format lists the
// difference and changes nothing.
func TestDDLApplyRun(t *testing.T) {
	srv := awsfake.New(t)
	args := []string{"ddl", "apply", "--location", "s3://my-flow-logs/", "--accounts", "111122223333", "--regions", "us-east-1", "--since", "2026-01-01"}
	for i, want := range []string{
		"created database vpc_flow_logs\ncreated table vpc_flow_logs.flow_logs\n",
		"table vpc_flow_logs.flow_logs is up to date: nothing to change\n",
	} {
		f, out, errOut := testFactory(t)
		f.AWS = func(context.Context, string, string) (aws.Config, error) { return srv.Config(), nil }
		if code := run(context.Background(), args, f); code != 0 || out.String() != want || errOut.Len() != 0 {
			t.Errorf("run %d: exit %d, stdout %q, stderr %q", i+1, code, out, errOut)
		}
	}
	f, out, _ := testFactory(t)
	f.AWS = func(context.Context, string, string) (aws.Config, error) { return srv.Config(), nil }
	code := run(context.Background(), append(args, "--format", "v3", "--dry-run"), f)
	if code != 0 || !strings.HasPrefix(out.String(), "would update table vpc_flow_logs.flow_logs:\n") || !strings.Contains(out.String(), "  + column tcp_flags int\n") ||
		srv.Glue.Count("UpdateTable") != 0 {
		t.Errorf("dry run: exit %d, stdout %q", code, out)
	}
}
