package enginetest

// everydayChecks are the truth checks of the everyday queries.
var everydayChecks = map[string]check{}
