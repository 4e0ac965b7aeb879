package partitions

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Column is a partition column of the flow-log table. It is the one definition
// that the Athena DDL, the window's partition predicates and the local engine
// share, so a partition predicate means the same in both engines.
type Column struct {
	Name string // never a flow-log column name: text tables are positional, so a
	// data column (v2's account_id, v4's region) cannot be dropped to make room
	Type        string // always "string": projection fills it from the key
	Kind        ColumnKind
	Pattern     string     // a Time column's value as a Java DateTimeFormatter pattern (yyyy/MM/dd, HH): Athena's date projection format; see Parts
	Projection  Projection // how Athena's partition projection enumerates the values
	Description string

	parts []Part // Pattern, parsed
}

// ColumnKind says where a partition column's values come from.
type ColumnKind int

const (
	Account ColumnKind = iota // the account folder
	Region                    // the region folder
	Time                      // fields of the folder's UTC time, written as Pattern
)

// A Field is a field of a folder's UTC time, written zero-padded.
type Field struct {
	Pattern  string // Java DateTimeFormatter letters, as Athena's date projection reads them: yyyy, MM, dd, HH
	Layout   string // Go's reference-time layout: 2006, 01, 02, 15; its length is the field's width
	Strftime string // the strftime conversion (DuckDB's strftime, Trino's date_format): %Y, %m, %d, %H
	unit     timeUnit
}

type timeUnit int

const (
	years timeUnit = iota + 1
	months
	days
	hours
)

// fields are the time fields folders use.
var fields = []Field{
	{Pattern: "yyyy", Layout: "2006", Strftime: "%Y", unit: years},
	{Pattern: "MM", Layout: "01", Strftime: "%m", unit: months},
	{Pattern: "dd", Layout: "02", Strftime: "%d", unit: days},
	{Pattern: "HH", Layout: "15", Strftime: "%H", unit: hours},
}

// appendTo writes the field of t (UTC) as time.Format would with its Layout,
// without parsing the layout (discovery writes every file's folder).
func (f *Field) appendTo(b []byte, t time.Time) []byte {
	var n int
	switch f.unit {
	case years:
		n = t.Year()
	case months:
		n = int(t.Month())
	case days:
		n = t.Day()
	case hours:
		n = t.Hour()
	}
	width := 1
	for x := n; x >= 10; x /= 10 {
		width++
	}
	for ; width < len(f.Layout); width++ {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(n), 10)
}

// InName is where the field sits in a file name's time (YYYYMMDDTHHmmZ):
// name[start:end] of the time's 14 characters.
func (f Field) InName() (start, end int) {
	start = strings.Index(nameTime, f.Layout)
	return start, start + len(f.Layout)
}

// A Part is a piece of a Time column's value: a field of the folder's time,
// or the literal text between fields (Literal, when Field is zero).
type Part struct {
	Field   Field
	Literal string
}

// Parts are a Time column's value piece by piece, for a consumer that builds
// the value from a time in its own terms (the local engine, in SQL: from a file
// name's time with Field.InName, or from a record's end with Field.Strftime).
// Account and region columns have none.
func (c Column) Parts() []Part { return slices.Clone(c.parts) }

// timeColumn defines a column of the folder's time: its parts come from the
// pattern, so the pattern is the one definition of the value.
func timeColumn(c Column) Column {
	c.Type, c.Kind = "string", Time
	for rest := c.Pattern; rest != ""; {
		i := slices.IndexFunc(fields, func(f Field) bool { return strings.HasPrefix(rest, f.Pattern) })
		if i < 0 {
			if ch := rest[0]; 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' {
				// A pattern letter flowq does not write: a broken definition,
				// not bad input (the agreement test covers every column).
				panic(fmt.Sprintf("partitions: column %s: pattern %q: no field at %q", c.Name, c.Pattern, rest))
			}
			c.parts = append(c.parts, Part{Literal: rest[:1]})
			rest = rest[1:]
			continue
		}
		f := fields[i]
		c.parts = append(c.parts, Part{Field: f})
		rest = rest[len(f.Pattern):]
	}
	return c
}

// The partition columns the layouts use. Each says where its value comes from,
// how it is written and how Athena projects it; the layouts below say in which
// folder each sits.
var (
	accountColumn = Column{Name: AccountColumn, Type: "string", Kind: Account, Projection: Projection{Type: "enum"},
		Description: "account folder of the object key"}
	regionColumn = Column{Name: RegionColumn, Type: "string", Kind: Region, Projection: Projection{Type: "enum"},
		Description: "region folder of the object key"}
	// The default layout keeps the date in one column because its folders are
	// yyyy/MM/dd, which Athena's date projection reads as one value.
	dateColumn = timeColumn(Column{Name: "day", Pattern: "yyyy/MM/dd", Projection: Projection{Type: "date", Interval: 1, Unit: "DAYS"},
		Description: "date folders yyyy/MM/dd (UTC)"})
	// Hive folders are separate key=value pairs, so each is its own column. The
	// year is a date, so that its range can end NOW.
	yearColumn = timeColumn(Column{Name: "year", Pattern: "yyyy", Projection: Projection{Type: "date", Interval: 1, Unit: "YEARS"},
		Description: "year folder (UTC)"})
	monthColumn = timeColumn(Column{Name: "month", Pattern: "MM", Projection: Projection{Type: "integer", Min: 1, Max: 12, Digits: 2},
		Description: "month folder (UTC)"})
	dayColumn = timeColumn(Column{Name: "day", Pattern: "dd", Projection: Projection{Type: "integer", Min: 1, Max: 31, Digits: 2},
		Description: "day folder (UTC)"})
	hourColumn = timeColumn(Column{Name: "hour", Pattern: "HH", Projection: Projection{Type: "integer", Min: 0, Max: 23, Digits: 2},
		Description: "hour folder (UTC)"})
)

