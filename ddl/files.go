package ddl

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/flowq/flowq/flowlog"
)

// FormatFromFiles reads the format from the header lines of downloaded files:
// one file, or every file under folders. A text table is positional, so one
// table cannot read files of two formats: when the files disagree, the error
// lists each format with its files and says what to do instead.
func FormatFromFiles(ctx context.Context, paths []string) (flowlog.Format, error) {
	d, err := flowlog.Detect(ctx, paths)
	if err != nil {
		return flowlog.Format{}, err
	}
	if len(d.Errors) > 0 {
		return flowlog.Format{}, fmt.Errorf("read headers: %w", errors.Join(d.Errors...))
	}
	switch {
	case len(d.Groups) == 0 && len(d.Parquet) > 0:
		return flowlog.Format{}, errors.New("only Parquet files: their columns are named in the file, so give the flow log's format with --format")
	case len(d.Groups) == 0:
		return flowlog.Format{}, fmt.Errorf("no flow-log header line in %s (files without one need --format)", strings.Join(paths, ", "))
	case d.Drift():
		var b strings.Builder
		fmt.Fprintf(&b, "the files hold %d formats, and a text table is positional, so one table cannot read them all:\n", len(d.Groups))
		for _, g := range d.Groups {
			fmt.Fprintf(&b, "  %d file(s), version %d: %s (first: %s)\n", len(g.Files), g.Format.Version(), g.Format, g.Files[0])
		}
		b.WriteString("Several flow logs deliver to this prefix, or one was recreated with other fields. Make one table per format\n" +
			"(--format or --from-header on one file, and its own --table), or deliver each flow log to its own prefix.")
		return flowlog.Format{}, errors.New(b.String())
	}
	return d.Groups[0].Format, nil
}
