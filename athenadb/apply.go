package athenadb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/glue"
	gluetypes "github.com/aws/aws-sdk-go-v2/service/glue/types"

	"github.com/flowq/flowq/ddl"
)

// ApplyOptions say how Apply brings the catalog to a table's definition.
type ApplyOptions struct {
	// DryRun reads the catalog and says what would change, changing nothing.
	DryRun bool
	// KeepSince keeps an existing table's projection ranges (its first day)
	// instead of the table's: the default first day moves every day (a year
	// ago), and applying the same table again should change nothing.
	KeepSince bool
	// Athena, when set, runs the DDL as Athena queries with these options
	// (workgroup, result location) instead of calling Glue's CreateTable and
	// UpdateTable. Athena's CREATE EXTERNAL TABLE cannot change a table, so
	// a table that differs is then an error that shows the difference.
	Athena *Options
}

// Change is what Apply did, or would do with DryRun.
type Change struct {
	Database, Table string
	CreatedDatabase bool
	CreatedTable    bool
	// Diff is how the existing table differs from the definition, a line a
	// difference: "~ column protocol: bigint → int", "+ property k = v"…;
	// empty when it is up to date or was created.
	Diff   []string
	DryRun bool
	// Statements are the DDL statements run in Athena (ApplyOptions.Athena).
	Statements []string
}

// Changed reports whether the catalog was (or would be) changed.
func (c *Change) Changed() bool { return c.CreatedDatabase || c.CreatedTable || len(c.Diff) > 0 }

// String says what changed, a line each: the database and table created,
// or the table updated and how, or that it is up to date.
func (c *Change) String() string {
	would := func(verb string) string {
		if c.DryRun {
			return "would " + verb
		}
		return verb + "d"
	}
	var b strings.Builder
	if c.CreatedDatabase {
		fmt.Fprintf(&b, "%s database %s\n", would("create"), c.Database)
	}
	switch {
	case c.CreatedTable:
		fmt.Fprintf(&b, "%s table %s.%s\n", would("create"), c.Database, c.Table)
	case len(c.Diff) > 0:
		fmt.Fprintf(&b, "%s table %s.%s:\n", would("update"), c.Database, c.Table)
		for _, d := range c.Diff {
			fmt.Fprintf(&b, "  %s\n", d)
		}
	default:
		fmt.Fprintf(&b, "table %s.%s is up to date: nothing to change\n", c.Database, c.Table)
	}
	return b.String()
}

// Apply makes the catalog hold the table as t defines it: it creates the
// database if it is missing, then creates the table, or updates it when it
// differs (UpdateTable replaces the whole definition). Applying the same
// table twice changes nothing the second time.
func Apply(ctx context.Context, cfg aws.Config, t *ddl.Table, o ApplyOptions) (*Change, error) {
	g := glueClient(cfg)
	c := &Change{Database: t.Database, Table: t.Name, DryRun: o.DryRun}
	want := t.GlueTableInput()

	_, err := g.GetDatabase(ctx, &glue.GetDatabaseInput{Name: aws.String(t.Database)})
	_, missing := errors.AsType[*gluetypes.EntityNotFoundException](err)
	if err != nil && !missing {
		return nil, fmt.Errorf("read Glue database %s: %w", t.Database, serviceError(err))
	}
	c.CreatedDatabase = missing
	var existing *gluetypes.Table
	if !missing {
		out, err := g.GetTable(ctx, &glue.GetTableInput{DatabaseName: aws.String(t.Database), Name: aws.String(t.Name)})
		if _, notFound := errors.AsType[*gluetypes.EntityNotFoundException](err); err != nil && !notFound {
			return nil, fmt.Errorf("read table %s.%s from Glue: %w", t.Database, t.Name, serviceError(err))
		}
		if err == nil {
			existing = out.Table
		}
	}
	c.CreatedTable = existing == nil
	if existing != nil {
		keepCatalogs(want, existing, o.KeepSince)
		c.Diff = diffTable(existing, want, o.Athena == nil)
	}
	if o.DryRun || !c.Changed() {
		return c, nil
	}
	if o.Athena != nil {
		return c, applyInAthena(ctx, cfg, t, c, *o.Athena)
	}
	if c.CreatedDatabase {
		_, err := g.CreateDatabase(ctx, &glue.CreateDatabaseInput{DatabaseInput: &gluetypes.DatabaseInput{Name: aws.String(t.Database),
			Description: aws.String("VPC flow logs; created by flowq")}})
		// Created meanwhile by someone else: what was wanted.
		if _, exists := errors.AsType[*gluetypes.AlreadyExistsException](err); err != nil && !exists {
			return nil, fmt.Errorf("create Glue database %s: %w", t.Database, serviceError(err))
		}
	}
	if c.CreatedTable {
		if _, err := g.CreateTable(ctx, &glue.CreateTableInput{DatabaseName: aws.String(t.Database), TableInput: want}); err != nil {
			return nil, fmt.Errorf("create table %s.%s in Glue: %w", t.Database, t.Name, serviceError(err))
		}
		return c, nil
	}
	if _, err := g.UpdateTable(ctx, &glue.UpdateTableInput{DatabaseName: aws.String(t.Database), TableInput: want}); err != nil {
		return nil, fmt.Errorf("update table %s.%s in Glue: %w", t.Database, t.Name, serviceError(err))
	}
	return c, nil
}

