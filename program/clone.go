package program

import "github.com/quorumhq/quorum/internal/deepcopy"

// copyDefinitions deep-copies definitions, so that a program shares no
// slice, map or pointer with the definitions it was compiled from nor with
// those it hands out: a host that edits either leaves the program as it
// was compiled. Definitions are plain data, which package deepcopy copies
// as trees (nil slices and maps stay nil).
var copyDefinitions = func() func(*Definitions) *Definitions {
	fn, err := deepcopy.For[Definitions]()
	if err != nil {
		panic("program: definitions cannot be copied: " + err.Error()) // a field of a type deepcopy refuses: a programming error
	}
	return fn
}()

func cloneDefinitions(d Definitions) Definitions { return *copyDefinitions(&d) }
