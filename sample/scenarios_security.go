package sample

// securityScenarios are the incidents behind the security queries of the library.
var securityScenarios = []scenario{}
