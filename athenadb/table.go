package athenadb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// Table is what the Athena engine needs to know of a flow-log table, read
// from its Glue definition once: the flow-log format of its files, the
// layout of its partition columns, and which of them its projection injects.
type Table struct {
	Database, Name string
	Format         flowlog.Format
	// FormatFrom says where the format was read: the flowq.log_format
	// property flowq writes, or the table's columns.
	FormatFrom string
	Layout     partitions.Layout
	Location   string
	// Injected are the partition columns whose projection is injected: every
	// query must name their values.
	Injected []string
	// Since is the first day the table's partition projection covers; zero
	// when it has none or it is relative to now.
	Since time.Time
	// Input is the table as Glue gave it.
	Input *gluetypes.Table
}

// Formats is the table's one format, as queries.Dataset lists them.
func (t *Table) Formats() []flowlog.Format { return []flowlog.Format{t.Format} }

// tableGetter is the Glue call ReadTable makes.
type tableGetter interface {
	GetTable(ctx context.Context, in *glue.GetTableInput, opts ...func(*glue.Options)) (*glue.GetTableOutput, error)
}

// ReadTable reads a table's definition from Glue and makes sense of it as a
// flow-log table. The format is the flowq.log_format table property when
// flowq made the table, else its columns, each of which must be a flow-log
// field (in the file's order); the partition columns must be one of flowq's
// layouts (aws_account_id, aws_region, then day, or year, month, day, and
// hour), so that a query's partition predicate means what it says.
func ReadTable(ctx context.Context, g tableGetter, database, name string) (*Table, error) {
	out, err := g.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String(database), Name: aws.String(name)})
	if _, ok := errors.AsType[*gluetypes.EntityNotFoundException](err); ok {
		return nil, fmt.Errorf("no table %s.%s in the Glue Data Catalog: create it with flowq ddl apply --database %s --table %s …, or check --database, --table and --region",
			database, name, database, name)
	}
	if err != nil {
		return nil, fmt.Errorf("read table %s.%s from Glue: %w", database, name, serviceError(err))
	}
	gt := out.Table
	t := &Table{Database: database, Name: name, Input: gt}
	params := gt.Parameters
	var cols []string
	if sd := gt.StorageDescriptor; sd != nil {
		t.Location = aws.ToString(sd.Location)
		for _, c := range sd.Columns {
			cols = append(cols, aws.ToString(c.Name))
		}
	}
	if lf := params["flowq.log_format"]; lf != "" {
		if t.Format, err = flowlog.ParseFormat(lf); err != nil {
			return nil, fmt.Errorf("table %s.%s: its flowq.log_format property: %w", database, name, err)
		}
		t.FormatFrom = "the table's flowq.log_format property"
	} else {
		if t.Format, err = flowlog.NewFormat(cols...); err != nil {
			return nil, fmt.Errorf("table %s.%s was not made by flowq and its columns are not flow-log fields (%w): "+
				"make the table with flowq ddl apply", database, name, err)
		}
		t.FormatFrom = "the table's columns"
	}
	var keys []string
	for _, c := range gt.PartitionKeys {
		keys = append(keys, aws.ToString(c.Name))
	}
	if t.Layout, err = layoutOf(keys, params["flowq.layout"]); err != nil {
		return nil, fmt.Errorf("table %s.%s: %w", database, name, err)
	}
	for _, k := range keys {
		if strings.EqualFold(strings.TrimSpace(params["projection."+k+".type"]), "injected") {
			t.Injected = append(t.Injected, k)
		}
	}
	if strings.EqualFold(params["projection.enabled"], "true") {
		t.Since, _ = t.Layout.ProjectionStart(params)
	}
	return t, nil
}

// layoutOf is the layout whose partition columns are keys; the table's
// flowq.layout property, when there, must agree.
func layoutOf(keys []string, property string) (partitions.Layout, error) {
	var names []string
	for _, l := range partitions.Layouts() {
		var cols []string
		for _, c := range l.Columns() {
			cols = append(cols, c.Name)
		}
		if slices.Equal(cols, keys) && (property == "" || property == l.String()) {
			return l, nil
		}
		names = append(names, fmt.Sprintf("%s (%s)", l, strings.Join(cols, ", ")))
	}
	return partitions.Layout{}, fmt.Errorf("its partition columns (%s) are not those of a flowq layout: %s; make the table with flowq ddl apply",
		strings.Join(keys, ", "), strings.Join(names, "; "))
}

// CheckScope refuses a scope that leaves out a partition column the table's
// projection injects: Athena refuses every query on such a table that does
// not name its values ("CONSTRAINT_VIOLATION").
func (t *Table) CheckScope(accounts, regions []string) error {
	for _, col := range t.Injected {
		switch {
		case col == partitions.AccountColumn && len(accounts) == 0:
			return &ScopeError{fmt.Sprintf("table %s.%s projects %s as injected: every query must name the accounts: pass --accounts", t.Database, t.Name, col)}
		case col == partitions.RegionColumn && len(regions) == 0:
			return &ScopeError{fmt.Sprintf("table %s.%s projects %s as injected: every query must name the regions: pass --regions", t.Database, t.Name, col)}
		case col != partitions.AccountColumn && col != partitions.RegionColumn:
			return fmt.Errorf("table %s.%s projects %s as injected, which flowq cannot name in a query", t.Database, t.Name, col)
		}
	}
	return nil
}

// ScopeError is a query that must name accounts or regions and does not:
// the caller's to give.
type ScopeError struct{ Reason string }

func (e *ScopeError) Error() string { return e.Reason }
