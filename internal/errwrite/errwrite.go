// Package errwrite keeps the first error of a series of writes, so that
// code that prints line by line learns once, at the end, whether its
// output went out (a full disk, a closed pipe): lost output is a failure.
package errwrite

import "io"

// A Writer writes to W until a write fails; from then on it writes
// nothing and returns that error. Err is the first error, nil if none. A
// write that writes less than it is given fails with [io.ErrShortWrite]
// when W reports no error of its own.
type Writer struct {
	W   io.Writer
	Err error
}

func (e *Writer) Write(p []byte) (int, error) {
	if e.Err != nil {
		return 0, e.Err
	}
	n, err := e.W.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	e.Err = err
	return n, err
}
