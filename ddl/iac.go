package ddl

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// The infrastructure-as-code outputs are written from the Glue TableInput, so
// they carry exactly what CreateTable would.

// CloudFormation is a template with the database (AWS::Glue::Database) and the
// table (AWS::Glue::Table).
func (t *Table) CloudFormation() string {
	ti := t.GlueTableInput()
	sd := ti.StorageDescriptor
	var b strings.Builder
	w := lineWriter(&b)
	w(0, "AWSTemplateFormatVersion: \"2010-09-09\"")
	w(0, "Description: %s", yamlString(t.Description()))
	w(0, "Resources:")
	w(1, "FlowLogsDatabase:")
	w(2, "Type: AWS::Glue::Database")
	w(2, "Properties:")
	w(3, "CatalogId: !Ref AWS::AccountId")
	w(3, "DatabaseInput:")
	w(4, "Name: %s", yamlString(t.Database))
	w(1, "FlowLogsTable:")
	w(2, "Type: AWS::Glue::Table")
	w(2, "Properties:")
	w(3, "CatalogId: !Ref AWS::AccountId")
	w(3, "DatabaseName: !Ref FlowLogsDatabase")
	w(3, "TableInput:")
	w(4, "Name: %s", yamlString(*ti.Name))
	w(4, "Description: %s", yamlString(*ti.Description))
	w(4, "TableType: %s", yamlString(*ti.TableType))
	w(4, "Parameters:")
	yamlMap(w, 5, ti.Parameters)
	w(4, "PartitionKeys:")
	yamlColumns(w, 5, ti.PartitionKeys)
	w(4, "StorageDescriptor:")
	w(5, "Location: %s", yamlString(*sd.Location))
	w(5, "InputFormat: %s", yamlString(*sd.InputFormat))
	w(5, "OutputFormat: %s", yamlString(*sd.OutputFormat))
	w(5, "SerdeInfo:")
	w(6, "SerializationLibrary: %s", yamlString(*sd.SerdeInfo.SerializationLibrary))
	w(6, "Parameters:")
	yamlMap(w, 7, sd.SerdeInfo.Parameters)
	w(5, "Columns:")
	yamlColumns(w, 6, sd.Columns)
	w(0, "Outputs:")
	w(1, "TableName:")
	w(2, "Value: !Ref FlowLogsTable")
	return b.String()
}

// lineWriter returns a function that writes one line, indented by two spaces
// a level.
func lineWriter(b *strings.Builder) func(indent int, format string, args ...any) {
	return func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(b, format, args...)
		b.WriteString("\n")
	}
}

// yamlString is a double-quoted YAML scalar; JSON's escapes are YAML's.
func yamlString(s string) string { return quoteJSON(s) }

// quoteJSON is s as a JSON string, without HTML escaping.
func quoteJSON(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func yamlMap(w func(int, string, ...any), indent int, m map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w(indent, "%s: %s", yamlString(k), yamlString(m[k]))
	}
}

func yamlColumns(w func(int, string, ...any), indent int, cols []gluetypes.Column) {
	for _, c := range cols {
		w(indent, "- Name: %s", yamlString(*c.Name))
		w(indent, "  Type: %s", yamlString(*c.Type))
		w(indent, "  Comment: %s", yamlString(*c.Comment))
	}
}

// Terraform is the database (aws_glue_catalog_database) and the table
// (aws_glue_catalog_table) for the AWS provider.
func (t *Table) Terraform() string {
	ti := t.GlueTableInput()
	sd := ti.StorageDescriptor
	var b strings.Builder
	w := lineWriter(&b)
	w(0, "# %s", t.Description())
	w(0, `resource "aws_glue_catalog_database" "flow_logs" {`)
	w(1, "name = %s", hclString(t.Database))
	w(0, "}")
	w(0, "")
	w(0, `resource "aws_glue_catalog_table" "flow_logs" {`)
	w(1, "name          = %s", hclString(*ti.Name))
	w(1, "database_name = aws_glue_catalog_database.flow_logs.name")
	w(1, "description   = %s", hclString(*ti.Description))
	w(1, "table_type    = %s", hclString(*ti.TableType))
	w(1, "parameters = {")
	hclMap(w, 2, ti.Parameters)
	w(1, "}")
	for _, c := range ti.PartitionKeys {
		hclColumn(w, 1, "partition_keys", c)
	}
	w(1, "storage_descriptor {")
	w(2, "location      = %s", hclString(*sd.Location))
	w(2, "input_format  = %s", hclString(*sd.InputFormat))
	w(2, "output_format = %s", hclString(*sd.OutputFormat))
	w(2, "ser_de_info {")
	w(3, "serialization_library = %s", hclString(*sd.SerdeInfo.SerializationLibrary))
	w(3, "parameters = {")
	hclMap(w, 4, sd.SerdeInfo.Parameters)
	w(3, "}")
	w(2, "}")
	for _, c := range sd.Columns {
		hclColumn(w, 2, "columns", c)
	}
	w(1, "}")
	w(0, "}")
	return b.String()
}

// hclString is a quoted HCL string. Terraform reads ${ and %{ as template
// sequences, so the projection's ${column} placeholders are written $${column}.
func hclString(s string) string {
	return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(quoteJSON(s))
}

func hclMap(w func(int, string, ...any), indent int, m map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		w(indent, "%s = %s", hclString(k), hclString(m[k]))
	}
}

func hclColumn(w func(int, string, ...any), indent int, block string, c gluetypes.Column) {
	w(indent, "%s {", block)
	w(indent+1, "name    = %s", hclString(*c.Name))
	w(indent+1, "type    = %s", hclString(*c.Type))
	w(indent+1, "comment = %s", hclString(*c.Comment))
	w(indent, "}")
}
