// Command flowq generates Athena tables for Amazon VPC Flow Logs and runs
// root-cause and compliance queries over them, in Athena or locally.
package main

import (
	"os"

	"github.com/flowq/flowq/internal/iostreams"
)

func main() {
	os.Exit(run(os.Args[1:], iostreams.System()))
}
