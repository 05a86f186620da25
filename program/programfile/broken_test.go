package programfile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// base is the smallest valid program; cases add their broken parts.
const base = "name: broken\ninterests:\n  - id: dp\n    template: standard\n"

// journeyBase is base with a journey that sends the "intro" email; the
// journey's nodes start on line 10.
const journeyBase = base + `journeys:
  - id: j
    triggers:
      - type: group_created
        solutionInterest: dp
    nodes:
`

func TestBrokenFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{{
		name: "unknown field, with a suggestion",
		src:  base + "    templte: standard\n",
		want: []string{`5:5: interests[0].templte: unknown field "templte" (did you mean "template"?)`},
	}, {
		name: "unknown top-level section",
		src:  base + "journies: []\n",
		want: []string{`5:1: journies: unknown field "journies" (did you mean "journeys"?)`},
	}, {
		name: "wrong types",
		src: base + `groupScore:
  nonRoleWeight: lots
  velocityWindow: 5 days
  thresholds: {name: t}
caps:
  - {name: c, max: 2.5, per: 7d}
`,
		want: []string{
			`6:18: groupScore.nonRoleWeight: expected a number, got the text "lots"`,
			`7:19: groupScore.velocityWindow: invalid duration "5 days" (write it like 5d, 36h, 90m or 1d12h)`,
			`8:15: groupScore.thresholds: expected a list, got a mapping`,
			`10:20: caps[0].max: expected a whole number, got the number 2.5`,
		},
	}, {
		name: "field given twice",
		src:  base + "    template: other\n",
		want: []string{`5:5: interests[0].template: field "template" is given twice (also on line 4)`},
	}, {
		name: "field given twice on one line, as JSON on one line has it",
		src:  `{"name": "broken", "interests": [{"id": "dp", "template": "standard", "id": "dq"}]}`,
		want: []string{`1:71: interests[0].id: field "id" is given twice (also on line 1, column 35)`},
	}, {
		name: "key given twice on one line",
		src:  base + "groupScore: {models: {dp: sum, dp: max}}\n",
		want: []string{`5:32: groupScore.models["dp"]: key "dp" is given twice (also on line 5, column 23)`},
	}, {
		name: "YAML syntax",
		src:  "name: broken\ninterests:\n  - id: dp\n   template: [standard\n",
		want: []string{"4:4: : YAML: value is not allowed in this context"},
	}, {
		name: "a key indented under the value above it",
		src:  "name: broken\n  version: 2\ninterests:\n  - id: dp\n",
		want: []string{`2:3: : YAML: mapping value is not allowed in this context`},
	}, {
		name: "a key indented under the value above it, in a list",
		src:  base + "  - id: other\n    template: standard\n      name: Other\n",
		want: []string{`7:7: : YAML: mapping value is not allowed in this context`},
	}, {
		name: "bad expression on one line",
		src: journeyBase + `      - id: ready?
        kind: split
        split:
          paths:
            - when: group.completeness >= 0.6 && grup.score >= 150
              next: done
          else: done
      - id: done
        kind: end
        end: {}
`,
		want: []string{`15:50: journeys[0].nodes[0].split.paths[0].when: rule "ready? path 0" 1:30: unknown name grup`},
	}, {
		name: "bad expression in a quoted scalar with escapes",
		src:  base + "audiences:\n  - name: a\n    rule: \"account.name == \\\"x\\\" && acount.employees > 1\"\n",
		want: []string{`7:37: audiences[0].rule: rule "a" 1:24: unknown name acount`},
	}, {
		name: "bad expression in a literal block",
		src: base + `audiences:
  - name: big
    rule: |
      account.employees >= 1000

        && activityCount("visit_web_page", 30) >= 5
        && persns[0].title != ""
`,
		want: []string{`11:12: audiences[0].rule: rule "big" 4:6: unknown name persns`},
	}, {
		name: "bad expression in a folded block of a {name, expr} rule",
		src: base + `    applies:
      name: big
      expr: >
        account.employees >= 1000
        && account.industri == "Software"
`,
		want: []string{`9:20: interests[0].applies: rule "big" 1:38: type b2b.Account has no field industri`},
	}, {
		name: "bad expression in a plain scalar folded over lines",
		src: base + `scoring:
  - name: s
    rules:
      - name: r
        types: [open_email]
        points: 1
        when: activity.type == "open_email"
          && activty.attributes != nil
`,
		want: []string{`12:14: scoring[0].rules[0].when: rule "r" 1:34: unknown name activty`},
	}, {
		name: "unknown template reference",
		src: journeyBase + `      - id: intro
        kind: action
        action: {type: email, template: intro, next: done}
      - id: done
        kind: end
        end: {}
`,
		want: []string{`13:41: journeys[0].nodes[0].action.template: unknown email template "intro"`},
	}, {
		name: "duplicate IDs",
		src: base + `  - id: dp
    template: standard
` + `journeys:
  - id: j
    nodes:
      - {id: done, kind: end, end: {}}
      - {id: done, kind: end, end: {}}
`,
		want: []string{
			`5:9: interests[1].id: duplicate solution interest ID "dp" (also interests[0], on line 3, column 9)`,
			`11:14: journeys[0].nodes[1].id: duplicate node ID "done" (also nodes[0], on line 10, column 14)`,
		},
	}, {
		name: "a problem inside one of two nodes of an ID is placed in the node that has the part",
		src: base + `journeys:
  - id: j
    triggers: [{type: manual}]
    nodes:
      - {id: a, kind: wait, wait: {for: 5d, next: b}}
      - {id: a, kind: end, end: {}}
`,
		want: []string{
			`9:51: journeys[0].nodes[0].wait.next: unknown node "b"`,
			`10:14: journeys[0].nodes[1].id: duplicate node ID "a" (also nodes[0], on line 9, column 14)`,
		},
	}, {
		name: "a problem the program names by a duplicated ID is placed in the first node of the ID that has the part",
		src: base + `journeys:
  - id: j
    triggers: [{type: manual}]
    nodes:
      - {id: a, kind: end, end: {}}
      - {id: a, kind: action, action: {type: email, template: ghost, next: a}}
`,
		want: []string{
			`10:14: journeys[0].nodes[1].id: duplicate node ID "a" (also nodes[0], on line 9, column 14)`,
			`10:63: journeys[0].nodes[1].action.template: unknown email template "ghost"`,
		},
	}, {
		name: "settings written as 0 that take a default other than 0",
		src: `name: broken
interests:
  - {id: dp, template: t}
roleTemplates:
  - id: t
    maxRolesPerPerson: 0
    roles:
      - {name: Buyer, rule: {name: b, expr: "true"}, required: true, minMembers: 0, weight: 0.0}
      - {name: Champion, rule: {name: c, expr: "true"}, minMembers: ~, weight: 2}
groupScore:
  engagedScore: 0
  velocityWindow: 0s
`,
		want: []string{
			`6:24: roleTemplates[0].maxRolesPerPerson: 0 takes the default 1, as leaving it out does: write a maxRolesPerPerson above 0, or leave it out for the default`,
			`8:82: roleTemplates[0].roles[0].minMembers: 0 takes the default 1, as leaving it out does: write a minMembers above 0, or leave it out for the default`,
			`8:93: roleTemplates[0].roles[0].weight: 0 takes the default 1, as leaving it out does: write a weight above 0, or leave it out for the default`,
			`11:17: groupScore.engagedScore: 0 takes the default 10, as leaving it out does: write an engagedScore above 0, or leave it out for the default`,
			`12:19: groupScore.velocityWindow: 0 takes the default 14d, as leaving it out does: write a velocityWindow above 0, or leave it out for the default`,
		},
	}, {
		name: "the program's problems on two nodes of an ID are placed each in its own node",
		src: base + `journeys:
  - id: j
    triggers: [{type: manual}]
    nodes:
      - {id: a, kind: action, action: {type: email, template: ghost, next: z}}
      - {id: a, kind: action, action: {type: email, template: phantom, next: z}}
      - {id: z, kind: end, end: {}}
`,
		want: []string{
			`9:63: journeys[0].nodes[0].action.template: unknown email template "ghost"`,
			`10:14: journeys[0].nodes[1].id: duplicate node ID "a" (also nodes[0], on line 9, column 14)`,
			`10:63: journeys[0].nodes[1].action.template: unknown email template "phantom"`,
		},
	}, {
		name: "the problems of two nodes of an ID are placed each in its own node",
		src: base + `journeys:
  - id: j
    triggers: [{type: manual}]
    nodes:
      - {id: w, kind: wait, wait: {for: 5 days, next: typo}}
      - {id: w, kind: wait, wait: {for: 2d, next: z}}
      - {id: z, kind: end, end: {}}
`,
		want: []string{
			`9:41: journeys[0].nodes[0].wait.for: invalid duration "5 days" (write it like 5d, 36h, 90m or 1d12h)`,
			`9:55: journeys[0].nodes[0].wait.next: unknown node "typo"`,
			`10:14: journeys[0].nodes[1].id: duplicate node ID "w" (also nodes[0], on line 9, column 14)`,
		},
	}, {
		name: "references between parts, duplicate journey",
		src: base + `audiences:
  - {name: big, rule: account.employees > 100}
journeys:
  - id: j
    triggers:
      - {type: audience_entered, audience: bigg}
      - {type: group_created, solutionInterest: dpx}
    nodes:
      - id: ready
        kind: action
        action: {type: change_stage, stage: Sales Redy, next: done}
      - {id: done, kind: end, end: {}}
  - id: j
    nodes:
      - {id: done, kind: end, end: {}}
`,
		want: []string{
			`10:44: journeys[0].triggers[0].audience: unknown audience "bigg"`,
			`11:49: journeys[0].triggers[1].solutionInterest: unknown solution interest "dpx"`,
			`15:45: journeys[0].nodes[0].action.stage: unknown stage "Sales Redy" (stages: Awareness, Consideration, Decision, Sales Ready, Closed Won, Closed Lost)`,
			`17:9: journeys[1].id: duplicate journey ID "j" (also journeys[0], on line 8, column 9)`,
		},
	}, {
		name: "actions on one buying group of no interest where the account has several groups",
		src: base + `  - id: sec
    template: standard
journeys:
  - id: j
    triggers:
      - {type: group_created}
    nodes:
      - id: ready
        kind: action
        action:
          type: change_stage
          stage: Sales Ready
          next: roles
      - id: roles
        kind: action
        action: {type: change_stage, stage: Decision, recipients: {roles: [Champion]}, next: alert}
      - id: alert
        kind: action
        action: {type: sales_alert, template: sales-alert, next: hot?}
      - id: hot?
        kind: split
        split:
          paths:
            - {when: group.score >= 150, next: done}
          else: done
      - {id: done, kind: end, end: {}}
`,
		want: []string{
			`15:11: journeys[0].nodes[0].action.recipients.solutionInterest: a change_stage action needs the solution interest of the buying group it moves: ` +
				`an account may have a group for each of dp, sec, and the journey is bound to none ` +
				`(name the interest here, give every trigger the same solutionInterest, or run the action in a parallel branch)`,
			`20:67: journeys[0].nodes[1].action.recipients.solutionInterest: a change_stage action needs the solution interest of the buying group it moves: ` +
				`an account may have a group for each of dp, sec, and the journey is bound to none ` +
				`(name the interest here, give every trigger the same solutionInterest, or run the action in a parallel branch)`,
			`20:75: journeys[0].nodes[1].action.recipients.roles: a change_stage action reads only the solutionInterest of its recipients (the buying group it moves), not which persons`,
			`23:17: journeys[0].nodes[2].action: a sales alert is about one buying group: ` +
				`an account may have a group for each of dp, sec, and the journey is bound to none ` +
				`(give every trigger the same solutionInterest, or run the action in a parallel branch)`,
			`28:22: journeys[0].nodes[3].split.paths[0].when: the condition reads group, one buying group: ` +
				`an account may have a group for each of dp, sec, and the journey is bound to none ` +
				`(read groups, give every trigger the same solutionInterest, or run the split in a parallel branch)`,
		},
	}, {
		name: "a missing field points at its parent",
		src: base + `alerts:
  - name: hot
    strategy: threshold
    threshold: 100
    template: sales-alert
routing:
  owners: {}
`,
		want: []string{`11:3: routing.fallbackQueue: is required (every alert needs somewhere to go)`},
	}, {
		name: "a missing setting of a node's kind is named under the kind's key",
		src: journeyBase + `      - id: ready?
        kind: split
        split:
          paths:
            - {when: group.score >= 150, next: done}
      - {id: done, kind: end, end: {}}
`,
		want: []string{`14:11: journeys[0].nodes[0].split.else: a split needs an else path`},
	}, {
		name: "reading and compiling problems together",
		src: base + `    aplies: {name: x, expr: "true"}
readiness:
  strategy: [model]
caps:
  - name: c
    per: 7 days
`,
		want: []string{
			`5:5: interests[0].aplies: unknown field "aplies" (did you mean "applies"?)`,
			`7:13: readiness.strategy: expected text, got a list`,
			`9:5: caps[0].max: must be at least 1, got 0`,
			`10:10: caps[0].per: invalid duration "7 days" (write it like 5d, 36h, 90m or 1d12h)`,
		},
	}, {
		name: "a duration longer than a duration can be",
		src: base + `caps:
  - name: c
    max: 1
    per: 100000d2562047h
`,
		want: []string{`8:10: caps[0].per: duration "100000d2562047h" is too long (at most 100000 days)`},
	}, {
		name: "a misspelt field does not hide the rules' problems",
		src: `name: broken
interests:
  - id: dp
    template: standard
    applies: {name: big, expr: "account.employes > 5"}
readiness:
  strategy: score
  readyScroe: 200
`,
		want: []string{
			`5:41: interests[0].applies: rule "big" 1:9: type b2b.Account has no field employes`,
			`8:3: readiness.readyScroe: unknown field "readyScroe" (did you mean "readyScore"?)`,
		},
	}, {
		name: "a misspelt field inside a rule does not hide the rule's problem",
		src:  base + "    applies: {nme: big, expr: \"account.employes > 5\"}\n",
		want: []string{
			`5:15: interests[0].applies.nme: unknown field "nme" (did you mean "name"?)`,
			`5:40: interests[0].applies: rule "dp applies" 1:9: type b2b.Account has no field employes`,
		},
	}, {
		name: "a value that cannot be read is not also missing",
		src:  "name: broken\ninterests:\n  - id: dp\n    template: [standard]\n",
		want: []string{`4:15: interests[0].template: expected text, got a list`},
	}, {
		name: "a file that is not a mapping is not compiled",
		src:  "- name: broken\n",
		want: []string{`1:1: : expected a mapping of fields, got a list`},
	}, {
		name: "several compile errors at once",
		src: base + `    stageModel: nope
audiences:
  - name: a
    rule: account.employes > 1
caps: [{name: c, max: 0, per: 7d}]
persona:
  seniorities: {boss: Emperor}
groupScore:
  model: nope
`,
		want: []string{
			`5:17: interests[0].stageModel: unknown stage model "nope"`,
			`8:19: audiences[0].rule: rule "a" 1:9: type b2b.Account has no field employes`,
			`9:23: caps[0].max: must be at least 1, got 0`,
			`11:23: persona.seniorities["boss"]: unknown seniority "Emperor" (want one of C-Level, VP, Director, Manager, Individual Contributor)`,
			`13:10: groupScore.model: unknown scoring model "nope"`,
		},
	}, {
		name: "a merge key that merges the mapping it is in",
		src:  base + "persona: &p\n  <<: *p\n",
		want: []string{`6:7: persona: a merge key (<<) cannot merge the mapping it is in`},
	}, {
		name: "an unknown name that is a key is placed at the key, one that is a value at the value",
		src:  base + "scoring:\n  - {name: m, rules: [{name: r, types: [email_click], points: 1}]}\ngroupScore:\n  models:\n    ghost: m\n    dp: missing\n",
		want: []string{
			`9:5: groupScore.models["ghost"]: unknown solution interest "ghost"`,
			`10:9: groupScore.models["dp"]: unknown scoring model "missing"`,
		},
	}, {
		name: "a YAML directive is not a document of its own",
		src:  "%YAML 1.2\n---\n" + base + "    templte: x\n",
		want: []string{`7:5: interests[0].templte: unknown field "templte" (did you mean "template"?)`},
	}, {
		name: "a merge key's alias to no anchor",
		src:  base + "caps:\n  - <<: *cap\n    name: c\n  - <<: [*cap]\n    name: d\n",
		want: []string{
			`6:9: caps[0]: alias to no anchor`,
			`8:10: caps[1]: alias to no anchor`,
		},
	}, {
		name: "alias to no anchor and a second document",
		src:  base + "roleTemplates: *templates\n---\nname: two\n",
		want: []string{
			`5:16: roleTemplates: alias to no anchor`,
			`7:1: : a program file holds one YAML document, this is a second one`,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := programfile.Compile("broken.yaml", []byte(tt.src), program.Options{})
			require.Error(t, err)
			require.Empty(t, cmp.Diff(tt.want, problems(t, err)), "(-want +got)\n%s", err)
		})
	}
}

