package enginetest

// rcaChecks are the truth checks of the rca queries.
var rcaChecks = map[string]check{}
