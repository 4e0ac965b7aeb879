package athenadb_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flowq/flowq/athenadb"
	"github.com/flowq/flowq/ddl"
	"github.com/flowq/flowq/flowlog"
	"github.com/flowq/flowq/internal/awsfake"
	"github.com/flowq/flowq/partitions"
)

func applyTable(t *testing.T, format string, since time.Time) *ddl.Table {
	t.Helper()
	f, err := flowlog.ParseFormat(format)
	if err != nil {
		t.Fatal(err)
	}
	return &ddl.Table{Database: "vpc_flow_logs", Name: "flow_logs", Format: f, Location: "s3://flow-logs/", Layout: partitions.Layout{PerHour: true},
		Accounts: []string{"111122223333"}, Regions: []string{"eu-west-1"}, Since: since, Projection: true}
}

// stored is the table the Glue fake holds, as the TableInput JSON Glue
// would be given for it.
func stored(t *testing.T, srv *awsfake.Server, table *ddl.Table) (got, want map[string]any) {
	t.Helper()
	js, err := table.GlueJSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	return srv.Glue.Table(table.Database, table.Name), want
}

// TestApply: the first apply creates the database and the table as the
// TableInput flowq generates; the second changes nothing and calls neither
// CreateTable nor UpdateTable; a new format is an update that lists the
// columns and properties that change; a dry run changes nothing.
func TestApply(t *testing.T) {
	srv := awsfake.New(t)
	ctx := context.Background()
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	v2 := applyTable(t, "default", since)

	c, err := athenadb.Apply(ctx, srv.Config(), v2, athenadb.ApplyOptions{DryRun: true})
	if err != nil || c.String() != "would create database vpc_flow_logs\nwould create table vpc_flow_logs.flow_logs\n" || srv.Glue.HasDatabase("vpc_flow_logs") {
		t.Fatalf("dry run: %v %q", err, c)
	}
	c, err = athenadb.Apply(ctx, srv.Config(), v2, athenadb.ApplyOptions{})
	if err != nil || c.String() != "created database vpc_flow_logs\ncreated table vpc_flow_logs.flow_logs\n" {
		t.Fatalf("first: %v %q", err, c)
	}
	if got, want := stored(t, srv, v2); !reflect.DeepEqual(got, want) {
		t.Errorf("stored %v\nwant %v", got, want)
	}
	calls := srv.Glue.Count("CreateTable") + srv.Glue.Count("UpdateTable") + srv.Glue.Count("CreateDatabase")
	c, err = athenadb.Apply(ctx, srv.Config(), v2, athenadb.ApplyOptions{})
	if err != nil || c.Changed() || c.String() != "table vpc_flow_logs.flow_logs is up to date: nothing to change\n" ||
		srv.Glue.Count("CreateTable")+srv.Glue.Count("UpdateTable")+srv.Glue.Count("CreateDatabase") != calls {
		t.Errorf("second: %v %q, calls %v", err, c, srv.Glue.Calls())
	}

	v3 := applyTable(t, "v3", since)
	c, err = athenadb.Apply(ctx, srv.Config(), v3, athenadb.ApplyOptions{DryRun: true})
	if err != nil || srv.Glue.Count("UpdateTable") != 0 || !strings.HasPrefix(c.String(), "would update table vpc_flow_logs.flow_logs:\n") {
		t.Fatalf("v3 dry run: %v %q", err, c)
	}
	c, err = athenadb.Apply(ctx, srv.Config(), v3, athenadb.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"+ column vpc_id string", "+ column pkt_dstaddr string", "~ property flowq.log_format: ${version}",
		"~ description: VPC flow logs, version 2 format"} {
		if !strings.Contains(c.String(), want) {
			t.Errorf("v3 update lacks %q:\n%s", want, c)
		}
	}
	if got, want := stored(t, srv, v3); srv.Glue.Count("UpdateTable") != 1 || !reflect.DeepEqual(got, want) {
		t.Errorf("after the update: %v\nwant %v", got, want)
	}
	if c, _ := athenadb.Apply(ctx, srv.Config(), v3, athenadb.ApplyOptions{}); c.Changed() {
		t.Errorf("v3 again: %q", c)
	}
}