// TestMergeKeysOfMergeKeys: merge keys that merge mappings that merge
// others, twice at each step, expand to more entries than the file can
// hold: that is reported, in a bounded time, as for aliases.
func TestMergeKeysOfMergeKeys(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(base + "persona:\n  departments:\n    k0: &a0 {x: y}\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "    k%d: &a%d {<<: [*a%d, *a%d]}\n", i, i, i-1, i-1)
	}
	b.WriteString("groupScore: {<<: [*a39, *a39]}\n")
	_, err := programfile.Compile("broken.yaml", []byte(b.String()), program.Options{})
	require.Error(t, err)
	require.Contains(t, err.Error(), "groupScore: the document is too large once its aliases are expanded")
}

// TestCaretMessage: a rule's problem keeps the engine's caret under the
// expression, indented under the problem's line.
func TestCaretMessage(t *testing.T) {
	t.Parallel()
	src := base + "audiences:\n  - name: a\n    rule: account.employes > 1\n"
	_, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	want := `broken.yaml:7:19: audiences[0].rule: rule "a" 1:9: type b2b.Account has no field employes
      | account.employes > 1
      |         ^`
	require.Equal(t, want, err.Error())
	require.True(t, strings.HasPrefix(err.Error(), "broken.yaml:7:19: "))
}

