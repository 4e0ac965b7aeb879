package enginetest

// securityChecks are the truth checks of the security queries.
var securityChecks = map[string]check{}
