// Package sqlwords holds the lists of words SQL engines reserve, which flowq
// checks the names it writes against: one list per engine, read by the DDL
// generator and by the query dialects alike.
package sqlwords

import "strings"

// Set is a set of words, kept in lower case.
type Set map[string]bool

// NewSet makes a set of the space-separated words.
func NewSet(words string) Set {
	set := Set{}
	for _, w := range strings.Fields(words) {
		set[strings.ToLower(w)] = true
	}
	return set
}

// Has reports whether the set holds a word, in any case.
func (s Set) Has(word string) bool { return s[strings.ToLower(word)] }

// AthenaQueries are the words Athena reserves in queries (engine v3 is
// Trino): a table or column so named must be double-quoted in every query,
// as Trino's grammar refuses it bare. Athena's guide ("Escape reserved
// keywords in queries") also lists FIRST and LAST. Words such as year, day,
// hour, limit and window are not reserved.
var AthenaQueries = NewSet(`ALTER AND AS BETWEEN BY CASE CAST CONSTRAINT CREATE CROSS CUBE CURRENT_CATALOG
	CURRENT_DATE CURRENT_PATH CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DEALLOCATE
	DELETE DESCRIBE DISTINCT DROP ELSE END ESCAPE EXCEPT EXECUTE EXISTS EXTRACT FALSE FIRST FOR FROM FULL GROUP
	GROUPING HAVING IN INNER INSERT INTERSECT INTO IS JOIN JSON_ARRAY JSON_EXISTS JSON_OBJECT JSON_QUERY
	JSON_TABLE JSON_VALUE LAST LEFT LIKE LISTAGG LOCALTIME LOCALTIMESTAMP NATURAL NORMALIZE NOT NULL ON OR ORDER
	OUTER PREPARE RECURSIVE RIGHT ROLLUP SELECT SKIP TABLE THEN TRIM TRUE UESCAPE UNION UNNEST USING VALUES
	WHEN WHERE WITH`)
