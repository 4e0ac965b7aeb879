package sample

// everydayScenarios are the incidents behind the everyday queries of the library.
var everydayScenarios = []scenario{}
