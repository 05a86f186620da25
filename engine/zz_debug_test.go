package engine_test

import (
	"fmt"
	"testing"

	"github.com/quorumhq/quorum/b2b"

	"github.com/quorumhq/quorum/engine"
	"github.com/quorumhq/quorum/store/memory"
)

func TestZZDebug(t *testing.T) {
	prog := optionBProgram(t)
	ops := fuzzOps([]byte("7\x040810A"))
	st := memory.New()
	fe := newFuzzEngine(t, prog, st)
	for _, op := range ops {
		op.run(fe)
	}
	show := func(e *engine.Engine) {
		for _, id := range []string{"acme", "globex"} {
			v, err := e.Account(fe.ctx, b2b.AccountID(id), fe.clock.Now())
			fmt.Printf("  %s: domains %v merged %q absorbed %v err %v\n", id, v.Account.Domains, v.MergedInto, v.Absorbed, err)
		}
		gp, _ := e.Identity("salesforce:003A")
		fmt.Printf("  carla links %+v\n", gp.Links)
	}
	show(fe.eng)
	eng, _ := engine.New(engine.Config{UnsubscribeURL: unsubscribeURL, Store: st, Program: prog, Clock: fe.clock})
	eng.Recover(fe.ctx)
	show(eng)
}
