package sample

// rcaScenarios are the incidents behind the rca queries of the library.
var rcaScenarios = []scenario{}
