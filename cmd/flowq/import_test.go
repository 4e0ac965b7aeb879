package main

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func TestNewCmdImport(t *testing.T) {
	testArgv(t, newCmdImport, []argv[ImportOptions]{
		{args: []string{"a", "b/", "--to", "D", "--strict"}, want: ImportOptions{Paths: []string{"a", "b/"}, To: "D", Strict: true}},
		{args: []string{"a"}, wantErr: "--to is required: the folder of the Parquet cache"},
		{args: []string{"--to", "D"}, wantErr: "requires at least 1 arg(s), only received 0"},
	})
}

// TestImportRun: what was converted on stdout, timed on the factory's clock;
// a second import finds the folder up to date. A cache inside its input is
// refused.
func TestImportRun(t *testing.T) {
	dir := sampleDir(t, "--records", "500", "--scenario", "icmp")
	cache := filepath.Join(t.TempDir(), "cache")
	for _, want := range []string{
		"288 file(s): 1 converted (520 records), 0 copied (already Parquet), 0 up to date, 0 without records; 0 bad line(s); 0s\n",
		"288 file(s): 0 converted (0 records), 0 copied (already Parquet), 1 up to date, 0 without records; 0 bad line(s); 0s\n",
	} {
		f, out, errOut := testFactory(t)
		if err := importRun(&ImportOptions{Factory: f, Context: context.Background(), Paths: []string{dir}, To: cache}); err != nil {
			t.Fatal(err)
		}
		if out.String() != want || errOut.Len() != 0 {
			t.Errorf("stdout %q, stderr %q; want %q", out, errOut, want)
		}
	}

	f, out, _ := testFactory(t)
	err := importRun(&ImportOptions{Factory: f, Context: context.Background(), Paths: []string{dir}, To: filepath.Join(dir, "parquet")})
	if err == nil || out.Len() != 0 {
		t.Errorf("a cache inside its input: %v, stdout %q", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, out, _ = testFactory(t)
	if err := importRun(&ImportOptions{Factory: f, Context: ctx, Paths: []string{dir}, To: t.TempDir()}); !errors.Is(err, context.Canceled) || out.Len() != 0 {
		t.Errorf("cancelled: %v, stdout %q", err, out)
	}
}
