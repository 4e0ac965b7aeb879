// Command flowq generates Athena tables for Amazon VPC Flow Logs and runs
// root-cause and compliance queries over them, in Athena or locally.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/flowq/flowq/internal/iostreams"
)

func main() {
	ctx, stop := interruptible()
	code := run(ctx, os.Args[1:], newFactory(iostreams.System()))
	stop()
	os.Exit(code)
}

// interruptible is a context that Ctrl-C, SIGTERM (timeout(1), CI, systemd)
// and SIGHUP (a closed terminal) cancel, with the signal as its cause: what
// runs then stops cleanly (an Athena query is stopped in Athena, a download
// leaves no partial file), and run exits 128 + the signal's number. A second
// signal ends the process at once.
func interruptible() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs)
			cancel(signalled{s.(syscall.Signal)})
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(sigs)
		cancel(nil)
	}
}

// signalled is the cause of a context a signal cancelled.
type signalled struct{ sig syscall.Signal }

func (s signalled) Error() string { return s.sig.String() }
