package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/internal/iostreams"
)

// Factory holds what commands need from the outside world: the streams, the
// clock, the cache folder and AWS. Its fields are funcs or values; commands
// call a func only when they need it (flowq ddl needs no AWS configuration).
// main builds the real one with newFactory; tests build their own, so that no
// test reads the user's cache or AWS configuration.
type Factory struct {
	IO *iostreams.IOStreams
	// Now is the clock every "now" a command decides by is read from (a
	// window up to now, a projection's first day), and the times sample,
	// import and demo print. A query's own time, in its provenance, is the
	// library's: it is measured, not decided.
	Now func() time.Time
	// CacheDir is flowq's folder in the user's cache: demo's data and the
	// record of text files already read whole.
	CacheDir func() (string, error)
	// AWS loads the standard AWS configuration (profiles, SSO, the
	// environment, AWS_ENDPOINT_URL and the per-service endpoints) with a
	// command's --profile and --region ("" for the chain's own), when a
	// command first needs AWS. It checks that there is a region and
	// credentials, so that neither fails a call later.
	AWS func(ctx context.Context, profile, region string) (aws.Config, error)
	// EC2 builds an EC2 client from the standard AWS configuration (profile,
	// environment, SSO) when a command first needs one.
	EC2 func(ctx context.Context) (*athenadb.EC2, error)
}

// newFactory is the real factory over the process's streams: the system
// clock, the user's cache folder, the standard AWS configuration chain.
func newFactory(io *iostreams.IOStreams) *Factory {
	return &Factory{
		IO:  io,
		Now: time.Now,
		CacheDir: func() (string, error) {
			d, err := os.UserCacheDir()
			if err != nil {
				return "", fmt.Errorf("find a cache folder: %w", err)
			}
			return filepath.Join(d, "flowq"), nil
		},
		AWS: loadAWS,
		EC2: func(ctx context.Context) (*athenadb.EC2, error) {
			cfg, err := loadAWS(ctx, "", "")
			if err != nil {
				return nil, err
			}
			return athenadb.NewEC2(cfg), nil
		},
	}
}

// loadAWS is the standard AWS configuration chain, with a profile and a
// region when given. A missing region or credentials is one line saying
// what to set.
func loadAWS(ctx context.Context, profile, region string) (aws.Config, error) {
	// The SDK's own warnings (an IMDS fallback while the chain looks for
	// credentials) are not the user's business: flowq says what failed.
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if e, ok := errors.AsType[config.SharedConfigProfileNotExistError](err); ok {
		return aws.Config{}, fmt.Errorf("no AWS profile %s in the AWS config and credentials files: check --profile or AWS_PROFILE (aws configure list-profiles)", e.Profile)
	}
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return aws.Config{}, errors.New("no AWS region: pass --region, set AWS_REGION, or give the profile a region (aws configure set region REGION)")
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return aws.Config{}, ctx.Err()
		}
		return aws.Config{}, credentialsError(profile, err)
	}
	return cfg, nil
}

// credentialsError says what to set when the chain found no credentials.
func credentialsError(profile string, err error) error {
	if profile == "" {
		profile = cmp.Or(os.Getenv("AWS_PROFILE"), "default")
	}
	if strings.Contains(strings.ToLower(err.Error()), "sso") {
		return fmt.Errorf("no AWS credentials: the SSO session of profile %s has expired or was never started: run aws sso login --profile %s", profile, profile)
	}
	return errors.New("no AWS credentials: set AWS_PROFILE (or pass --profile) to a configured profile, run aws sso login for an SSO profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
}
