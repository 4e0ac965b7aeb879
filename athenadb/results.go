package athenadb

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	athenatypes "github.com/aws/aws-sdk-go-v2/service/athena/types"

	"github.com/flowq/flowq/queries"
)

// resultPage is the most rows GetQueryResults returns at once.
const resultPage = 1000

// results pages through an execution's result, handing each page over as it
// arrives, typed by the result's metadata. The first row of a query's first
// page is its header, not data: it is checked against the column labels and
// left out. page is called at least once, with the columns.
func (d *DB) results(ctx context.Context, id string, statement athenatypes.StatementType, page func(queries.Page) error) error {
	pages := athena.NewGetQueryResultsPaginator(d.athena, &athena.GetQueryResultsInput{
		QueryExecutionId: aws.String(id), MaxResults: aws.Int32(resultPage)})
	var cols []queries.Column
	var convs []converter
	sent, row := false, 0
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return serviceError(err)
		}
		rs := out.ResultSet
		if rs == nil {
			break
		}
		rows := rs.Rows
		if cols == nil {
			if rs.ResultSetMetadata != nil {
				cols, convs = columns(rs.ResultSetMetadata.ColumnInfo)
			}
			if cols == nil {
				cols = []queries.Column{}
			}
			if statement == athenatypes.StatementTypeDml && len(rows) > 0 {
				if err := checkHeader(rows[0], cols); err != nil {
					return err
				}
				rows = rows[1:]
			}
		}
		values := make([][]any, len(rows))
		for i, r := range rows {
			if len(r.Data) != len(cols) {
				return fmt.Errorf("row %d has %d values for %d columns", row+i+1, len(r.Data), len(cols))
			}
			values[i] = make([]any, len(cols))
			for j, datum := range r.Data {
				if datum.VarCharValue == nil {
					continue // NULL
				}
				v, err := convs[j](*datum.VarCharValue)
				if err != nil {
					return fmt.Errorf("row %d, column %s (%s): %w", row+i+1, cols[j].Name, cols[j].Type, err)
				}
				values[i][j] = v
			}
		}
		row += len(rows)
		if err := page(queries.Page{Columns: cols, Rows: values}); err != nil {
			return err
		}
		sent = true
	}
	if !sent {
		return page(queries.Page{Columns: cols})
	}
	return nil
}

// checkHeader makes sure the first row is the header Athena puts first, so
// that leaving it out never drops a row of data.
func checkHeader(r athenatypes.Row, cols []queries.Column) error {
	ok := len(r.Data) == len(cols)
	for i := 0; ok && i < len(cols); i++ {
		ok = aws.ToString(r.Data[i].VarCharValue) == cols[i].Name
	}
	if !ok {
		return fmt.Errorf("the first row of the result is not its header of column names: refusing to guess which rows are data")
	}
	return nil
}

// converter turns a value as Athena writes it into the Go value the engine
// contract says.
type converter func(string) (any, error)

// columns are the result's columns, named by their labels, typed by Athena's
// type names, and each one's converter.
func columns(info []athenatypes.ColumnInfo) ([]queries.Column, []converter) {
	cols := make([]queries.Column, len(info))
	convs := make([]converter, len(info))
	for i, c := range info {
		name := aws.ToString(c.Label)
		if name == "" {
			name = aws.ToString(c.Name)
		}
		typ := strings.ToLower(aws.ToString(c.Type))
		cols[i] = queries.Column{Name: name, Type: typ}
		convs[i] = converterFor(typ)
	}
	return cols, convs
}

// converterFor reads Athena's text of a value of a type: integers as int64,
// floating point as float64, booleans, dates and timestamps (UTC) as
// time.Time, decimals as json.Number (their exact digits); anything else
// (varchar, array, map, row, json, ipaddress, varbinary, interval…) is kept
// as its text.
func converterFor(typ string) converter {
	base, _, _ := strings.Cut(typ, "(") // decimal(38,0), varchar(10), timestamp(3)
	switch {
	case base == "tinyint" || base == "smallint" || base == "integer" || base == "int" || base == "bigint":
		return func(s string) (any, error) { return strconv.ParseInt(s, 10, 64) }
	case base == "real" || base == "float" || base == "double":
		return func(s string) (any, error) { return strconv.ParseFloat(s, 64) }
	case base == "boolean":
		return func(s string) (any, error) { return strconv.ParseBool(s) }
	case base == "decimal":
		return func(s string) (any, error) {
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				return nil, fmt.Errorf("%q is not a decimal", s)
			}
			return json.Number(s), nil
		}
	case base == "date":
		return func(s string) (any, error) { return time.Parse(time.DateOnly, s) }
	case strings.HasPrefix(typ, "timestamp") && strings.HasSuffix(typ, "with time zone"):
		return parseZonedTimestamp
	case base == "timestamp":
		return func(s string) (any, error) { return time.Parse(timestampLayout, s) }
	}
	return func(s string) (any, error) { return s, nil }
}

// timestampLayout is how Athena writes a timestamp: 2026-03-29 10:00:00.000,
// with as many fractional digits as its precision.
const timestampLayout = "2006-01-02 15:04:05.999999999"

// parseZonedTimestamp reads a timestamp with time zone: the timestamp, a
// space, and the zone (UTC, an offset such as +02:00, or a zone name such as
// Europe/Berlin). The result is in UTC.
func parseZonedTimestamp(s string) (any, error) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return nil, fmt.Errorf("%q is not a timestamp with a time zone", s)
	}
	stamp, zone := s[:i], s[i+1:]
	var loc *time.Location
	switch {
	case zone == "UTC" || zone == "Z":
		loc = time.UTC
	case strings.HasPrefix(zone, "+") || strings.HasPrefix(zone, "-"):
		off, err := time.Parse("-07:00", zone)
		if err != nil {
			return nil, fmt.Errorf("%q: zone offset %s", s, zone)
		}
		_, secs := off.Zone()
		loc = time.FixedZone(zone, secs)
	default:
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return nil, fmt.Errorf("%q: time zone %s: %w", s, zone, err)
		}
	}
	t, err := time.ParseInLocation(timestampLayout, stamp, loc)
	if err != nil {
		return nil, err
	}
	return t.UTC(), nil
}