// A segment is one part of a layout's key below AWSLogs/: a partition column's
// value (which may span folders, as yyyy/MM/dd does), or a fixed folder. In
// Hive-compatible keys it is written key=value.
type segment struct {
	key    string  // Hive's key before '=' (aws-account-id, year); "" where the folder is the value alone
	column *Column // the column whose value it holds; nil for a fixed folder
	fixed  string  // a fixed folder's value (vpcflowlogs)
}

// definition is everything flowq knows of a layout.
type definition struct {
	layout   Layout
	name     string
	segments []segment // the folders below AWSLogs/, in order
	columns  []Column  // the partition columns, in segment order
	folders  int       // how many folders a key has below AWSLogs/
}

// definitions are the layouts, one definition each: AWS's four, as its user
// guide writes them:
//
//	AWSLogs/{account}/vpcflowlogs/{region}/{yyyy}/{MM}/{dd}[/{HH}]/
//	AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/year={yyyy}/month={MM}/day={dd}[/hour={HH}]/
//
// Folder, ParseKey, LocationTemplate, the projection properties, the window's
// predicates and the local engine's columns all read them. The time columns
// run from the coarsest to the finest (Filter merges ranges in that order).
var definitions = []definition{
	define(Layout{}, "default",
		segment{column: &accountColumn}, segment{fixed: "vpcflowlogs"}, segment{column: &regionColumn},
		segment{column: &dateColumn}),
	define(Layout{PerHour: true}, "default-hourly",
		segment{column: &accountColumn}, segment{fixed: "vpcflowlogs"}, segment{column: &regionColumn},
		segment{column: &dateColumn}, segment{column: &hourColumn}),
	define(Layout{Hive: true}, "hive",
		segment{key: "aws-account-id", column: &accountColumn}, segment{key: "aws-service", fixed: "vpcflowlogs"},
		segment{key: "aws-region", column: &regionColumn},
		segment{key: "year", column: &yearColumn}, segment{key: "month", column: &monthColumn}, segment{key: "day", column: &dayColumn}),
	define(Layout{Hive: true, PerHour: true}, "hive-hourly",
		segment{key: "aws-account-id", column: &accountColumn}, segment{key: "aws-service", fixed: "vpcflowlogs"},
		segment{key: "aws-region", column: &regionColumn},
		segment{key: "year", column: &yearColumn}, segment{key: "month", column: &monthColumn}, segment{key: "day", column: &dayColumn},
		segment{key: "hour", column: &hourColumn}),
}

func define(l Layout, name string, segments ...segment) definition {
	d := definition{layout: l, name: name, segments: segments}
	for _, s := range segments {
		d.folders += s.folders()
		if s.column != nil {
			d.columns = append(d.columns, *s.column)
		}
	}
	return d
}

// def is the layout's definition.
func (l Layout) def() *definition {
	for i := range definitions {
		if definitions[i].layout == l {
			return &definitions[i]
		}
	}
	panic(fmt.Sprintf("partitions: no definition for layout %+v", l)) // every Layout value has one; tested
}

// Columns are the partition columns for the layout, in order.
//
//	default:        aws_account_id, aws_region, day ('yyyy/MM/dd')
//	default-hourly: aws_account_id, aws_region, day ('yyyy/MM/dd'), hour ('HH')
//	hive:           aws_account_id, aws_region, year, month, day ('dd')
//	hive-hourly:    aws_account_id, aws_region, year, month, day, hour
func (l Layout) Columns() []Column { return slices.Clone(l.def().columns) }

// Value formats the column's value for a folder at time t.
func (c Column) Value(account, region string, t time.Time) string {
	return string(c.appendValue(nil, account, region, t))
}

func (c *Column) appendValue(b []byte, account, region string, t time.Time) []byte {
	switch c.Kind {
	case Account:
		return append(b, account...)
	case Region:
		return append(b, region...)
	}
	t = t.UTC()
	for i := range c.parts {
		if p := &c.parts[i]; p.Literal != "" {
			b = append(b, p.Literal...)
		} else {
			b = p.Field.appendTo(b, t)
		}
	}
	return b
}

// Values are the partition values of the object, in Columns order.
func (o Object) Values() []string {
	cols := o.Layout.def().columns
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Value(o.Account, o.Region, o.Time)
	}
	return out
}

// ValueMap returns the object's partition values by column name.
func (o Object) ValueMap() map[string]string {
	m := map[string]string{}
	values := o.Values()
	for i, c := range o.Layout.def().columns {
		m[c.Name] = values[i]
	}
	return m
}

// CheckCollisions returns an error if a partition column has the name of one of
// the given data columns.
func (l Layout) CheckCollisions(dataColumns []string) error {
	for _, c := range l.def().columns {
		for _, d := range dataColumns {
			if c.Name == d {
				return fmt.Errorf("partition column %s collides with data column %s", c.Name, d)
			}
		}
	}
	return nil
}
