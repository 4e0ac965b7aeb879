package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

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
		EC2: func(ctx context.Context) (*athenadb.EC2, error) {
			cfg, err := config.LoadDefaultConfig(ctx)
			if err != nil {
				return nil, fmt.Errorf("load AWS configuration: %w", err)
			}
			if cfg.Region == "" {
				return nil, fmt.Errorf("no AWS region: set AWS_REGION or a profile's region")
			}
			return athenadb.NewEC2(cfg), nil
		},
	}
}
