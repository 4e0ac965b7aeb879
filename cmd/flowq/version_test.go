package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "dev"},
		{"release", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}, Settings: vcs("vcs.revision", rev)}, "v1.2.3"},
		{"pseudo-version", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260105100000-0123456789ab+dirty"}}, "v0.0.0-20260105100000-0123456789ab+dirty"},
		{"clean commit", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
			Settings: vcs("vcs", "git", "vcs.revision", rev, "vcs.time", "2026-01-05T10:00:00Z", "vcs.modified", "false")},
			"0123456789ab, committed 2026-01-05T10:00:00Z"},
		{"modified tree", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"},
			Settings: vcs("vcs.revision", rev, "vcs.time", "2026-01-05T10:00:00Z", "vcs.modified", "true")},
			"0123456789ab-dirty, committed 2026-01-05T10:00:00Z"},
		{"short revision, no time", &debug.BuildInfo{Settings: vcs("vcs.revision", "abc123")}, "abc123"},
		{"no version, no VCS", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("-compiler", "gc")}, "(devel)"},
	} {
		if got := buildVersion(tc.bi, tc.bi != nil); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestVersionRun(t *testing.T) {
	f, out, _ := testFactory(t)
	opts := &VersionOptions{Factory: f, BuildInfo: func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef"}, {Key: "vcs.time", Value: "2026-01-05T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}, true
	}}
	if err := versionRun(opts); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("flowq 0123456789ab-dirty, committed 2026-01-05T10:00:00Z (%s %s/%s)\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestNewCmdVersion(t *testing.T) {
	testArgv(t, newCmdVersion, []argv[VersionOptions]{
		{args: []string{}},
		{args: []string{"--short"}, wantErr: "unknown flag: --short"},
		{args: []string{"1"}, wantErr: `unknown command "1" for "version"`},
	})
}
