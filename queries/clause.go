package queries

import "strings"

// Clause is the part of a SELECT statement a place in its SQL belongs to.
// A dialect decides by it whether a value can be bound there (Athena binds
// values only in WHERE).
type Clause string

const (
	SelectClause  Clause = "SELECT"
	FromClause    Clause = "FROM"
	WhereClause   Clause = "WHERE"
	GroupByClause Clause = "GROUP"
	HavingClause  Clause = "HAVING"
	WindowClause  Clause = "WINDOW"
	QualifyClause Clause = "QUALIFY"
	OrderByClause Clause = "ORDER"
	LimitClause   Clause = "LIMIT"
	OnClause      Clause = "ON" // a join condition
	OtherClause   Clause = ""   // before any clause keyword, or one not listed
)

// clauseKeywords start a clause at their parenthesis depth. JOIN and USING
// end an ON; a window's PARTITION BY and ORDER BY sit in parentheses of their
// own, so they do not end the clause the window is in.
var clauseKeywords = map[string]Clause{
	"SELECT": SelectClause, "FROM": FromClause, "JOIN": FromClause, "WHERE": WhereClause, "GROUP": GroupByClause,
	"HAVING": HavingClause, "WINDOW": WindowClause, "QUALIFY": QualifyClause, "ORDER": OrderByClause,
	"LIMIT": LimitClause, "OFFSET": LimitClause, "ON": OnClause, "USING": FromClause,
	"UNION": OtherClause, "INTERSECT": OtherClause, "EXCEPT": OtherClause,
}

// clauseAt is the clause that the end of sql, a statement being written, is
// in: the last clause keyword at the innermost parenthesis depth that has
// one (a function call's parentheses have none, a subquery's do). String
// literals, quoted identifiers and comments are skipped; so are words that
// only look like clause keywords: a name after "." or "$" (t.order), the
// FROM of IS DISTINCT FROM, and the WHERE of an aggregate's FILTER (WHERE …),
// which stays in the clause around it.
func clauseAt(sql string) Clause {
	stack := []Clause{OtherClause} // the clause at each open parenthesis depth
	set := []bool{false}
	opaque := []bool{false} // a FILTER's parentheses: their keywords start no clause
	prev := ""              // the word just before, when nothing but space came since
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		word := ""
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == '\'' || c == '"':
			// A quoted string or identifier; a doubled quote escapes itself.
			for i++; i < len(sql); i++ {
				if sql[i] == c {
					if i+1 < len(sql) && sql[i+1] == c {
						i++
						continue
					}
					break
				}
			}
		case c == '-' && strings.HasPrefix(sql[i:], "--"):
			if j := strings.IndexByte(sql[i:], '\n'); j >= 0 {
				i += j
			} else {
				i = len(sql)
			}
			continue
		case c == '/' && strings.HasPrefix(sql[i:], "/*"):
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(sql)
			}
			continue
		case c == '(':
			stack, set = append(stack, OtherClause), append(set, false)
			opaque = append(opaque, prev == "FILTER")
		case c == ')':
			if len(stack) > 1 {
				stack, set, opaque = stack[:len(stack)-1], set[:len(set)-1], opaque[:len(opaque)-1]
			}
		case isWordByte(c) && (i == 0 || !isWordByte(sql[i-1])):
			j := i
			for j < len(sql) && isWordByte(sql[j]) {
				j++
			}
			word = strings.ToUpper(sql[i:j])
			qualified := i > 0 && (sql[i-1] == '.' || sql[i-1] == '$')
			distinctFrom := word == "FROM" && prev == "DISTINCT"
			if cl, ok := clauseKeywords[word]; ok && !qualified && !distinctFrom && !opaque[len(opaque)-1] {
				stack[len(stack)-1], set[len(set)-1] = cl, true
			}
			i = j - 1
		}
		prev = word
	}
	for d := len(stack) - 1; d >= 0; d-- {
		if set[d] {
			return stack[d]
		}
	}
	return OtherClause
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Placeholders are the offsets of the ? placeholders of SQL: outside string
// literals, quoted identifiers and comments, as an engine counts the values
// to bind.
func Placeholders(sql string) []int {
	var out []int
	for i := 0; i < len(sql); i++ {
		switch c := sql[i]; {
		case c == '\'' || c == '"':
			for i++; i < len(sql) && sql[i] != c; i++ {
			}
		case strings.HasPrefix(sql[i:], "--"):
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
		case strings.HasPrefix(sql[i:], "/*"):
			if j := strings.Index(sql[i+2:], "*/"); j >= 0 {
				i += j + 3
			} else {
				i = len(sql)
			}
		case c == '?':
			out = append(out, i)
		}
	}
	return out
}