// applyInAthena runs the DDL in Athena: CREATE DATABASE and CREATE EXTERNAL
// TABLE, each IF NOT EXISTS. It cannot change a table that exists.
func applyInAthena(ctx context.Context, cfg aws.Config, t *ddl.Table, c *Change, o Options) error {
	if !c.CreatedTable {
		return fmt.Errorf("table %s.%s exists and differs:\n  %s\nAthena's CREATE EXTERNAL TABLE cannot change it: apply it through Glue "+
			"(flowq ddl apply without --via athena), or drop it in Athena and apply again", t.Database, t.Name, strings.Join(c.Diff, "\n  "))
	}
	o.Database, o.Table = t.Database, t.Name
	d, err := connect(ctx, cfg, o)
	if err != nil {
		return err
	}
	// One statement a query, each in a database that exists (the new one is
	// created from default); Athena refuses a trailing semicolon.
	type statement struct{ database, sql string }
	var run []statement
	if c.CreatedDatabase {
		run = append(run, statement{"default", "CREATE DATABASE IF NOT EXISTS " + t.Database})
	}
	run = append(run, statement{t.Database, strings.TrimSuffix(strings.TrimSpace(t.AthenaDDL()), ";")})
	for _, s := range run {
		c.Statements = append(c.Statements, s.sql)
		if _, err := d.exec(ctx, s.database, s.sql, nil); err != nil {
			return fmt.Errorf("create %s.%s in Athena: %w", t.Database, t.Name, err)
		}
	}
	return nil
}

// catalogParameters are table properties the catalog keeps for itself (the
// Hive metastore's, Athena's ALTER TABLE's): never a difference, and kept
// when the table is updated.
var catalogParameters = []string{"transient_lastDdlTime", "last_modified_by", "last_modified_time", "numFiles", "numRows", "totalSize", "rawDataSize", "COLUMN_STATS_ACCURATE"}

// keepCatalogs carries into want what of the existing table it keeps: the
// catalog's own properties, and with keepSince, the projection range of each
// partition column both project alike (the same type and format: a day
// column that was dd and is now yyyy/MM/dd takes the new range).
func keepCatalogs(want *gluetypes.TableInput, existing *gluetypes.Table, keepSince bool) {
	have := existing.Parameters
	for k, v := range have {
		_, ours := want.Parameters[k]
		switch {
		case slices.Contains(catalogParameters, k):
			want.Parameters[k] = v
		case keepSince && ours && strings.HasPrefix(k, "projection.") && strings.HasSuffix(k, ".range"):
			col := strings.TrimSuffix(k, ".range")
			if have[col+".type"] == want.Parameters[col+".type"] && have[col+".format"] == want.Parameters[col+".format"] {
				want.Parameters[k] = v
			}
		}
	}
}

