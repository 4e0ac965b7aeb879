package enginetest

// tgwChecks are the truth checks of the tgw queries.
var tgwChecks = map[string]check{}
