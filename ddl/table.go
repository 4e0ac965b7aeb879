// Package ddl describes the Athena/Glue table for a flow log, once, and writes it
// as Athena DDL, a Glue TableInput, CloudFormation and Terraform. All four come
// from the same Table methods, so they describe the same table.
package ddl

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// Table is a flow-log table: what the files hold and where AWS delivers them.
type Table struct {
	Database   string
	Name       string
	Format     flowlog.Format
	FileFormat partitions.FileFormat
	Layout     partitions.Layout
	Location   string    // s3://bucket/prefix/: where AWSLogs/ is
	Accounts   []string  // account folders the projection enumerates
	Regions    []string  // region folders the projection enumerates
	Since      time.Time // the projection's first day
	Projection bool      // partition projection; without it, partitions are added (flowq partitions add)
	Injected   bool      // accounts and regions are injected: each query must name them
}

// Column is a table or partition column.
type Column struct {
	Name    string
	Type    string
	Comment string
}

// SerDe and file classes of the two file formats.
const (
	lazySimpleSerDe  = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
	textInputFormat  = "org.apache.hadoop.mapred.TextInputFormat"
	textOutputFormat = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
	parquetSerDe     = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
	parquetInput     = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
	parquetOutput    = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"
)

var bucketPattern = regexp.MustCompile(`^s3://[a-z0-9][a-z0-9.-]*/`)

// Validate checks the table against Athena's and Glue's rules, naming the rule
// broken.
func (t *Table) Validate() error {
	var errs []error
	for _, n := range []struct{ what, name string }{{"database", t.Database}, {"table", t.Name}} {
		if err := CheckName(n.what, n.name); err != nil {
			errs = append(errs, err)
		}
	}
	if t.Format.Len() == 0 {
		errs = append(errs, errors.New("no format: give a preset, a LogFormat string or a file header"))
	}
	if !bucketPattern.MatchString(t.Location) || !strings.HasSuffix(t.Location, "/") {
		errs = append(errs, fmt.Errorf("location %q: want s3://bucket/ or s3://bucket/prefix/, the folder that holds AWSLogs/ (ending in /)", t.Location))
	} else if strings.Contains(t.Location, "/AWSLogs/") {
		errs = append(errs, fmt.Errorf("location %q: give the prefix before AWSLogs/; flowq adds the rest of the key", t.Location))
	}
	if t.Projection && !t.Injected {
		if len(t.Accounts) == 0 {
			errs = append(errs, errors.New("partition projection needs --accounts (or --injected, to name them in each query)"))
		}
		if len(t.Regions) == 0 {
			errs = append(errs, errors.New("partition projection needs --regions (or --injected, to name them in each query)"))
		}
	}
	for i, a := range t.Accounts {
		if err := partitions.CheckAccount(a); err != nil {
			errs = append(errs, err)
		} else if slices.Contains(t.Accounts[:i], a) {
			errs = append(errs, fmt.Errorf("account %s is listed twice: projection values are distinct", a))
		}
	}
	for i, r := range t.Regions {
		if err := partitions.CheckRegion(r); err != nil {
			errs = append(errs, err)
		} else if slices.Contains(t.Regions[:i], r) {
			errs = append(errs, fmt.Errorf("region %s is listed twice: projection values are distinct", r))
		}
	}
	if t.Projection && t.Since.IsZero() {
		errs = append(errs, errors.New("partition projection needs a first day (--since)"))
	}
	var data []string
	for _, fd := range t.Format.Fields() {
		data = append(data, fd.Column())
	}
	if err := t.Layout.CheckCollisions(data); err != nil {
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "; "))
}

// Columns are the data columns in the file's order (a text table is
// positional). Types are the catalog's: for Parquet, the files' physical types.
func (t *Table) Columns() []Column {
	var cols []Column
	for _, fd := range t.Format.Fields() {
		cols = append(cols, Column{Name: fd.Column(), Type: fd.AthenaType(), Comment: comment(fd.Description)})
	}
	return cols
}

// comment fits a description into Glue's 255-character column comment.
func comment(s string) string {
	if len(s) <= 255 {
		return s
	}
	return s[:252] + "..."
}

// PartitionKeys are the layout's partition columns, from partitions.
func (t *Table) PartitionKeys() []Column {
	var cols []Column
	for _, c := range t.Layout.Columns() {
		cols = append(cols, Column{Name: c.Name, Type: c.Type, Comment: c.Description})
	}
	return cols
}

// SerDe returns the serialization library and its parameters.
func (t *Table) SerDe() (library string, params map[string]string) {
	if t.FileFormat == partitions.Parquet {
		return parquetSerDe, map[string]string{"serialization.format": "1"}
	}
	// A '-' is NULL in every column, as in the local engine ("'-' is NULL,
	// never 0 and never the string '-'"). Without it Athena reads '-' as the
	// string "-" in string columns (NODATA records' addresses), which
	// count(DISTINCT srcaddr) would count and CAST(… AS IPADDRESS) fail on.
	return lazySimpleSerDe, map[string]string{"field.delim": " ", "serialization.format": " ", "serialization.null.format": "-"}
}

// InputOutputFormats are the Hadoop classes that read and write the files.
func (t *Table) InputOutputFormats() (input, output string) {
	if t.FileFormat == partitions.Parquet {
		return parquetInput, parquetOutput
	}
	return textInputFormat, textOutputFormat
}

// TableLocation is the folder that holds every partition: AWSLogs/ below the
// location (the account folders, or aws-account-id=… folders, come next).
func (t *Table) TableLocation() string { return t.Location + partitions.LogsFolder }

// Parameters are the table properties: the header line to skip for text,
// partition projection, and flowq's record of the format and layout (which
// the Athena engine reads back to check a query's fields).
func (t *Table) Parameters() map[string]string {
	p := map[string]string{
		"EXTERNAL":         "TRUE",
		"classification":   map[partitions.FileFormat]string{partitions.Text: "csv", partitions.Parquet: "parquet"}[t.FileFormat],
		"flowq.log_format": t.Format.String(),
		"flowq.layout":     t.Layout.String(),
	}
	if t.FileFormat == partitions.Text {
		p["skip.header.line.count"] = "1"
	}
	if !t.Projection {
		return p
	}
	maps.Copy(p, t.Layout.ProjectionProperties(t.Location, partitions.ProjectionOptions{
		Accounts: t.Accounts, Regions: t.Regions, Injected: t.Injected, Since: t.Since}))
	return p
}

// Description says what the table reads, for Glue's table description.
func (t *Table) Description() string {
	return fmt.Sprintf("VPC flow logs, version %d format, %s files, %s layout; generated by flowq",
		t.Format.Version(), t.FileFormat, t.Layout)
}
