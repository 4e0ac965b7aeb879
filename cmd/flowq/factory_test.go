package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/internal/iostreams"
	"github.com/flowq/flowq/report"
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
		AWS: func(context.Context, string, string) (aws.Config, error) {
			return aws.Config{}, errors.New("this test has no AWS: set the factory's AWS to a fake's Config")
		},
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
	cmd.SetArgs(append([]string{}, args...)) // never nil: cobra would read the test binary's arguments

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

// sampleDir writes sample flow logs into a temporary folder, as
// flowq sample --out DIR ARGS... does, and returns the folder.
func sampleDir(t testing.TB, args ...string) string {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := runArgs(t, append([]string{"sample", "--out", dir}, args...)...); code != 0 {
		t.Fatalf("sample %q: exit %d: %s", args, code, errOut)
	}
	return dir
}

// elapsed is the query time in a summary line: the library times a query on
// the real clock.
var elapsed = regexp.MustCompile(` in [0-9][0-9.]*(ns|µs|ms|s|m[0-9.]+s)\b`)

// withoutElapsed writes ELAPSED for the query times in stderr, so that the
// rest of it can be compared exactly.
func withoutElapsed(s string) string { return elapsed.ReplaceAllString(s, " in ELAPSED") }

// runAsFlowq, set to 1 in the environment of this test binary, makes it
// flowq itself: the tests that need a process of flowq's own (a signal, the
// standard AWS configuration from the environment) run the binary again
// with it.
const runAsFlowq = "FLOWQ_TEST_RUN_AS_FLOWQ"

// TestMain points HOME and the cache folder at a temporary folder for the
// whole test binary: tests use testFactory and never the real one, and should
// anything still look for the user's folders (a library, a command built
// the wrong way), it finds an empty one.
func TestMain(m *testing.M) {
	if os.Getenv(runAsFlowq) == "1" {
		main()
		return
	}
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

// argv is a TestNewCmdX case: a command line, and the options runF gets from
// it, or the usage error it fails with before runF is called.
type argv[O any] struct {
	args    []string
	want    O
	wantErr string // the error, or its beginning
}

// testArgv runs each case through the command newCmd builds, with a runF
// that captures the options, as gh's TestNewCmdX tests do. The options'
// dependencies (the factory, the context, funcs such as BuildInfo) must be
// set; they are left out of the comparison.
func testArgv[O any](t *testing.T, newCmd func(*Factory, func(*O) error) *cobra.Command, cases []argv[O]) {
	t.Helper()
	for _, tc := range cases {
		f, _, _ := testFactory(t)
		var got *O
		err := execute(t, newCmd(f, func(o *O) error { got = o; return nil }), tc.args...)
		if tc.wantErr != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) || got != nil {
				t.Errorf("%q: error %v, options %+v; want %q, before running", tc.args, err, got, tc.wantErr)
			} else if !errors.As(err, new(usageError)) && !isCobraUsage(err) {
				t.Errorf("%q: %v is not a usage error", tc.args, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		if unset := withoutDependencies(got, f); unset != "" {
			t.Errorf("%q: %s is not set", tc.args, unset)
		}
		if !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.args, *got, tc.want)
		}
	}
}

// withoutDependencies zeroes the dependencies of options (a pointer to a
// struct): Factory, which must be f, and Context and the func fields, which
// must be set. It returns the name of one that was not as it must be.
func withoutDependencies(opts any, f *Factory) string {
	v := reflect.ValueOf(opts).Elem()
	for i := range v.NumField() {
		field, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case name == "Factory":
			if field.Interface() != f {
				return name
			}
		case name == "Context" || field.Kind() == reflect.Func:
			if field.IsNil() {
				return name
			}
		default:
			continue
		}
		field.SetZero()
	}
	return ""
}

// localEngine is the engine flags of --local paths, the other flags at their
// defaults.
func localEngine(paths ...string) engineFlags {
	return engineFlags{Local: paths, StreamAfter: report.DefaultHold,
		Athena: athenaFlags{Workgroup: "primary", Database: "vpc_flow_logs", Table: "flow_logs"}}
}

// strictEngine is localEngine with --strict.
func strictEngine(paths ...string) engineFlags {
	e := localEngine(paths...)
	e.Strict, e.Athena.Given = true, map[string]bool{"strict": true}
	return e
}
