package ddl

import (
	"bytes"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/aws"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"
)

// GlueTableInput is the table as Glue's CreateTable takes it.
func (t *Table) GlueTableInput() *gluetypes.TableInput {
	serde, serdeParams := t.SerDe()
	input, output := t.InputOutputFormats()
	return &gluetypes.TableInput{
		Name:          aws.String(t.Name),
		Description:   aws.String(t.Description()),
		TableType:     aws.String("EXTERNAL_TABLE"),
		Parameters:    t.Parameters(),
		PartitionKeys: glueColumns(t.PartitionKeys()),
		StorageDescriptor: &gluetypes.StorageDescriptor{
			Columns:      glueColumns(t.Columns()),
			Location:     aws.String(t.TableLocation()),
			InputFormat:  aws.String(input),
			OutputFormat: aws.String(output),
			SerdeInfo:    &gluetypes.SerDeInfo{SerializationLibrary: aws.String(serde), Parameters: serdeParams},
		},
	}
}

func glueColumns(cols []Column) []gluetypes.Column {
	out := make([]gluetypes.Column, len(cols))
	for i, c := range cols {
		out[i] = gluetypes.Column{Name: aws.String(c.Name), Type: aws.String(c.Type), Comment: aws.String(c.Comment)}
	}
	return out
}

// GlueJSON is the TableInput as JSON for `aws glue create-table --database-name
// DB --table-input file://table.json`: the API's field names, unset fields left
// out (the CLI refuses nulls).
func (t *Table) GlueJSON() ([]byte, error) {
	raw, err := json.Marshal(t.GlueTableInput())
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(prune(tree)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// prune drops nulls, empty lists and empty maps, and false/zero flags the SDK
// types carry as values, from a decoded JSON tree.
func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			x = prune(x)
			switch y := x.(type) {
			case nil:
				continue
			case bool:
				if !y {
					continue
				}
			case float64:
				if y == 0 {
					continue
				}
			case []any:
				if len(y) == 0 {
					continue
				}
			case map[string]any:
				if len(y) == 0 {
					continue
				}
			}
			out[k] = x
		}
		return out
	case []any:
		for i := range v {
			v[i] = prune(v[i])
		}
	}
	return v
}
