package awsfake

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// Glue fakes the Glue Data Catalog's database and table calls (GetDatabase,
// CreateDatabase, GetTable, CreateTable, UpdateTable) over its JSON 1.1
// protocol. A table is kept as the TableInput it was given, and GetTable
// answers it with the fields Glue adds (DatabaseName, CreateTime, UpdateTime,
// VersionId…), as Glue does. UpdateTable replaces the whole definition.
type Glue struct {
	jsonService
	databases map[string]map[string]*glueTable // database → table name → table
}

type glueTable struct {
	input   map[string]any // the TableInput, as sent
	created time.Time
	updated time.Time
	version int
}

// NewGlueFake returns an empty catalog; New serves one.
func NewGlueFake() *Glue {
	g := &Glue{databases: map[string]map[string]*glueTable{}}
	g.jsonService = jsonService{service: "glue", prefix: "AWSGlue", throttle: "ThrottlingException", internal: "InternalServiceException"}
	g.operation = map[string]func([]byte) (any, error){
		"GetDatabase":    g.getDatabase,
		"CreateDatabase": g.createDatabase,
		"GetTable":       g.getTable,
		"CreateTable":    g.createTable,
		"UpdateTable":    g.updateTable,
	}
	return g
}

// PutTable stores a table as CreateTable would, from its TableInput's JSON
// (ddl.Table.GlueJSON writes one), creating the database if needed.
func (g *Glue) PutTable(database string, tableInput []byte) {
	var in map[string]any
	if err := json.Unmarshal(tableInput, &in); err != nil {
		panic(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.databases[database] == nil {
		g.databases[database] = map[string]*glueTable{}
	}
	now := time.Now()
	g.databases[database][in["Name"].(string)] = &glueTable{input: in, created: now, updated: now, version: 1}
}

// Table returns a table's TableInput as stored, nil when there is none.
func (g *Glue) Table(database, name string) map[string]any {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := g.databases[database][name]; t != nil {
		return t.input
	}
	return nil
}

// HasDatabase reports whether the catalog has the database.
func (g *Glue) HasDatabase(name string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	_, ok := g.databases[name]
	return ok
}

func notFound(what string) *apiError {
	return &apiError{http.StatusBadRequest, "EntityNotFoundException", what + " not found."}
}

func (g *Glue) getDatabase(body []byte) (any, error) {
	var in struct{ Name string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.databases[in.Name]; !ok {
		return nil, notFound("Database " + in.Name)
	}
	return map[string]any{"Database": map[string]any{"Name": in.Name, "CatalogId": "123456789012"}}, nil
}

func (g *Glue) createDatabase(body []byte) (any, error) {
	var in struct{ DatabaseInput struct{ Name string } }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	name := in.DatabaseInput.Name
	if name == "" {
		return nil, invalid("DatabaseInput.Name is required")
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.databases[name]; ok {
		return nil, &apiError{http.StatusBadRequest, "AlreadyExistsException", "Database already exists."}
	}
	g.databases[name] = map[string]*glueTable{}
	return map[string]any{}, nil
}

func (g *Glue) getTable(body []byte) (any, error) {
	var in struct{ DatabaseName, Name string }
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	tables, ok := g.databases[in.DatabaseName]
	if !ok {
		return nil, notFound("Database " + in.DatabaseName)
	}
	t, ok := tables[in.Name]
	if !ok {
		return nil, notFound("Table " + in.Name)
	}
	out := map[string]any{}
	for k, v := range t.input {
		out[k] = v
	}
	out["DatabaseName"] = in.DatabaseName
	out["CatalogId"] = "123456789012"
	out["CreateTime"] = epoch(t.created)
	out["UpdateTime"] = epoch(t.updated)
	out["CreatedBy"] = "arn:aws:iam::123456789012:user/fake"
	out["VersionId"] = strconv.Itoa(t.version)
	out["IsRegisteredWithLakeFormation"] = false
	return map[string]any{"Table": out}, nil
}

// tableInput reads CreateTable's and UpdateTable's input.
func tableInput(body []byte) (database string, in map[string]any, err error) {
	var req struct {
		DatabaseName string
		TableInput   map[string]any
	}
	if err := decode(body, &req); err != nil {
		return "", nil, err
	}
	if name, _ := req.TableInput["Name"].(string); name == "" {
		return "", nil, invalid("TableInput.Name is required")
	}
	return req.DatabaseName, req.TableInput, nil
}

func (g *Glue) createTable(body []byte) (any, error) {
	db, in, err := tableInput(body)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	tables, ok := g.databases[db]
	if !ok {
		return nil, notFound("Database " + db)
	}
	name := in["Name"].(string)
	if _, ok := tables[name]; ok {
		return nil, &apiError{http.StatusBadRequest, "AlreadyExistsException", "Table already exists."}
	}
	now := time.Now()
	tables[name] = &glueTable{input: in, created: now, updated: now, version: 1}
	return map[string]any{}, nil
}

func (g *Glue) updateTable(body []byte) (any, error) {
	db, in, err := tableInput(body)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	t, ok := g.databases[db][in["Name"].(string)]
	if !ok {
		return nil, notFound("Table " + in["Name"].(string))
	}
	t.input, t.updated = in, time.Now()
	t.version++
	return map[string]any{}, nil
}
