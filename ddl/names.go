package ddl

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/flowq/flowq/internal/sqlwords"
)

// reserved are Athena's reserved keywords for DDL statements, as the Athena
// guide lists them ("Escape reserved keywords in queries"): a column with such
// a name is backquoted in DDL, and a bare one does not parse.
var reserved = sqlwords.NewSet(`ALL ALTER AND ARRAY AS AUTHORIZATION BETWEEN BIGINT BINARY BOOLEAN BOTH BY CASE CASHE CAST
	CHAR COLUMN CONF CONSTRAINT COMMIT CREATE CROSS CUBE CURRENT CURRENT_DATE CURRENT_TIMESTAMP CURSOR DATABASE
	DATE DAYOFWEEK DECIMAL DELETE DESCRIBE DISTINCT DIV DOUBLE DROP ELSE END EXCHANGE EXISTS EXTENDED EXTERNAL
	EXTRACT FALSE FETCH FLOAT FLOOR FOLLOWING FOR FOREIGN FROM FULL FUNCTION GRANT GROUP GROUPING HAVING IF
	IMPORT IN INNER INSERT INT INTEGER INTERSECT INTERVAL INTO IS JOIN LATERAL LEFT LESS LIKE LOCAL MACRO MAP
	MORE NONE NOT NULL NUMERIC OF ON ONLY OR ORDER OUT OUTER OVER PARTIALSCAN PARTITION PERCENT PRECEDING
	PRECISION PRESERVE PRIMARY PROCEDURE RANGE READS REDUCE REGEXP REFERENCES REVOKE RIGHT RLIKE ROLLBACK
	ROLLUP ROW ROWS SELECT SET SMALLINT START TABLE TABLESAMPLE THEN TIME TIMESTAMP TO TRANSFORM TRIGGER TRUE
	TRUNCATE UNBOUNDED UNION UNIQUEJOIN UPDATE USER USING UTC_TIMESTAMP VALUES VARCHAR VIEWS WHEN WHERE
	WINDOW WITH`)

var (
	// Athena: "only lowercase letters, numbers, and the underscore character".
	namePattern = regexp.MustCompile(`^[a-z0-9_]+$`)
	// A name flowq writes bare in DDL and in queries also starts with a letter:
	// Athena's DDL needs a leading underscore backquoted, and its queries need a
	// leading digit double-quoted.
	bareNamePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	notInName       = regexp.MustCompile(`[^a-z0-9_]`)
)

// maxName is the Glue limit on database and table names.
const maxName = 255

// defaultNames are the names flowq suggests in place of a reserved word.
var defaultNames = map[string]string{"database": "vpc_flow_logs", "table": "flow_logs"}

// CheckName checks a database or table name (what says which) against
// Athena's and Glue's rules: flowq writes it bare in DDL and in queries, so it
// must be a valid name in both and no reserved word. The error suggests a name
// that passes.
func CheckName(what, name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%s name is empty", what)
	case len(name) > maxName:
		return fmt.Errorf("%s name %q is %d characters; Glue allows %d", what, name, len(name), maxName)
	case !namePattern.MatchString(name):
		return fmt.Errorf("%s name %q: Athena names hold only lower-case letters, digits and underscores (try %s)",
			what, name, suggestName(what, name))
	case !bareNamePattern.MatchString(name):
		return fmt.Errorf("%s name %q: start it with a letter, or every query must quote it (try %s)", what, name, suggestName(what, name))
	case reserved.Has(name) || sqlwords.AthenaQueries.Has(name):
		return fmt.Errorf("%s name %q is a reserved word in Athena, which every statement would have to quote (try %s)",
			what, name, suggestName(what, name))
	}
	return nil
}

// suggestName turns a name into one CheckName accepts, quoted for a message:
// lower case, underscores for separators, a letter first; a reserved word gets
// the default name or a _logs suffix.
func suggestName(what, name string) string {
	s := strings.ToLower(strings.NewReplacer("-", "_", ".", "_", " ", "_").Replace(name))
	s = notInName.ReplaceAllString(s, "")
	s = strings.TrimLeft(s, "_")
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		s = "logs_" + s
	}
	s = s[:min(len(s), maxName)]
	switch {
	case s == "":
		return fmt.Sprintf("%q", defaultNames[what])
	case reserved.Has(s) || sqlwords.AthenaQueries.Has(s):
		return fmt.Sprintf("%q or %q", defaultNames[what], s+"_logs")
	}
	return fmt.Sprintf("%q", s)
}
