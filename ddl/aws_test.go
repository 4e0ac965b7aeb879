package ddl

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/partitions"
)

// diff lists how flowq's table differs from AWS's documented one: column for
// column, then partition keys, SerDe and formats, then property for property.
func diff(aws, ours *Parsed) []string {
	var out []string
	for i := range max(len(aws.Columns), len(ours.Columns)) {
		switch {
		case i >= len(ours.Columns):
			out = append(out, fmt.Sprintf("column %d: aws %s, flowq none", i+1, aws.Columns[i].Name))
		case i >= len(aws.Columns):
			out = append(out, fmt.Sprintf("column %d: aws none, flowq %s", i+1, ours.Columns[i].Name))
		case aws.Columns[i].Name != ours.Columns[i].Name:
			out = append(out, fmt.Sprintf("column %d: aws %s, flowq %s", i+1, aws.Columns[i].Name, ours.Columns[i].Name))
		case aws.Columns[i].Type != ours.Columns[i].Type:
			out = append(out, fmt.Sprintf("column %s: aws %s, flowq %s", aws.Columns[i].Name, aws.Columns[i].Type, ours.Columns[i].Type))
		}
	}
	keys := func(cols []Column) string {
		var s []string
		for _, c := range cols {
			s = append(s, c.Name+" "+c.Type)
		}
		return strings.Join(s, ", ")
	}
	if a, o := keys(aws.PartitionKeys), keys(ours.PartitionKeys); a != o {
		out = append(out, fmt.Sprintf("partition keys: aws (%s), flowq (%s)", a, o))
	}
	for _, f := range []struct{ what, a, o string }{{"serde", aws.SerDe, ours.SerDe}, {"input format", aws.InputFormat, ours.InputFormat},
		{"output format", aws.OutputFormat, ours.OutputFormat}, {"location", aws.Location, ours.Location}} {
		if f.a != f.o {
			out = append(out, fmt.Sprintf("%s: aws %s, flowq %s", f.what, f.a, f.o))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(aws.SerDeParams)) {
		if aws.SerDeParams[k] != ours.SerDeParams[k] {
			out = append(out, fmt.Sprintf("serde property %s: aws %q, flowq %q", k, aws.SerDeParams[k], ours.SerDeParams[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(aws.Parameters)) {
		if v, ok := ours.Parameters[k]; !ok || v != aws.Parameters[k] {
			out = append(out, fmt.Sprintf("property %s: aws %q, flowq %q", k, aws.Parameters[k], v))
		}
	}
	var added []string
	for _, k := range slices.Sorted(maps.Keys(ours.Parameters)) {
		if _, ok := aws.Parameters[k]; !ok && !strings.HasPrefix(k, "flowq.") && k != "classification" {
			added = append(added, k)
		}
	}
	if len(added) > 0 {
		out = append(out, "flowq adds: "+strings.Join(added, ", "))
	}
	return out
}

// TestAWSDocumentedDDL compares flowq's table with the DDL in AWS's Athena guide
// for the same format and delivery, and requires every difference to be one of
// the deliberate ones listed here with its reason.
func TestAWSDocumentedDDL(t *testing.T) {
	v5, _ := flowlog.Preset("v5") // AWS's tables hold versions 2 to 5, in this order
	since := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	const (
		protocol  = "column protocol: aws bigint, flowq int"
		whyProto  = "protocol is 0-255 and Parquet files hold it as INT32; bigint breaks readers that check the physical type"
		whyParts  = "partition columns come from partitions, shared with the local engine, never a data column's name, and keep the account and region of the key"
		whyLoc    = "the table's location is the AWSLogs/ folder, so one table covers every account and region the keys hold"
		whyFlowq  = "flowq's properties: projection for every partition column and the format it was made for"
		shifted   = "the same shift, one column on"
		whyRegion = "a text table is positional: dropping the region data column to make it a partition shifts every later column by one when the files hold ${region}"
	)
	for _, tc := range []struct {
		file  string
		table Table
		fix   func(string) string // applied to AWS's DDL before parsing
		want  map[string]string   // difference → reason
	}{
		{
			file:  "text-date.sql",
			table: Table{Database: "d", Name: "vpc_flow_logs", Format: v5, Location: "s3://amzn-s3-demo-bucket/prefix/", Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"}},
			want: map[string]string{
				protocol: whyProto,
				"partition keys: aws (date date), flowq (aws_account_id string, aws_region string, day string)":                                                 whyParts,
				"location: aws s3://amzn-s3-demo-bucket/prefix/AWSLogs/{account_id}/vpcflowlogs/{region_code}/, flowq s3://amzn-s3-demo-bucket/prefix/AWSLogs/": whyLoc,
			},
		},
		{
			file: "parquet-hive-hourly.sql",
			table: Table{Database: "d", Name: "vpc_flow_logs_parquet", Format: v5, FileFormat: partitions.Parquet, Layout: partitions.Layout{Hive: true, PerHour: true},
				Location: "s3://amzn-s3-demo-bucket/prefix/", Accounts: []string{"111122223333"}, Regions: []string{"us-east-1"}},
			want: map[string]string{
				protocol: whyProto,
				"partition keys: aws (aws-account-id string, aws-service string, aws-region string, year string, month string, day string, hour string), flowq (aws_account_id string, aws_region string, year string, month string, day string, hour string)": "Athena names are lower-case letters, digits and underscores (AWS's hyphenated names need backquotes in every query); aws-service is always vpcflowlogs",
				`property skip.header.line.count: aws "1", flowq ""`: "a Parquet file has no header line; the property means nothing for Parquet",
			},
		},
		{
			file: "projection-text.sql",
			table: Table{Database: "d", Name: "test_table_vpclogs", Format: v5, Location: "s3://amzn-s3-demo-bucket/", Projection: true, Since: since,
				Accounts: []string{"$ACCID_1", "$ACCID_2"}, Regions: []string{"$REGION_1", "$REGION_2", "$REGION_3"}},
			want: map[string]string{
				protocol:                             whyProto,
				"column 22: aws az_id, flowq region": whyRegion,
				"column 23: aws sublocation_type, flowq az_id":                                                                                shifted,
				"column 24: aws sublocation_id, flowq sublocation_type":                                                                       shifted,
				"column 25: aws pkt_src_aws_service, flowq sublocation_id":                                                                    shifted,
				"column 26: aws pkt_dst_aws_service, flowq pkt_src_aws_service":                                                               shifted,
				"column 27: aws flow_direction, flowq pkt_dst_aws_service":                                                                    shifted,
				"column 28: aws traffic_path, flowq flow_direction":                                                                           shifted,
				"column 29: aws none, flowq traffic_path":                                                                                     shifted,
				"partition keys: aws (accid string, region string, day string), flowq (aws_account_id string, aws_region string, day string)": whyParts,
				"location: aws $LOCATION_OF_LOGS, flowq s3://amzn-s3-demo-bucket/AWSLogs/":                                                    whyLoc,
				`property projection.accid.type: aws "enum", flowq ""`:                                                                        whyParts,
				`property projection.accid.values: aws "$ACCID_1,$ACCID_2", flowq ""`:                                                         whyParts,
				`property projection.day.range: aws "$START_RANGE,NOW", flowq "2021/01/01,NOW"`:                                               "the first day is --since",
				`property projection.region.type: aws "enum", flowq ""`:                                                                       whyParts,
				`property projection.region.values: aws "$REGION_1,$REGION_2,$REGION_3", flowq ""`:                                            whyParts,
				`property storage.location.template: aws "s3://amzn-s3-demo-bucket/AWSLogs/${accid}/vpcflowlogs/${region}/${day}", flowq "s3://amzn-s3-demo-bucket/AWSLogs/${aws_account_id}/vpcflowlogs/${aws_region}/${day}/"`: whyParts,
				"flowq adds: projection.aws_account_id.type, projection.aws_account_id.values, projection.aws_region.type, projection.aws_region.values, projection.day.interval, projection.day.interval.unit":                  whyFlowq,
			},
		},
		{
			file: "projection-parquet-hourly.sql",
			// AWS's DDL leaves the reserved word date bare; Athena's DDL parser needs it backquoted.
			fix: func(s string) string {
				return strings.Replace(s, "region string, date string", "region string, `date` string", 1)
			},
			table: Table{Database: "d", Name: "test_table_vpclogs_parquet", Format: v5, FileFormat: partitions.Parquet, Layout: partitions.Layout{PerHour: true},
				Location: "s3://amzn-s3-demo-bucket/prefix/", Projection: true, Since: since,
				Accounts: []string{"111122223333"}, Regions: []string{"us-east-1", "us-west-2", "ap-south-1", "eu-west-1"}},
			want: map[string]string{
				protocol:                             whyProto,
				"column 22: aws az_id, flowq region": "Parquet is read by name, so dropping region is harmless there; flowq keeps every field of the format",
				"column 23: aws sublocation_type, flowq az_id":                  shifted,
				"column 24: aws sublocation_id, flowq sublocation_type":         shifted,
				"column 25: aws pkt_src_aws_service, flowq sublocation_id":      shifted,
				"column 26: aws pkt_dst_aws_service, flowq pkt_src_aws_service": shifted,
				"column 27: aws flow_direction, flowq pkt_dst_aws_service":      shifted,
				"column 28: aws traffic_path, flowq flow_direction":             shifted,
				"column 29: aws none, flowq traffic_path":                       shifted,
				"partition keys: aws (region string, date string, hour string), flowq (aws_account_id string, aws_region string, day string, hour string)": whyParts,
				"location: aws s3://amzn-s3-demo-bucket/prefix/AWSLogs/{account_id}/vpcflowlogs/, flowq s3://amzn-s3-demo-bucket/prefix/AWSLogs/":          whyLoc,
				`property skip.header.line.count: aws "1", flowq ""`:                                          "a Parquet file has no header line",
				`property projection.date.format: aws "yyyy/MM/dd", flowq ""`:                                 whyParts + " (flowq calls the date folder day)",
				`property projection.date.range: aws "2021/01/01,NOW", flowq ""`:                              whyParts,
				`property projection.date.type: aws "date", flowq ""`:                                         whyParts,
				`property projection.hour.range: aws "00,23", flowq "0,23"`:                                   "the same hours; digits = 2 pads them",
				`property projection.region.type: aws "enum", flowq ""`:                                       whyParts,
				`property projection.region.values: aws "us-east-1,us-west-2,ap-south-1,eu-west-1", flowq ""`: whyParts,
				`property storage.location.template: aws "s3://amzn-s3-demo-bucket/prefix/AWSLogs/${account_id}/vpcflowlogs/${region}/${date}/${hour}", flowq "s3://amzn-s3-demo-bucket/prefix/AWSLogs/${aws_account_id}/vpcflowlogs/${aws_region}/${day}/${hour}/"`:              whyParts,
				"flowq adds: projection.aws_account_id.type, projection.aws_account_id.values, projection.aws_region.type, projection.aws_region.values, projection.day.format, projection.day.interval, projection.day.interval.unit, projection.day.range, projection.day.type": whyFlowq,
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src, err := os.ReadFile("testdata/aws/" + tc.file)
			if err != nil {
				t.Fatal(err)
			}
			// START is on Athena's list of DDL reserved words, which flowq
			// backquotes; AWS's flow-log DDL leaves start bare (Athena accepts it
			// there), so the checker needs it quoted.
			text := string(src)
			if _, err := ParseCreateTable(text); err == nil || !strings.Contains(err.Error(), "is a reserved word") {
				t.Errorf("AWS's DDL parses as written (%v); drop the fixes", err)
			}
			text = strings.Replace(text, "  start bigint", "  `start` bigint", 1)
			if tc.fix != nil {
				text = tc.fix(text)
			}
			aws, err := ParseCreateTable(text)
			if err != nil {
				t.Fatal(err)
			}
			ours, err := ParseCreateTable(tc.table.AthenaDDL())
			if err != nil {
				t.Fatal(err)
			}
			// CREATE EXTERNAL TABLE sets EXTERNAL; AWS's Parquet DDL also says it.
			delete(aws.Parameters, "EXTERNAL")
			got := diff(aws, ours)
			for _, d := range got {
				if _, ok := tc.want[d]; !ok {
					t.Errorf("unexpected difference: %s", d)
				}
			}
			for d := range tc.want {
				if !slices.Contains(got, d) {
					t.Errorf("listed difference is gone: %s", d)
				}
			}
		})
	}
}
