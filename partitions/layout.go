// Package partitions models where AWS writes flow-log files in S3: the four key
// layouts, object names, the table's partition columns and their partition
// projection, and how a time window turns into folders, files and partition
// predicates.
//
// Each layout is one entry of the package's definitions: the folders of its keys,
// and for each partition column its folder, its value's format and its
// projection. Folder and ParseKey, LocationTemplate and ProjectionProperties
// (the Athena table), Filter (the window's predicate) and Column.Parts (the
// local engine's columns) all read it, so they cannot disagree.
package partitions

import (
	"fmt"
	"time"
)

// Layout is one of AWS's four S3 key layouts: default or Hive-compatible prefixes,
// with daily or per-hour folders.
type Layout struct {
	Hive    bool // aws-account-id=…/aws-service=vpcflowlogs/aws-region=…/year=…/…
	PerHour bool // an hour folder below the day
}

// Layouts lists the layouts, in the order of their definitions.
func Layouts() []Layout {
	out := make([]Layout, len(definitions))
	for i, d := range definitions {
		out[i] = d.layout
	}
	return out
}

// ParseLayout reads "default" or "hive".
func ParseLayout(name string, perHour bool) (Layout, error) {
	switch name {
	case "default", "":
		return Layout{PerHour: perHour}, nil
	case "hive":
		return Layout{Hive: true, PerHour: perHour}, nil
	}
	return Layout{}, fmt.Errorf("unknown layout %q: want default or hive", name)
}

func (l Layout) String() string { return l.def().name }

// Unit is the time span of one folder: a day or an hour.
func (l Layout) Unit() time.Duration {
	if l.PerHour {
		return time.Hour
	}
	return 24 * time.Hour
}

// FolderStart truncates t (UTC) to the start of its folder.
func (l Layout) FolderStart(t time.Time) time.Time {
	t = t.UTC()
	if l.PerHour {
		return t.Truncate(time.Hour)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// LogsFolder is the folder below the bucket prefix that AWS writes every key
// of every layout into.
const LogsFolder = "AWSLogs/"

// Folder is the key prefix of the folder for (account, region, t) below root,
// which is "" or ends in "/" (e.g. "my-prefix/" or "s3://bucket/prefix/"). It
// ends in "/".
func (l Layout) Folder(root, account, region string, t time.Time) string {
	// Appended rather than formatted: discovery checks every file's folder.
	b := make([]byte, 0, len(root)+len(account)+len(region)+96)
	return string(l.appendFolder(b, root, func(b []byte, c *Column) []byte {
		return c.appendValue(b, account, region, t)
	}))
}

// appendFolder writes the layout's folder below root, each column's value
// written by value.
func (l Layout) appendFolder(b []byte, root string, value func([]byte, *Column) []byte) []byte {
	b = append(b, root...)
	b = append(b, LogsFolder...)
	for _, s := range l.def().segments {
		if s.key != "" {
			b = append(append(b, s.key...), '=')
		}
		if s.column != nil {
			b = value(b, s.column)
		} else {
			b = append(b, s.fixed...)
		}
		b = append(b, '/')
	}
	return b
}

// FileFormat is how a log file is encoded.
type FileFormat int

const (
	Text    FileFormat = iota // gzip-compressed text, one header line
	Parquet                   // Apache Parquet
)

func (f FileFormat) String() string {
	if f == Parquet {
		return "parquet"
	}
	return "text"
}

// Ext is the file-name suffix AWS uses.
func (f FileFormat) Ext() string {
	if f == Parquet {
		return ".log.parquet"
	}
	return ".log.gz"
}

// ParseFileFormat reads "text" (or AWS's "plain-text") or "parquet".
func ParseFileFormat(s string) (FileFormat, error) {
	switch s {
	case "text", "plain-text", "":
		return Text, nil
	case "parquet":
		return Parquet, nil
	}
	return 0, fmt.Errorf("unknown file format %q: want text or parquet", s)
}