// TestReadingProblemConsequencesLeftOut: a compile problem that only
// follows from a reading problem is not reported besides it.
func TestReadingProblemConsequencesLeftOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{{
		name: "a misspelt required field is not also missing",
		src:  "name: broken\ninterests:\n  - id: dp\n    templte: standard\n",
		want: []string{`4:5: interests[0].templte: unknown field "templte" (did you mean "template"?)`},
	}, {
		name: "a misspelt cap period is not also zero",
		src:  base + "caps:\n  - {name: c, max: 2, pr: 7d}\n",
		want: []string{`6:23: caps[0].pr: unknown field "pr" (did you mean "per"?)`},
	}, {
		name: "a wait's misspelt duration does not leave the wait without one",
		src: journeyBase + `      - {id: w, kind: wait, wait: {fro: 5d, next: done}}
      - {id: done, kind: end, end: {}}
`,
		want: []string{`11:36: journeys[0].nodes[0].wait.fro: unknown field "fro" (did you mean "for"?)`},
	}, {
		name: "a rule's misspelt expression is not also missing",
		src:  "name: broken\ninterests:\n  - id: dp\n    template: mine\nroleTemplates:\n  - id: mine\n    roles:\n      - {name: Champion, rule: {name: c, exp: \"true\"}}\n",
		want: []string{`8:42: roleTemplates[0].roles[0].rule.exp: unknown field "exp" (did you mean "expr"?)`},
	}, {
		name: "a role template whose ID cannot be read is not also unknown",
		src:  "name: broken\ninterests:\n  - id: dp\n    template: mine\nroleTemplates:\n  - id: [mine]\n    roles:\n      - {name: Champion, rule: {name: c, expr: \"true\"}}\n",
		want: []string{`6:9: roleTemplates[0].id: expected text, got a list`},
	}, {
		name: "a solution interest whose ID cannot be read is not also unknown",
		src:  "name: broken\ninterests:\n  - id: [dp]\n    template: standard\njourneys:\n  - id: j\n    triggers:\n      - {type: group_created, solutionInterest: dp}\n    nodes:\n      - {id: done, kind: end, end: {}}\n",
		want: []string{`3:9: interests[0].id: expected text, got a list`},
	}, {
		name: "a solution interest that is not a mapping is not also unknown",
		src:  "name: broken\ninterests:\n  - dp\njourneys:\n  - id: j\n    triggers:\n      - {type: group_created, solutionInterest: dp}\n    nodes:\n      - {id: done, kind: end, end: {}}\n",
		want: []string{`3:5: interests[0]: expected a mapping of fields, got the text "dp"`},
	}, {
		name: "a misspelt ID is neither missing nor unknown",
		src:  "name: broken\ninterests:\n  - id: dp\n    template: mine\nroleTemplates:\n  - iid: mine\n    roles:\n      - {name: Champion, rule: {name: c, expr: \"true\"}}\n",
		want: []string{`6:5: roleTemplates[0].iid: unknown field "iid" (did you mean "id"?)`},
	}, {
		name: "a node whose ID cannot be read is not also unknown",
		src: journeyBase + `      - {id: w, kind: wait, wait: {for: 5d, next: done}}
      - {id: [done], kind: end, end: {}}
`,
		want: []string{`12:14: journeys[0].nodes[1].id: expected text, got a list`},
	}, {
		name: "a template whose name is misspelt is not also unknown, of either channel",
		src: journeyBase + `      - {id: a, kind: action, action: {type: sms, template: promo, next: b}}
      - {id: b, kind: action, action: {type: email, template: intro, next: done}}
      - {id: done, kind: end, end: {}}
templates:
  sms:
    - {nme: promo, text: hi}
  emails:
    - {nme: intro, subject: Hi, text: Hi, html: Hi}
`,
		want: []string{
			`16:8: templates.sms[0].nme: unknown field "nme" (did you mean "name"?)`,
			`18:8: templates.emails[0].nme: unknown field "nme" (did you mean "name"?)`,
		},
	}, {
		name: "names not written in a value that cannot be read are still unknown",
		src:  "name: broken\ninterests:\n  - id: dp\n    template: mine\n    stageModel: nope\nroleTemplates:\n  - id: [mine]\n    roles:\n      - {name: Champion, rule: {name: c, expr: \"true\"}}\n",
		want: []string{
			`5:17: interests[0].stageModel: unknown stage model "nope"`,
			`7:9: roleTemplates[0].id: expected text, got a list`,
		},
	}, {
		name: "a misspelt readiness strategy does not leave the model strategy's settings unread",
		src:  base + "readiness:\n  stratgy: model\n  readyProbability: 0.8\n",
		want: []string{`6:3: readiness.stratgy: unknown field "stratgy" (did you mean "strategy"?)`},
	}, {
		name: "a readiness strategy that cannot be read does not leave the model strategy's settings unread",
		src:  base + "readiness:\n  strategy: [model]\n  readyProbability: 0.8\n",
		want: []string{`6:13: readiness.strategy: expected text, got a list`},
	}, {
		name: "a journey's misspelt category does not leave a cap of that category without a journey",
		src: journeyBase + `      - {id: done, kind: end, end: {}}
    categry: transactional
caps:
  - {name: c, category: transactional, max: 2, per: 7d}
`,
		want: []string{`12:5: journeys[0].categry: unknown field "categry" (did you mean "category"?)`},
	}, {
		name: "a misspelt field without a suggestion leaves its neighbours' problems",
		src:  base + "caps:\n  - {name: c, max: 2, xyzzy: 7d}\n",
		want: []string{
			"6:5: caps[0].per: must be positive",
			`6:23: caps[0].xyzzy: unknown field "xyzzy" (known fields: name, channel, category, max, per, policy, maxDefer)`,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := programfile.Compile("broken.yaml", []byte(tt.src), program.Options{})
			require.Error(t, err)
			require.Empty(t, cmp.Diff(tt.want, problems(t, err)), "(-want +got)\n%s", err)
		})
	}
}

