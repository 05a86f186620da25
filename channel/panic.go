package channel

import (
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Where a panic recovered while delivering one message came from.
const (
	inConsent = iota // the consent lookup
	inSender         // the channel's sender
	inBackoff        // the backoff, after a failed attempt
)

// maxPanicFrames bounds the stack a recovered panic's error shows: the
// panicking function and its callers, up to the dispatcher.
const maxPanicFrames = 6

// maxPanicText bounds the text of a recovered panic's value in its error
// (the log has it whole).
const maxPanicText = 500

// dispatcherFrames prefixes the functions of the Dispatcher: a panic's
// short stack ends where they begin.
const dispatcherFrames = "github.com/quorumhq/quorum/channel.(*Dispatcher)."

// panicError is a panic recovered while delivering one message: a
// permanent failure, recorded with the panic's value and a short stack.
type panicError struct {
	in        string // "email sender", "consent lookup", ...
	value     any    // what was passed to panic
	text      string // value as text, at most maxPanicText bytes
	stack     string // the frames from the panic up to the dispatcher, on one line
	fullStack string // the goroutine's whole stack, for the log
}

// newPanicError is called by the deferred function that recovered v,
// while the panicking frames are still on the stack.
func newPanicError(in int, ch Channel, v any) *panicError {
	e := &panicError{value: v, text: fmt.Sprint(v), stack: shortStack(), fullStack: string(debug.Stack())}
	if len(e.text) > maxPanicText {
		e.text = strings.ToValidUTF8(e.text[:maxPanicText], "") + "..."
	}
	switch in {
	case inConsent:
		e.in = "consent lookup"
	case inSender:
		e.in = ch + " sender"
	default:
		e.in = "backoff"
	}
	return e
}

func (e *panicError) Error() string {
	return e.in + " panicked: " + e.text + " (stack: " + e.stack + ")"
}

// Is reports whether target is ErrPermanent: a panic is not retried.
func (e *panicError) Is(target error) bool { return target == ErrPermanent }

// Unwrap returns the panic's value if it is an error.
func (e *panicError) Unwrap() error {
	err, _ := e.value.(error)
	return err
}

// shortStack describes the stack of a panic being recovered, from the
// function that panicked to the one the dispatcher called, as
// "pkg.Func at file.go:12; pkg.Caller at file.go:30", at most
// maxPanicFrames frames. It is called by the deferred function that
// recovered.
func shortStack() string {
	var pcs [64]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs[:])])
	var parts []string
	panicking := false
	for {
		f, more := frames.Next()
		switch {
		case !panicking:
			panicking = f.Function == "runtime.gopanic"
		case strings.HasPrefix(f.Function, dispatcherFrames):
			more = false
		case strings.HasPrefix(f.Function, "runtime."):
			// runtime.panicmem, runtime.sigpanic, runtime.goPanicIndex, ...
		case len(parts) == maxPanicFrames:
			parts = append(parts, "...")
			more = false
		default:
			fn := f.Function[strings.LastIndexByte(f.Function, '/')+1:]
			parts = append(parts, fn+" at "+filepath.Base(f.File)+":"+strconv.Itoa(f.Line))
		}
		if !more {
			break
		}
	}
	if len(parts) == 0 {
		return "unknown"
	}
	return strings.Join(parts, "; ")
}
