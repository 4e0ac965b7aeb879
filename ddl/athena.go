package ddl

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/flowq/flowq/partitions"
)

// ident writes a name for DDL, backquoted when reserved.
func ident(name string) string {
	if reserved.Has(name) {
		return "`" + name + "`"
	}
	return name
}

// literal writes a single-quoted DDL string.
func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "\\'") + "'" }

// AthenaDDL is the CREATE EXTERNAL TABLE statement.
func (t *Table) AthenaDDL() string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- %s\n", t.Description())
	fmt.Fprintf(&b, "-- LogFormat: %s\n", t.Format)
	if t.FileFormat == partitions.Parquet {
		b.WriteString("-- Integer fields are int where the Parquet files hold INT32 (ports, protocol, tcp_flags, …);\n" +
			"-- AWS's documented DDL declares protocol bigint, which some readers refuse for an INT32 column.\n")
	}
	if t.Projection && t.Injected {
		b.WriteString("-- aws_account_id and aws_region are injected: every query must give each one in its WHERE clause\n" +
			"-- (aws_account_id = '111122223333' AND aws_region = 'us-east-1'), or Athena refuses it.\n")
	}
	if !t.Projection {
		b.WriteString("-- No partition projection: add partitions with the statements of `flowq partitions add`.\n")
	}
	fmt.Fprintf(&b, "CREATE EXTERNAL TABLE IF NOT EXISTS %s.%s (\n", t.Database, t.Name)
	writeColumns(&b, t.Columns())
	b.WriteString(")\nPARTITIONED BY (\n")
	writeColumns(&b, t.PartitionKeys())
	serde, serdeParams := t.SerDe()
	input, output := t.InputOutputFormats()
	fmt.Fprintf(&b, ")\nROW FORMAT SERDE %s\nWITH SERDEPROPERTIES (\n", literal(serde))
	writeProperties(&b, serdeParams)
	fmt.Fprintf(&b, ")\nSTORED AS INPUTFORMAT %s\nOUTPUTFORMAT %s\nLOCATION %s\nTBLPROPERTIES (\n",
		literal(input), literal(output), literal(t.TableLocation()))
	params := t.Parameters()
	delete(params, "EXTERNAL") // CREATE EXTERNAL TABLE sets it
	writeProperties(&b, params)
	b.WriteString(");\n")
	return b.String()
}

func writeColumns(b *strings.Builder, cols []Column) {
	for i, c := range cols {
		sep := ","
		if i == len(cols)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "  %s %s COMMENT %s%s\n", ident(c.Name), c.Type, literal(c.Comment), sep)
	}
}

func writeProperties(b *strings.Builder, props map[string]string) {
	keys := slices.Sorted(maps.Keys(props))
	for i, k := range keys {
		sep := ","
		if i == len(keys)-1 {
			sep = ""
		}
		fmt.Fprintf(b, "  %s = %s%s\n", literal(k), literal(props[k]), sep)
	}
}
