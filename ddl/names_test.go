package ddl

import (
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/flowlog"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct{ what, name, want string }{
		{"table", "flow_logs", ""},
		{"table", "flow_logs_2026", ""},
		{"table", "table", `table name "table" is a reserved word in Athena, which every statement would have to quote (try "flow_logs" or "table_logs")`},
		{"database", "database", `database name "database" is a reserved word in Athena, which every statement would have to quote (try "vpc_flow_logs" or "database_logs")`},
		{"table", "values", `table name "values" is a reserved word in Athena, which every statement would have to quote (try "flow_logs" or "values_logs")`},
		{"table", "unnest", `table name "unnest" is a reserved word in Athena, which every statement would have to quote (try "flow_logs" or "unnest_logs")`}, // reserved in queries only
		{"table", "Flow-Logs", `table name "Flow-Logs": Athena names hold only lower-case letters, digits and underscores (try "flow_logs")`},
		{"table", "Table", `table name "Table": Athena names hold only lower-case letters, digits and underscores (try "flow_logs" or "table_logs")`},
		{"table", "2026_logs", `table name "2026_logs": start it with a letter, or every query must quote it (try "logs_2026_logs")`},
		{"table", "_logs", `table name "_logs": start it with a letter, or every query must quote it (try "logs")`},
		{"database", "!!", `database name "!!": Athena names hold only lower-case letters, digits and underscores (try "vpc_flow_logs")`},
		{"table", "", "table name is empty"},
		{"table", strings.Repeat("a", 256), `table name "` + strings.Repeat("a", 256) + `" is 256 characters; Glue allows 255`},
	} {
		err := CheckName(tc.what, tc.name)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s %q:\n got %s\nwant %s", tc.what, tc.name, got, tc.want)
		}
	}
}

// TestRegionsOfEveryPartition: region codes of every AWS partition pass;
// strings of another shape do not.
func TestRegionsOfEveryPartition(t *testing.T) {
	format, _ := flowlog.Preset("default")
	table := func(region string) *Table {
		return &Table{Database: "d", Name: "t", Format: format, Location: "s3://b/", Accounts: []string{"111122223333"},
			Regions: []string{region}, Projection: true, Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	for _, r := range []string{"us-east-1", "ap-southeast-7", "mx-central-1", "cn-north-1", "cn-northwest-1", "us-gov-west-1",
		"us-iso-east-1", "us-isob-east-1", "us-isof-south-1", "eu-isoe-west-1", "eusc-de-east-1", "il-central-1"} {
		if err := table(r).Validate(); err != nil {
			t.Errorf("%s: %v", r, err)
		}
	}
	for _, r := range []string{"us-east", "US-EAST-1", "useast1", "us-east-1a", "us_east_1", "u-east-1", "europe-west-1", "-east-1"} {
		want := `region "` + r + `": want a region code like us-east-1, us-gov-west-1 or eusc-de-east-1`
		if err := table(r).Validate(); err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %s", r, err, want)
		}
	}
}

// TestRepeatedProjectionValues: an account or region listed twice would be a
// repeated projection value; the table refuses it (the CLI drops repeats).
func TestRepeatedProjectionValues(t *testing.T) {
	format, _ := flowlog.Preset("default")
	tbl := &Table{Database: "d", Name: "t", Format: format, Location: "s3://b/", Accounts: []string{"111122223333", "111122223333"},
		Regions: []string{"us-east-1", "eu-west-1", "us-east-1"}, Projection: true, Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	err := tbl.Validate()
	for _, want := range []string{"account 111122223333 is listed twice", "region us-east-1 is listed twice"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want %q in it", err, want)
		}
	}
}
