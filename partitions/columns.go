package partitions

import (
	"fmt"
	"time"
)

// Column is a partition column of the flow-log table. It is the one definition
// that the Athena DDL and the local engine share, so a partition predicate means
// the same in both.
type Column struct {
	Name string // never a flow-log column name: text tables are positional, so a
	// data column (v2's account_id, v4's region) cannot be dropped to make room
	Type        string // always "string": projection fills it from the key
	Kind        ColumnKind
	Pattern     string // Java DateTimeFormatter pattern for date parts (Athena projection)
	goLayout    string // the same pattern for Go's time.Format
	Description string
}

// ColumnKind says how a partition column's values are made.
type ColumnKind int

const (
	Account ColumnKind = iota // from the account folder
	Region                    // from the region folder
	Date                      // a date part, formatted with Pattern
	Hour                      // the 2-digit hour
)

// Columns are the partition columns for the layout, in order.
//
//	default:        aws_account_id, aws_region, day ('yyyy/MM/dd')
//	default-hourly: aws_account_id, aws_region, day ('yyyy/MM/dd'), hour ('HH')
//	hive:           aws_account_id, aws_region, year, month, day ('dd')
//	hive-hourly:    aws_account_id, aws_region, year, month, day, hour
//
// The default layout keeps the date in one column because its folders are
// yyyy/MM/dd, which Athena's date projection reads as one value; Hive folders
// are separate key=value pairs, so each is its own column.
func (l Layout) Columns() []Column {
	cols := []Column{
		{Name: "aws_account_id", Type: "string", Kind: Account, Description: "account folder of the object key"},
		{Name: "aws_region", Type: "string", Kind: Region, Description: "region folder of the object key"},
	}
	if l.Hive {
		cols = append(cols,
			Column{Name: "year", Type: "string", Kind: Date, Pattern: "yyyy", goLayout: "2006", Description: "year folder (UTC)"},
			Column{Name: "month", Type: "string", Kind: Date, Pattern: "MM", goLayout: "01", Description: "month folder (UTC)"},
			Column{Name: "day", Type: "string", Kind: Date, Pattern: "dd", goLayout: "02", Description: "day folder (UTC)"})
	} else {
		cols = append(cols, Column{Name: "day", Type: "string", Kind: Date, Pattern: "yyyy/MM/dd", goLayout: "2006/01/02", Description: "date folders yyyy/MM/dd (UTC)"})
	}
	if l.PerHour {
		cols = append(cols, Column{Name: "hour", Type: "string", Kind: Hour, Pattern: "HH", goLayout: "15", Description: "hour folder (UTC)"})
	}
	return cols
}

// TimeColumns are the columns that come from the folder time (all but account
// and region).
func (l Layout) TimeColumns() []Column { return l.Columns()[2:] }

// Value formats the column's value for a folder at time t.
func (c Column) Value(account, region string, t time.Time) string {
	switch c.Kind {
	case Account:
		return account
	case Region:
		return region
	}
	return t.UTC().Format(c.goLayout)
}

// Values are the partition values of the object, in Columns order.
func (o Object) Values() []string {
	cols := o.Layout.Columns()
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Value(o.Account, o.Region, o.Time)
	}
	return out
}

// CheckCollisions returns an error if a partition column has the name of one of
// the given data columns.
func (l Layout) CheckCollisions(dataColumns []string) error {
	for _, c := range l.Columns() {
		for _, d := range dataColumns {
			if c.Name == d {
				return fmt.Errorf("partition column %s collides with data column %s", c.Name, d)
			}
		}
	}
	return nil
}
