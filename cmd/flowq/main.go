// Command flowq generates Athena tables for Amazon VPC Flow Logs and runs
// root-cause and compliance queries over them, in Athena or locally.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/flowq/flowq/internal/iostreams"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], newFactory(iostreams.System()))
	stop()
	os.Exit(code)
}
