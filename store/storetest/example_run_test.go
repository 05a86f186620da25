package storetest_test

import (
	"testing"
	"time"

	"github.com/quorumhq/quorum/store"
	"github.com/quorumhq/quorum/store/memory"
	"github.com/quorumhq/quorum/store/storetest"
)

// ExampleRun is an adapter's conformance test: one test function in the
// adapter's package hands Run a constructor of fresh, empty stores and the
// Features the adapter declares (store/memory declares none: the zero
// Features are the full contract).
//
// The example is compiled but not run (it has no output): the suite needs
// the *testing.T of a real test, which an example does not get. Write the
// function below as func TestConformance(t *testing.T) in a _test.go file
// of the adapter, and run it with -race.
func ExampleRun() {
	testConformance := func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store {
			// A database adapter opens a fresh database (or schema) here
			// and closes it with t.Cleanup.
			return memory.New()
		}, storetest.Features{
			// A database that keeps times to the microsecond says so.
			TimePrecision: time.Microsecond,
		})
	}
	_ = testConformance
}
