package partitions

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
)

// Projection is how Athena's partition projection enumerates a column's values
// without listing S3: the table properties projection.<column>.*.
type Projection struct {
	Type     string // enum (the table's accounts or regions; injected when the table injects them), date or integer
	Interval int    // date: the step between values, in Unit
	Unit     string // date: DAYS or YEARS; the range runs from the table's first folder to NOW, written as the column's Pattern
	Min, Max int    // integer: the range
	Digits   int    // integer: the zero-padded width
}

// ProjectionOptions are the table's choices that its projection properties
// depend on.
type ProjectionOptions struct {
	Accounts []string  // the account folders to enumerate
	Regions  []string  // the region folders to enumerate
	Injected bool      // accounts and regions are injected instead: each query must name them
	Since    time.Time // the first folder's time
}

// ProjectionProperties are the column's projection.<name>.* table properties.
func (c Column) ProjectionProperties(o ProjectionOptions) map[string]string {
	prefix := "projection." + c.Name + "."
	p := map[string]string{}
	switch c.Projection.Type {
	case "enum":
		if o.Injected {
			p[prefix+"type"] = "injected"
			break
		}
		values := o.Accounts
		if c.Kind == Region {
			values = o.Regions
		}
		p[prefix+"type"] = "enum"
		p[prefix+"values"] = strings.Join(values, ",")
	case "date":
		p[prefix+"type"] = "date"
		p[prefix+"format"] = c.Pattern
		p[prefix+"range"] = c.Value("", "", o.Since) + ",NOW"
		p[prefix+"interval"] = strconv.Itoa(c.Projection.Interval)
		p[prefix+"interval.unit"] = c.Projection.Unit
	case "integer":
		p[prefix+"type"] = "integer"
		p[prefix+"range"] = fmt.Sprintf("%d,%d", c.Projection.Min, c.Projection.Max)
		p[prefix+"digits"] = strconv.Itoa(c.Projection.Digits)
	}
	return p
}

// ProjectionProperties are the table properties of partition projection for
// a table of the layout whose location root (s3://bucket/prefix/, ending in /)
// holds AWSLogs/: projection.enabled, storage.location.template and every
// column's projection.<name>.*.
func (l Layout) ProjectionProperties(root string, o ProjectionOptions) map[string]string {
	p := map[string]string{
		"projection.enabled":        "true",
		"storage.location.template": l.LocationTemplate(root),
	}
	for _, c := range l.def().columns {
		maps.Copy(p, c.ProjectionProperties(o))
	}
	return p
}

// LocationTemplate is storage.location.template for a table whose location
// root (s3://bucket/prefix/, ending in /) holds AWSLogs/: the layout's folder
// with each partition column as ${column}.
func (l Layout) LocationTemplate(root string) string {
	return string(l.appendFolder(nil, root, func(b []byte, c *Column) []byte {
		return append(append(append(b, "${"...), c.Name...), '}')
	}))
}

// ProjectionStart is the first time the projection of a table's properties
// covers: the start of its date column's range (day, or Hive's year), read
// with the column's pattern. ok is false when the properties have no such
// range or it is relative (NOW-1YEARS).
func (l Layout) ProjectionStart(props map[string]string) (start time.Time, ok bool) {
	for _, c := range l.def().columns {
		if c.Projection.Type != "date" {
			continue
		}
		first, _, _ := strings.Cut(props["projection."+c.Name+".range"], ",")
		var layout strings.Builder
		for _, p := range c.parts {
			layout.WriteString(p.Literal + p.Field.Layout)
		}
		t, err := time.Parse(layout.String(), strings.TrimSpace(first))
		return t, err == nil
	}
	return time.Time{}, false
}