// TestApplyKeeps: the default first day moves every day; with KeepSince an
// existing table keeps its own, and the catalog's own properties are never
// a difference and survive an update.
func TestApplyKeeps(t *testing.T) {
	srv := awsfake.New(t)
	ctx := context.Background()
	old := applyTable(t, "default", time.Date(2025, 12, 4, 0, 0, 0, 0, time.UTC))
	js, _ := old.GlueJSON()
	js = []byte(strings.Replace(string(js), `"Parameters": {`, `"Parameters": {"transient_lastDdlTime": "1764806400",`, 1))
	srv.Glue.PutTable("vpc_flow_logs", js)
	later := applyTable(t, "default", time.Date(2025, 12, 5, 0, 0, 0, 0, time.UTC))
	c, err := athenadb.Apply(ctx, srv.Config(), later, athenadb.ApplyOptions{KeepSince: true})
	if err != nil || c.Changed() {
		t.Errorf("keep since: %v %q", err, c)
	}
	c, err = athenadb.Apply(ctx, srv.Config(), later, athenadb.ApplyOptions{})
	if err != nil || c.String() != "updated table vpc_flow_logs.flow_logs:\n  ~ property projection.day.range: 2025/12/04,NOW → 2025/12/05,NOW\n" {
		t.Errorf("new since: %v %q", err, c)
	}
	if p := srv.Glue.Table("vpc_flow_logs", "flow_logs")["Parameters"].(map[string]any); p["transient_lastDdlTime"] != "1764806400" {
		t.Errorf("the catalog's property was dropped: %v", p)
	}
	// A new layout projects day otherwise (dd, an integer, in the Hive
	// layout): its range is the new table's, not the old date range.
	hive := applyTable(t, "default", time.Date(2025, 12, 6, 0, 0, 0, 0, time.UTC))
	hive.Layout = partitions.Layout{Hive: true}
	if _, err := athenadb.Apply(ctx, srv.Config(), hive, athenadb.ApplyOptions{KeepSince: true}); err != nil {
		t.Fatal(err)
	}
	p := srv.Glue.Table("vpc_flow_logs", "flow_logs")["Parameters"].(map[string]any)
	if p["projection.day.range"] != "1,31" || p["projection.year.range"] != "2025,NOW" {
		t.Errorf("hive ranges: day %v, year %v", p["projection.day.range"], p["projection.year.range"])
	}
}

// TestApplyViaAthena: --via athena runs CREATE DATABASE and CREATE EXTERNAL
// TABLE in Athena, one statement a query; once the table exists it runs
// nothing; a table that differs is an error showing how, since Athena's DDL
// cannot change it.
func TestApplyViaAthena(t *testing.T) {
	srv := awsfake.New(t)
	ctx := context.Background()
	table := applyTable(t, "default", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	srv.Athena.SetWorkGroup("primary", awsfake.WorkGroup{OutputLocation: "s3://results/"})
	// Athena's DDL writes to Glue; the fake's backend does what Athena would:
	// the table without a description (DDL has none), with the metastore's
	// time of the DDL among its properties.
	var contexts []string
	srv.Athena.Backend = func(_ context.Context, q awsfake.Query) (*awsfake.Answer, error) {
		contexts = append(contexts, q.Database)
		if strings.HasPrefix(q.SQL, "-- VPC flow logs") && strings.Contains(q.SQL, "CREATE EXTERNAL TABLE IF NOT EXISTS vpc_flow_logs.flow_logs (") {
			js, _ := table.GlueJSON()
			var in map[string]any
			json.Unmarshal(js, &in)
			delete(in, "Description")
			in["Parameters"].(map[string]any)["transient_lastDdlTime"] = "1767225600"
			js, _ = json.Marshal(in)
			srv.Glue.PutTable("vpc_flow_logs", js)
		}
		return &awsfake.Answer{}, nil
	}
	via := athenadb.ApplyOptions{Athena: &athenadb.Options{PollMin: time.Microsecond}}
	c, err := athenadb.Apply(ctx, srv.Config(), table, via)
	if err != nil || !c.CreatedDatabase || !c.CreatedTable || len(c.Statements) != 2 || c.Statements[0] != "CREATE DATABASE IF NOT EXISTS vpc_flow_logs" {
		t.Fatalf("%v %+v", err, c)
	}
	starts := srv.Athena.Starts()
	if len(starts) != 2 || starts[1].SQL != strings.TrimSuffix(strings.TrimSpace(table.AthenaDDL()), ";") || srv.Glue.Count("CreateTable") != 0 ||
		strings.Join(contexts, " ") != "default vpc_flow_logs" {
		t.Errorf("starts %+v in %v", starts, contexts)
	}
	c, err = athenadb.Apply(ctx, srv.Config(), table, via)
	if err != nil || c.Changed() || len(srv.Athena.Starts()) != 2 {
		t.Errorf("again: %v %q", err, c)
	}
	v5 := applyTable(t, "v5", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	_, err = athenadb.Apply(ctx, srv.Config(), v5, via)
	if err == nil || !strings.HasPrefix(err.Error(), "table vpc_flow_logs.flow_logs exists and differs:\n  + column vpc_id string") ||
		!strings.HasSuffix(err.Error(), "Athena's CREATE EXTERNAL TABLE cannot change it: apply it through Glue (flowq ddl apply without --via athena), or drop it in Athena and apply again") {
		t.Errorf("differs: %v", err)
	}
}

// TestApplyRetries: throttled and failing Glue calls are retried.
func TestApplyRetries(t *testing.T) {
	srv := awsfake.New(t)
	srv.Glue.Inject("GetDatabase", 1, awsfake.Throttle)
	srv.Glue.Inject("CreateTable", 1, awsfake.ServerError)
	srv.Glue.Inject("CreateDatabase", 1, awsfake.Drop)
	table := applyTable(t, "default", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := athenadb.Apply(context.Background(), srv.Config(), table, athenadb.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, want := stored(t, srv, table); !reflect.DeepEqual(got, want) {
		t.Errorf("stored %v", got)
	}
}