// A misspelt field leaves unread the field it resembles only when that
// field is not written too: a written one is read, and its own problems
// are reported.
func TestMisspeltFieldBesideTheFieldItResembles(t *testing.T) {
	t.Parallel()
	src := base + "caps:\n  - {name: c, max: 2, per: 0s, pr: 7d}\n"
	_, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	require.Error(t, err)
	require.Contains(t, problems(t, err), "6:28: caps[0].per: must be positive", "%v", err)

	ok := "name: broken\ninterests:\n  - id: dp\n    template: standard\n    applies: {name: a, expr: \"1 + 1\"}\n"
	_, err = programfile.Compile("broken.yaml", []byte(ok), program.Options{})
	require.Error(t, err)
	want := problems(t, err)
	require.Len(t, want, 1, "the rule's type error")
	src = "name: broken\ninterests:\n  - id: dp\n    template: standard\n    applies: {name: a, expr: \"1 + 1\", exp: x}\n"
	_, err = programfile.Compile("broken.yaml", []byte(src), program.Options{})
	require.Error(t, err)
	got := problems(t, err)
	require.Contains(t, got, want[0], "%v", err)
	require.Len(t, got, 2, "the rule's problem and the misspelt field")
}

// TestProblemsThroughAliases: a problem of a value reached through an
// alias (*c) is placed where the alias is used, which is the value the
// path names, and says where the value is written and the anchor (&c) it
// is written under; it was placed at the anchor's value, so that the
// problem of the alias's place was told at another place, twice when the
// anchor's own place had it too. So for a merge key's alias (<<: *c) and
// for the problems of compiling.
func TestProblemsThroughAliases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{{
		name: "a mapping",
		src:  base + "caps:\n  - &c {name: c, channel: email, max: 2.5, per: 7d}\n  - *c\n",
		want: []string{
			`6:39: caps[0].max: expected a whole number, got the number 2.5`,
			`7:5: caps[1].max: expected a whole number, got the number 2.5 (through *c: written at line 6, column 39, under &c at line 6, column 5)`,
			`7:5: caps[1].name: duplicate cap "c" (also caps[0], on line 6, column 15) (through *c: written at line 6, column 15, under &c at line 6, column 5)`,
		},
	}, {
		name: "a scalar",
		src:  base + "readiness:\n  readyScore: &n lots\n  nurtureScore: *n\n",
		want: []string{
			`6:18: readiness.readyScore: expected a number, got the text "lots"`,
			`7:17: readiness.nurtureScore: expected a number, got the text "lots" (through *n: written at line 6, column 18, under &n at line 6, column 15)`,
		},
	}, {
		name: "a merge key",
		src:  base + "caps:\n  - &c {name: c, channel: email, max: 2.5, per: 7d, pr: 1d}\n  - {<<: *c, name: d}\n",
		want: []string{
			`6:39: caps[0].max: expected a whole number, got the number 2.5`,
			`6:53: caps[0].pr: unknown field "pr" (did you mean "per"?)`,
			`7:10: caps[1].max: expected a whole number, got the number 2.5 (through *c: written at line 6, column 39, under &c at line 6, column 5)`,
			`7:10: caps[1].pr: unknown field "pr" (did you mean "per"?) (through *c: written at line 6, column 53, under &c at line 6, column 5)`,
		},
	}, {
		name: "an alias inside an aliased value: placed at the outer alias",
		src:  base + "caps:\n  - &c {name: c, channel: email, max: &m 2.5, per: 7d}\n  - &d {name: d, channel: sms, max: *m, per: 7d}\n  - *d\n",
		want: []string{
			`6:42: caps[0].max: expected a whole number, got the number 2.5`,
			`7:37: caps[1].max: expected a whole number, got the number 2.5 (through *m: written at line 6, column 42, under &m at line 6, column 39)`,
			`8:5: caps[2].max: expected a whole number, got the number 2.5 (through *d: written at line 6, column 42, under &d at line 7, column 5)`,
			`8:5: caps[2].name: duplicate cap "d" (also caps[1], on line 7, column 15) (through *d: written at line 7, column 15, under &d at line 7, column 5)`,
		},
	}, {
		name: "a rule that does not compile",
		src:  base + "audiences:\n  - name: a\n    rule: &r account.employees > 1 && zz\n  - name: b\n    rule: *r\n",
		want: []string{
			`7:39: audiences[0].rule: rule "a" 1:26: unknown name zz`,
			`9:11: audiences[1].rule: rule "b" 1:26: unknown name zz (through *r: written at line 7, column 39, under &r at line 7, column 11)`,
		},
	}, {
		name: "a compile problem through a merge key",
		src:  base + "caps:\n  - &c {name: c, channel: email, max: 0, per: 7d}\n  - {<<: *c, name: d}\n",
		want: []string{
			`6:39: caps[0].max: must be at least 1, got 0`,
			`7:10: caps[1].max: must be at least 1, got 0 (through *c: written at line 6, column 39, under &c at line 6, column 5)`,
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := programfile.Compile("broken.yaml", []byte(tt.src), program.Options{})
			require.Error(t, err)
			require.Empty(t, cmp.Diff(tt.want, problems(t, err)), "(-want +got)\n%s", err)
		})
	}
}

