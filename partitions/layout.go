// Package partitions models where AWS writes flow-log files in S3: the four key
// layouts, object names, the table's partition columns, and how a time window
// turns into folders, files and partition predicates.
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

// Layouts lists the four layouts.
func Layouts() []Layout {
	return []Layout{{}, {PerHour: true}, {Hive: true}, {Hive: true, PerHour: true}}
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

func (l Layout) String() string {
	s := "default"
	if l.Hive {
		s = "hive"
	}
	if l.PerHour {
		s += "-hourly"
	}
	return s
}

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

// Folder is the key prefix of the folder for (account, region, t) below root,
// which is "" or ends in "/" (e.g. "my-prefix/"). It ends in "/".
func (l Layout) Folder(root, account, region string, t time.Time) string {
	t = t.UTC()
	y, m, d := t.Date()
	var s string
	if l.Hive {
		s = fmt.Sprintf("%sAWSLogs/aws-account-id=%s/aws-service=vpcflowlogs/aws-region=%s/year=%04d/month=%02d/day=%02d/",
			root, account, region, y, int(m), d)
		if l.PerHour {
			s += fmt.Sprintf("hour=%02d/", t.Hour())
		}
		return s
	}
	s = fmt.Sprintf("%sAWSLogs/%s/vpcflowlogs/%s/%04d/%02d/%02d/", root, account, region, y, int(m), d)
	if l.PerHour {
		s += fmt.Sprintf("%02d/", t.Hour())
	}
	return s
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
