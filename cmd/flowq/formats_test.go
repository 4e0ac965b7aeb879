package main

import (
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowq/flowq/internal/golden"
)

func TestNewCmdFormats(t *testing.T) {
	testArgv(t, newCmdFormats, []argv[FormatsListOptions]{
		{args: []string{}},
		{args: []string{"v8"}, wantErr: `unknown command "v8" for "formats"`},
	})
}

// TestFormatsListRun: every field by version, from the catalog. Regenerate
// with go test ./cmd/flowq -run TestFormatsListRun -update.
func TestFormatsListRun(t *testing.T) {
	f, out, errOut := testFactory(t)
	if err := formatsListRun(&FormatsListOptions{Factory: f}); err != nil {
		t.Fatal(err)
	}
	golden.Compare(t, "testdata/formats.txt", out.String())
	if errOut.Len() != 0 {
		t.Errorf("stderr %q", errOut)
	}
}

func TestNewCmdFormatsShow(t *testing.T) {
	testArgv(t, newCmdFormatsShow, []argv[FormatsShowOptions]{
		{args: []string{"v8"}, want: FormatsShowOptions{Format: "v8"}},
		{args: []string{"${version} ${srcaddr}"}, want: FormatsShowOptions{Format: "${version} ${srcaddr}"}},
		{args: []string{}, wantErr: "accepts 1 arg(s), received 0"},
		{args: []string{"${srcaddr} ${pkt-srcadr}"}, wantErr: "unknown field pkt-srcadr; did you mean pkt-srcaddr?"},
	})
}

func TestFormatsShowRun(t *testing.T) {
	f, out, errOut := testFactory(t)
	if err := formatsShowRun(&FormatsShowOptions{Factory: f, Format: "${version} ${srcaddr} ${dstaddr} ${action}"}); err != nil {
		t.Fatal(err)
	}
	const want = "version: 2\nfields:  4\nformat:  ${version} ${srcaddr} ${dstaddr} ${action}\n\n" +
		"#  FIELD    COLUMN   VERSION  ATHENA  DUCKDB   PARQUET              DESCRIPTION\n" +
		"1  version  version  2        int     INTEGER  INT32                Flow-log version: 2 for the default format, else the highest version among the format's fields.\n" +
		"2  srcaddr  srcaddr  2        string  VARCHAR  BYTE_ARRAY (STRING)  Source address (incoming traffic) or the interface's own address (outgoing).\n" +
		"3  dstaddr  dstaddr  2        string  VARCHAR  BYTE_ARRAY (STRING)  Destination address (outgoing traffic) or the interface's own address (incoming).\n" +
		"4  action   action   2        string  VARCHAR  BYTE_ARRAY (STRING)  Whether security groups and network ACLs allowed the traffic.\n"
	if out.String() != want || errOut.Len() != 0 {
		t.Errorf("stdout:\n%s\nwant:\n%s\nstderr %q", out, want, errOut)
	}
	f, out, _ = testFactory(t)
	err := formatsShowRun(&FormatsShowOptions{Factory: f, Format: "${srcadr}"})
	if !errors.As(err, new(usageError)) || err.Error() != "unknown field srcadr; did you mean srcaddr?" || out.Len() != 0 {
		t.Errorf("typo: %v, stdout %q", err, out)
	}
}

func TestNewCmdFormatsDetect(t *testing.T) {
	testArgv(t, newCmdFormatsDetect, []argv[FormatsDetectOptions]{
		{args: []string{"a", "b/"}, want: FormatsDetectOptions{Paths: []string{"a", "b/"}}},
		{args: []string{}, wantErr: "requires at least 1 arg(s), only received 0"},
	})
}

// TestFormatsDetectRun: formats with their file counts on stdout; a field
// flowq does not know, format drift and unreadable files on stderr; an
// error when a file could not be read.
func TestFormatsDetectRun(t *testing.T) {
	dir := t.TempDir()
	writeGzip(t, filepath.Join(dir, "a", "one.log.gz"), "version srcaddr dstaddr action\n2 10.0.0.1 10.0.0.2 ACCEPT\n")
	writeGzip(t, filepath.Join(dir, "a", "two.log.gz"), "version srcaddr dstaddr action\n2 10.0.0.1 10.0.0.2 REJECT\n")
	f, out, errOut := testFactory(t)
	opts := &FormatsDetectOptions{Factory: f, Context: context.Background(), Paths: []string{filepath.Join(dir, "a")}}
	if err := formatsDetectRun(opts); err != nil {
		t.Fatal(err)
	}
	if want := "FILES  VERSION  FORMAT\n2      2        ${version} ${srcaddr} ${dstaddr} ${action}\n"; out.String() != want || errOut.Len() != 0 {
		t.Errorf("one format: stdout %q, stderr %q; want %q", out, errOut, want)
	}

	writeGzip(t, filepath.Join(dir, "b", "three.log.gz"), "version vpc-id srcaddr novel-field\n5 vpc-1 10.0.0.1 x\n")
	os.WriteFile(filepath.Join(dir, "b", "plain.log"), []byte("2 123456789010 eni-1 - - - - - - - 1 2 - NODATA\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b", "bad.log.gz"), []byte("this is not a gzip file at all"), 0o644)
	f, out, errOut = testFactory(t)
	opts = &FormatsDetectOptions{Factory: f, Context: context.Background(), Paths: []string{dir}}
	err := formatsDetectRun(opts)
	const wantOut = "FILES  VERSION  FORMAT\n" +
		"2      2        ${version} ${srcaddr} ${dstaddr} ${action}\n" +
		"1      3        ${version} ${vpc-id} ${srcaddr} ${novel-field}\n" +
		"1      -        (no header line: the format must be given)\n"
	wantErr := "warning: field novel-field is not in flowq's catalog; it is read as a string\n" +
		"format drift: 2 formats in these files; one text table cannot read them all (first files: " +
		filepath.Join(dir, "a", "one.log.gz") + ", " + filepath.Join(dir, "b", "three.log.gz") + ")\n" +
		"error: " + filepath.Join(dir, "b", "bad.log.gz") + ": gzip: invalid header\n"
	if err == nil || err.Error() != "1 file(s) could not be read" || out.String() != wantOut || errOut.String() != wantErr {
		t.Errorf("drift: %v\nstdout:\n%s\nwant:\n%s\nstderr:\n%s\nwant:\n%s", err, out, wantOut, errOut, wantErr)
	}

	f, out, errOut = testFactory(t)
	empty := t.TempDir()
	err = formatsDetectRun(&FormatsDetectOptions{Factory: f, Context: context.Background(), Paths: []string{empty}})
	if err == nil || err.Error() != "no flow-log files (.log.gz, .log, .parquet) under "+empty || out.String() != "FILES  VERSION  FORMAT\n" || errOut.Len() != 0 {
		t.Errorf("empty: %v, stdout %q, stderr %q", err, out, errOut)
	}
}

// writeGzip writes text gzipped to path, making its folder.
func writeGzip(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(file)
	zw.Write([]byte(text))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
}
