package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// duck is flowq's one DuckDB connection: an in-memory database on one pinned
// connection (the view and flowq's functions live in it), set up so that it
// never reaches the network, and, once the view exists, can read only the
// dataset's files.
type duck struct {
	db      *sql.DB
	conn    *sql.Conn
	tempDir string // made for this DB, removed on Close
}

// openDuck opens DuckDB with the options' settings. Settings are applied with
// bound values where DuckDB allows it; a failure closes what was opened.
func openDuck(ctx context.Context, opts Options) (*duck, error) {
	connector, err := duckdb.NewConnector("", nil)
	if err != nil {
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	d := &duck{db: sql.OpenDB(connector)}
	if d.conn, err = d.db.Conn(ctx); err != nil {
		d.db.Close()
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	// No network: never download or load extensions on demand; parquet, json
	// and icu are built in.
	settings := []string{"SET autoinstall_known_extensions = false", "SET autoload_known_extensions = false"}
	if opts.MemoryLimit != "" {
		settings = append(settings, "SET memory_limit = "+quote(opts.MemoryLimit))
	}
	if opts.Threads > 0 {
		settings = append(settings, fmt.Sprintf("SET threads = %d", opts.Threads))
	}
	// Spilled data goes to a folder of this DB's own: DuckDB's default is
	// .tmp in the working folder, which it may also write anything into.
	temp := opts.TempDir
	if temp == "" {
		if d.tempDir, err = os.MkdirTemp("", "flowq-duckdb-"); err != nil {
			d.Close()
			return nil, fmt.Errorf("open duckdb: %w", err)
		}
		temp = d.tempDir
	}
	settings = append(settings, "SET temp_directory = "+quote(temp))
	for _, s := range settings {
		if _, err := d.conn.ExecContext(ctx, s); err != nil {
			d.Close()
			return nil, fmt.Errorf("configure duckdb (%s): %w", s, err)
		}
	}
	return d, nil
}

// confine limits DuckDB's file access to the given folders (those whose
// files a plan may read by glob) and files, and locks its configuration, so
// that SQL run over the view reads the dataset and nothing else: no other
// file, no extension, no setting changed back. (flowq's own scan reads only
// the files of its groups, whatever SQL names them; and no statement that
// writes runs at all, see DB.query.)
func (d *duck) confine(ctx context.Context, dirs, files []string) error {
	settings := []string{
		"SET allowed_directories = " + stringList(dirs),
		"SET allowed_paths = " + stringList(files),
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	}
	for _, s := range settings {
		if _, err := d.conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("confine duckdb to the dataset (%.60s): %w", s, err)
		}
	}
	return nil
}

// Close releases DuckDB.
func (d *duck) Close() error {
	if d.conn != nil {
		d.conn.Close()
	}
	var err error
	if d.db != nil {
		err = d.db.Close()
	}
	if d.tempDir != "" {
		os.RemoveAll(d.tempDir)
	}
	return err
}

// quote makes a SQL string literal. It is used only for file names, settings
// and column names the engine itself produced, never for query parameters
// (those are bound).
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ident quotes an identifier.
func ident(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func stringList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
