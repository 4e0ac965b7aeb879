package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/internal/iostreams"
)

// testNow is the test factory's clock: a few days after the sample data's
// first day (2026-01-05), and still: a duration measured on it is 0s.
var testNow = time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)

// testFactory is the factory of a test: buffers for streams (not terminals),
// a still clock, a cache folder of the test's own, and no AWS (a test that
// needs EC2 sets a fake). It never reads the user's cache or AWS
// configuration; no test builds the real one (newFactory).
func testFactory(t testing.TB) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	io, _, out, errOut := iostreams.Test()
	cache := t.TempDir()
	f := &Factory{
		IO:       io,
		Now:      func() time.Time { return testNow },
		CacheDir: func() (string, error) { return cache, nil },
		EC2: func(context.Context) (*athenadb.EC2, error) {
			return nil, errors.New("this test has no EC2: set the factory's EC2 to a fake")
		},
	}
	return f, out, errOut
}

// execute runs a command built by a newCmdX function with args, as the root
// would: flag errors go through the root's flagError.
func execute(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SetFlagErrorFunc(flagError)
	return cmd.ExecuteContext(context.Background())
}

// runArgs runs a flowq command line on a test factory, as main runs one,
// and returns its exit code, stdout and stderr.
func runArgs(t testing.TB, args ...string) (int, string, string) {
	f, out, errOut := testFactory(t)
	code := run(context.Background(), args, f)
	return code, out.String(), errOut.String()
}

// TestMain points HOME and the cache folder at a temporary folder for the
// whole test binary: tests use testFactory and never the real one, and should
// anything still look for the user's folders (a library, a command built
// the wrong way), it finds an empty one.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "flowq-test-home")
	if err != nil {
		panic(err)
	}
	os.Setenv("HOME", home)
	os.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	os.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	os.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "aws", "config"))
	os.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "aws", "credentials"))
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}
