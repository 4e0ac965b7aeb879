// Package queries is flowq's library of root-cause and compliance SQL: each
// query is an embedded file, written once and rendered for DuckDB or Athena.
//
// A query file is library/NAME@VERSION.sql. Its header is comment lines:
//
//	-- name: top-rejected-destinations
//	-- version: 1
//	-- title: Top rejected destinations
//	-- description: What was rejected the most, and by how many sources.
//	--   A line without a key continues the description.
//	-- tags: rca, security
//	-- fields: dstaddr, srcaddr, packets, action, start, end
//	-- optional: flow-direction
//	-- param: limit int = 10; how many destinations to list
//
// then the SQL, a text/template using the functions listed at renderFuncs.
// The fields are those the SQL needs; optional ones it reads only when the
// table has them, inside {{if has "field"}}…{{end}}, answering less
// precisely without them (its description says what they add).
// A parameter is "NAME TYPE[(choices)] [= DEFAULT]; DESCRIPTION", with TYPE one
// of ip, cidr, port, protocol, timestamp, duration, int, int(LOW..HIGH),
// enum(a,b), string; one without a default is required. A parameter named limit caps the rows: it is
// an int from 1 to MaxLimit, and the SQL ends with LIMIT {{param "limit"}}, so
// that a result knows whether the limit cut it (see LimitParam).
//
// A published name@version never changes: library.lock holds each file's
// SHA-256 and a test compares them. To change a query, add VERSION+1.
package queries

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/flowq/flowq/internal/suggest"
)

//go:embed library/*.sql
var embedded embed.FS

// Library is a set of queries, every version of each.
type Library struct {
	queries []*Query // by name, then version
}

// Default is the library built into flowq. A failure to load it is a broken
// build, which TestDefaultLibrary catches, so it panics.
var Default = sync.OnceValue(func() *Library {
	sub, err := fs.Sub(embedded, "library")
	if err != nil {
		panic(err)
	}
	lib, err := Load(sub)
	if err != nil {
		panic(err)
	}
	return lib
})

// Load reads every NAME@VERSION.sql file at the root of fsys.
func Load(fsys fs.FS) (*Library, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	lib := &Library{}
	for _, file := range names {
		src, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("read query %s: %w", file, err)
		}
		q, err := parseQuery(file, string(src))
		if err != nil {
			return nil, err
		}
		if want := q.Ref() + ".sql"; path.Base(file) != want {
			return nil, fmt.Errorf("%s: its header says %s, so the file must be %s", file, q.Ref(), want)
		}
		lib.queries = append(lib.queries, q)
	}
	slices.SortFunc(lib.queries, func(a, b *Query) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return lib, nil
}

// All returns every version of every query, by name then version.
func (l *Library) All() []*Query { return slices.Clone(l.queries) }

// Latest returns the newest version of each query, by name.
func (l *Library) Latest() []*Query {
	var out []*Query
	for i, q := range l.queries {
		if i+1 == len(l.queries) || l.queries[i+1].Name != q.Name {
			out = append(out, q)
		}
	}
	return out
}

// Get finds "name" (the latest version) or "name@version". For a name it does
// not know it suggests the closest ones.
func (l *Library) Get(ref string) (*Query, error) {
	name, version, err := ParseRef(ref)
	if err != nil {
		// Top_Rejected or "top rejected": a name spelled the wrong way.
		given, _, _ := strings.Cut(ref, "@")
		spelled := strings.NewReplacer("_", "-", " ", "-").Replace(strings.ToLower(given))
		if !namePattern.MatchString(given) && namePattern.MatchString(spelled) {
			if near := l.near(spelled); len(near) > 0 {
				return nil, fmt.Errorf("%w; did you mean %s?", err, orList(near))
			}
		}
		return nil, err
	}
	var found *Query
	var versions []string
	for _, q := range l.queries {
		if q.Name != name {
			continue
		}
		versions = append(versions, strconv.Itoa(q.Version))
		if version == 0 || q.Version == version {
			found = q
		}
	}
	switch {
	case len(versions) == 0:
		if near := l.near(name); len(near) > 0 {
			return nil, fmt.Errorf("no query named %s; did you mean %s?", name, orList(near))
		}
		return nil, fmt.Errorf("no query named %s (flowq queries list shows them)", name)
	case found == nil || (version != 0 && found.Version != version):
		return nil, fmt.Errorf("%s has no version %d (it has %s)", name, version, strings.Join(versions, ", "))
	}
	return found, nil
}

// near returns the query names a mistyped name probably meant: the names it
// begins (top-rejected: top-rejected-destinations), else the closest by
// typing distance, if close enough to be a typo; at most three.
func (l *Library) near(name string) []string {
	var names []string
	for _, q := range l.Latest() {
		names = append(names, q.Name)
	}
	var starts []string
	for _, n := range names {
		if n == name {
			return []string{n}
		}
		if strings.HasPrefix(n, name+"-") || (len(name) >= 4 && strings.HasPrefix(n, name)) {
			starts = append(starts, n)
		}
	}
	if len(starts) > 0 {
		return starts[:min(3, len(starts))]
	}
	best, closest := len(name)/4+1, []string(nil) // a typo per four letters
	for _, n := range names {
		switch d := suggest.Distance(name, n); {
		case d < best:
			best, closest = d, []string{n}
		case d == best && closest != nil:
			closest = append(closest, n)
		}
	}
	return closest[:min(3, len(closest))]
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