// diffTable lists how the existing table differs from want, in what want
// sets (Glue adds fields of its own): with description, its description too
// (Athena's DDL cannot set one).
func diffTable(existing *gluetypes.Table, want *gluetypes.TableInput, description bool) []string {
	var d []string
	change := func(what, from, to string) {
		if from != to {
			d = append(d, fmt.Sprintf("~ %s: %s → %s", what, orNone(from), orNone(to)))
		}
	}
	if description {
		change("description", aws.ToString(existing.Description), aws.ToString(want.Description))
	}
	change("table type", aws.ToString(existing.TableType), aws.ToString(want.TableType))
	sd, wsd := existing.StorageDescriptor, want.StorageDescriptor
	if sd == nil {
		sd = &gluetypes.StorageDescriptor{}
	}
	d = append(d, diffColumns("column", sd.Columns, wsd.Columns)...)
	d = append(d, diffColumns("partition column", existing.PartitionKeys, want.PartitionKeys)...)
	change("location", aws.ToString(sd.Location), aws.ToString(wsd.Location))
	change("input format", aws.ToString(sd.InputFormat), aws.ToString(wsd.InputFormat))
	change("output format", aws.ToString(sd.OutputFormat), aws.ToString(wsd.OutputFormat))
	serde := sd.SerdeInfo
	if serde == nil {
		serde = &gluetypes.SerDeInfo{}
	}
	change("SerDe", aws.ToString(serde.SerializationLibrary), aws.ToString(wsd.SerdeInfo.SerializationLibrary))
	d = append(d, diffProperties("SerDe property", serde.Parameters, wsd.SerdeInfo.Parameters)...)
	d = append(d, diffProperties("property", existing.Parameters, want.Parameters)...)
	return d
}

// diffColumns lists columns added, removed, changed in type or comment, and
// moved (a text table is positional: order is part of the definition).
func diffColumns(what string, have, want []gluetypes.Column) []string {
	var d []string
	index := func(cols []gluetypes.Column, name string) int {
		return slices.IndexFunc(cols, func(c gluetypes.Column) bool { return aws.ToString(c.Name) == name })
	}
	for i, w := range want {
		name := aws.ToString(w.Name)
		j := index(have, name)
		if j < 0 {
			d = append(d, fmt.Sprintf("+ %s %s %s", what, name, aws.ToString(w.Type)))
			continue
		}
		h := have[j]
		if ht, wt := aws.ToString(h.Type), aws.ToString(w.Type); ht != wt {
			d = append(d, fmt.Sprintf("~ %s %s: %s → %s", what, name, ht, wt))
		}
		if aws.ToString(h.Comment) != aws.ToString(w.Comment) {
			d = append(d, fmt.Sprintf("~ %s %s: its comment", what, name))
		}
		if i != j {
			d = append(d, fmt.Sprintf("~ %s %s: position %d → %d", what, name, j+1, i+1))
		}
	}
	for _, h := range have {
		if name := aws.ToString(h.Name); index(want, name) < 0 {
			d = append(d, fmt.Sprintf("- %s %s %s", what, name, aws.ToString(h.Type)))
		}
	}
	return d
}

// diffProperties lists properties added, removed and changed, by key.
func diffProperties(what string, have, want map[string]string) []string {
	var d []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		h, ok := have[k]
		switch {
		case !ok:
			d = append(d, fmt.Sprintf("+ %s %s = %s", what, k, want[k]))
		case h != want[k]:
			d = append(d, fmt.Sprintf("~ %s %s: %s → %s", what, k, orNone(h), orNone(want[k])))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(have)) {
		if _, ok := want[k]; !ok && !slices.Contains(catalogParameters, k) {
			d = append(d, fmt.Sprintf("- %s %s = %s", what, k, have[k]))
		}
	}
	return d
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
