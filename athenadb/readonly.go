package athenadb

import (
	"strings"

	"github.com/flowq/flowq/queries"
)

// readStatements are the first words of the statements Query runs: those
// that only read. The rest (CREATE, CREATE TABLE AS, INSERT, UNLOAD, DROP,
// ALTER, MSCK, DELETE, UPDATE, MERGE…) change tables or write to S3, which
// flowq's queries never do; ddl apply runs its DDL by its own path.
var readStatements = map[string]bool{"SELECT": true, "WITH": true, "VALUES": true, "TABLE": true, "SHOW": true, "DESCRIBE": true, "EXPLAIN": true}

// checkReads refuses SQL that does more than read, as the local engine
// does: a statement whose first word is not one of readStatements, and an
// EXPLAIN ANALYZE (which runs its statement) of one.
func checkReads(sql string) error {
	words := leadingWords(sql, 3)
	if len(words) > 0 && words[0] == "EXPLAIN" && len(words) > 1 && words[1] == "ANALYZE" {
		words = words[2:]
		if len(words) > 0 && words[0] == "VERBOSE" {
			words = leadingWords(sql, 4)[3:]
		}
	}
	if len(words) == 0 || !readStatements[words[0]] {
		return &queries.RefusedError{Reason: "flowq runs queries that read (SELECT, WITH, VALUES, TABLE, SHOW, DESCRIBE, EXPLAIN) in Athena; " +
			"tables are made with flowq ddl apply"}
	}
	return nil
}

// leadingWords are the first n words of SQL, upper-cased, past comments,
// white space and opening parentheses.
func leadingWords(sql string, n int) []string {
	var words []string
	for s := sql; len(words) < n; {
		s = strings.TrimLeft(s, " \t\r\n(")
		switch {
		case strings.HasPrefix(s, "--"):
			_, s, _ = strings.Cut(s, "\n")
			continue
		case strings.HasPrefix(s, "/*"):
			_, s, _ = strings.Cut(s, "*/")
			continue
		}
		end := strings.IndexFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_') })
		if end < 0 {
			end = len(s)
		}
		if end == 0 {
			return words
		}
		words = append(words, strings.ToUpper(s[:end]))
		s = s[end:]
	}
	return words
}
