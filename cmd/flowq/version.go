package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// VersionOptions are the inputs of flowq version.
type VersionOptions struct {
	Factory *Factory
	// BuildInfo reads the binary's build information; debug.ReadBuildInfo
	// unless a test sets it.
	BuildInfo func() (*debug.BuildInfo, bool)
}

func newCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{Factory: f, BuildInfo: debug.ReadBuildInfo}
	return &cobra.Command{
		Use:   "version",
		Short: "Print flowq's version",
		Long: `Print flowq's version: the release it was installed from (go install …@vX.Y.Z), else the
commit it was built from (with -dirty when the tree had uncommitted changes) and that commit's
time, then the Go version and platform.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return versionRun(opts)
		},
	}
}

func versionRun(opts *VersionOptions) error {
	_, err := fmt.Fprintf(opts.Factory.IO.Out, "flowq %s (%s %s/%s)\n", buildVersion(opts.BuildInfo()), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// buildVersion reads the build info.
var version = ""

// buildVersion says which flowq this is: the -ldflags version; else the main
// module's version (a release tag, or the pseudo-version go build derives from
// the commit); else the commit from the VCS settings, 12 digits with "-dirty"
// for a modified tree, and the commit's time; else Go's "(devel)" marker. Only
// a binary without build information is "dev".
func buildVersion(bi *debug.BuildInfo, ok bool) string {
	if version != "" {
		return version
	}
	if !ok || bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, when string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "(devel)"
	}
	v := rev[:min(12, len(rev))]
	if dirty {
		v += "-dirty"
	}
	if when != "" {
		v += ", committed " + when
	}
	return v
}