// TestDuplicatesSayWhereTheFirstIs: a name or ID given twice is told at
// the second, with the line and column of the first, in every section:
// those the program names by index ("(also nodes[0])") and those it
// names by nothing (templates, alert and routing rules) alike. It used
// to say where the first was only by its index, or not at all.
func TestDuplicatesSayWhereTheFirstIs(t *testing.T) {
	t.Parallel()
	src := `name: broken
interests:
  - {id: dp, template: t, stageModel: m}
  - {id: dp, template: t, stageModel: m}
roleTemplates:
  - id: t
    roles:
      - {name: Buyer, rule: {name: b, expr: "true"}, required: true, contactRoles: [Evaluator]}
      - {name: buyer, rule: {name: b2, expr: "true"}, required: true, contactRoles: [Other, Evaluator]}
  - id: t
    roles: [{name: Buyer, rule: {name: b, expr: "true"}, required: true}]
stageModels:
  - id: m
    stages:
      - {name: A, entry: true}
      - {name: A}
      - {name: W, success: true}
    transitions:
      - {from: A, to: W}
      - {from: A, to: W}
  - id: m
    stages: [{name: A, entry: true}, {name: W, success: true}]
    transitions: [{from: A, to: W}]
scoring:
  - {name: s, rules: [{name: r, types: [request_demo], points: 1}, {name: r, types: [open_email], points: 1}]}
  - {name: s, rules: [{name: r, types: [request_demo], points: 1}]}
groupScore:
  thresholds:
    - {name: warm, level: 100}
    - {name: warm, level: 200}
audiences:
  - {name: a, rule: "true"}
  - {name: a, rule: "true"}
journeys:
  - id: &n j
    triggers: [{type: manual}]
    goals:
      - {name: g, when: "true"}
      - {name: g, when: "true"}
    nodes:
      - {id: *n, kind: end, end: {}}
      - {id: j, kind: end, end: {}}
  - id: j
    triggers: [{type: manual}]
    nodes: [{id: e, kind: end, end: {}}]
caps:
  - {name: c, channel: email, max: 1, per: 7d}
  - {name: c, channel: email, max: 1, per: 7d}
templates:
  themes:
    - {name: th, brand: {name: x}}
    - {name: th, brand: {name: x}}
  emails:
    - {name: hi, subject: s, html: h, text: t}
    - {name: hi, subject: s, html: h, text: t}
  sms:
    - {name: n, text: t}
    - {name: n, text: t}
alerts:
  - {name: al, strategy: milestone, when: {name: q, expr: group.qualified}}
  - {name: al, strategy: milestone, when: {name: q, expr: group.qualified}}
routing:
  fallbackQueue: sales@quorum.example
  rules:
    - {name: o, to: owner}
    - {name: o, to: owner}
`
	want := []string{
		`4:10: interests[1].id: duplicate solution interest ID "dp" (also interests[0], on line 3, column 10)`,
		`9:16: roleTemplates[0].roles[1].name: duplicate role name "buyer" (also roles[0], on line 8, column 16)`,
		`9:93: roleTemplates[0].roles[1].contactRoles[1]: CRM contact role "Evaluator" already fills roles[0], on line 8, column 9`,
		`10:9: roleTemplates[1].id: duplicate template ID "t" (also roleTemplates[0], on line 6, column 9)`,
		`16:16: stageModels[0].stages[1].name: duplicate stage "A" (also stages[0], on line 15, column 16)`,
		`20:9: stageModels[0].transitions[1]: duplicate transition "A" -> "W" (also transitions[0], on line 19, column 9)`,
		`21:9: stageModels[1].id: duplicate stage model ID "m" (also stageModels[0], on line 13, column 9)`,
		`25:75: scoring[0].rules[1].name: "r" is already the name of rules[0], on line 25, column 30`,
		`26:12: scoring[1].name: "s" is also the name of scoring[0], on line 25, column 12`,
		`30:14: groupScore.thresholds[1].name: duplicate threshold "warm" (also thresholds[0], on line 29, column 14)`,
		`33:12: audiences[1].name: "a" is already the name of audiences[0], on line 32, column 12`,
		`39:16: journeys[0].goals[1].name: duplicate goal "g" (also goals[0], on line 38, column 16)`,
		`42:14: journeys[0].nodes[1].id: duplicate node ID "j" (also nodes[0], on line 41, column 14)`,
		`43:9: journeys[1].id: duplicate journey ID "j" (also journeys[0], on line 35, column 9)`,
		`48:12: caps[1].name: duplicate cap "c" (also caps[0], on line 47, column 12)`,
		`52:14: templates.themes[1].name: duplicate theme "th" (also themes[0], on line 51, column 14)`,
		`55:14: templates.emails[1].name: duplicate template "hi" (also emails[0], on line 54, column 14)`,
		`58:14: templates.sms[1].name: duplicate template "n" (also sms[0], on line 57, column 14)`,
		`61:12: alerts[1].name: duplicate rule "al" (also alerts[0], on line 60, column 12)`,
		`66:14: routing.rules[1].name: duplicate rule "o" (also rules[0], on line 65, column 14) (a route names the rule that matched)`,
	}
	_, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	require.Error(t, err)
	require.Empty(t, cmp.Diff(want, problems(t, err)), "(-want +got)\n%s", err)
}
