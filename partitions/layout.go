// Package partitions models where AWS writes flow-log files in S3: the four key
// layouts, object names, the table's partition columns, and how a time window
// turns into folders, files and partition predicates.
package partitions

import (
	"fmt"
	"strconv"
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
	// Appended rather than formatted: discovery checks every file's folder.
	b := make([]byte, 0, len(root)+len(account)+len(region)+96)
	b = append(b, root...)
	num := func(prefix string, n, width int) {
		b = append(b, prefix...)
		s := strconv.Itoa(n)
		for range width - len(s) {
			b = append(b, '0')
		}
		b = append(b, s...)
		b = append(b, '/')
	}
	if l.Hive {
		b = append(b, "AWSLogs/aws-account-id="...)
		b = append(b, account...)
		b = append(b, "/aws-service=vpcflowlogs/aws-region="...)
		b = append(b, region...)
		b = append(b, '/')
		num("year=", y, 4)
		num("month=", int(m), 2)
		num("day=", d, 2)
		if l.PerHour {
			num("hour=", t.Hour(), 2)
		}
		return string(b)
	}
	b = append(b, "AWSLogs/"...)
	b = append(b, account...)
	b = append(b, "/vpcflowlogs/"...)
	b = append(b, region...)
	b = append(b, '/')
	num("", y, 4)
	num("", int(m), 2)
	num("", d, 2)
	if l.PerHour {
		num("", t.Hour(), 2)
	}
	return string(b)
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
