package sample

// tgwScenarios are the incidents behind the tgw queries of the library.
var tgwScenarios = []scenario{}
