package program

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/journey"
	"github.com/quorumhq/quorum/rules"
)

// AlertTemplate is the template name an alert rule's sales alerts use
// when the rule names none. A journey's sales_alert action names its
// template (it may name this one): one that names none does not compile.
const AlertTemplate = "sales-alert"

func (p *Program) compileChannels(ps *b2b.Problems, eng rules.Engine) {
	set := p.defs.Templates
	if !slices.ContainsFunc(set.Emails, func(t channel.EmailTemplate) bool { return t.Name == AlertTemplate }) {
		set.Emails = append(slices.Clone(set.Emails), channel.DefaultAlertTemplate)
	}
	tpl, err := channel.CompileTemplates(set)
	ps.Add("templates", err)
	p.Templates = tpl
	// References to templates are checked against the names defined, so
	// that a template with a problem of its own is not also unknown.
	hasEmail := func(name string) bool {
		return slices.ContainsFunc(set.Emails, func(t channel.EmailTemplate) bool { return t.Name == name })
	}
	hasSMS := func(name string) bool {
		return slices.ContainsFunc(set.SMS, func(t channel.SMSTemplate) bool { return t.Name == name })
	}
	// An alert rule without a template uses the sales-alert template.
	alerts := slices.Clone(p.defs.Alerts)
	for i := range alerts {
		if alerts[i].Template == "" {
			alerts[i].Template = AlertTemplate
		}
	}
	// A template of the other channel is named as such, not unknown.
	needEmail := func(path, what, name string) {
		switch {
		case hasEmail(name):
		case hasSMS(name):
			ps.Addf(path, "%q is an SMS template; %s needs an email template", name, what)
		default:
			ps.Addf(path, "unknown email template %q", name)
		}
	}
	for i, r := range alerts {
		needEmail(fmt.Sprintf("alerts[%d].template", i), "a sales alert", r.Template)
	}
	r := p.defs.Routing
	if len(p.defs.Alerts) > 0 || len(r.Rules) > 0 || r.FallbackQueue != "" || len(r.Owners)+len(r.Territories)+len(r.Specialists) > 0 {
		al, err := channel.NewAlerter(channel.AlerterConfig{Rules: alerts, Routing: p.defs.Routing, Engine: eng})
		if err != nil {
			// The alerter names its rules "rules[i]"; the program's are
			// "alerts[i]", and its routing is "routing".
			var ve *b2b.ValidationError
			if errors.As(err, &ve) {
				for _, pr := range ve.Problems {
					path := pr.Path
					if rest, ok := strings.CutPrefix(path, "rules"); ok {
						path = "alerts" + rest
					}
					ps.Add(path, pr.Err)
				}
			} else {
				ps.Add("alerts", err)
			}
		}
		p.Alerter = al
	}
	// Every message a journey sends must have its template, in action
	// nodes and in the paths of people splits.
	check := func(path string, a journey.Action) {
		if a.Template == "" {
			return
		}
		path += ".template"
		switch a.Type {
		case journey.ActionEmail:
			needEmail(path, "an email action", a.Template)
		case journey.ActionSalesAlert:
			needEmail(path, "a sales alert", a.Template)
		case journey.ActionSMS:
			switch {
			case hasSMS(a.Template):
			case hasEmail(a.Template):
				ps.Addf(path, "%q is an email template; an sms action needs an SMS template", a.Template)
			default:
				ps.Addf(path, "unknown SMS template %q", a.Template)
			}
		}
	}
	for i, j := range p.defs.Journeys {
		for k, n := range j.Nodes {
			np := fmt.Sprintf("journeys[%d].%s", i, j.NodePath(k))
			if n.Action != nil {
				check(np+".action", *n.Action)
			}
			if s := n.PeopleSplit; s != nil {
				for m, pp := range s.Paths {
					for q, a := range pp.Actions {
						check(fmt.Sprintf("%s.peopleSplit.paths[%d].actions[%d]", np, m, q), a)
					}
				}
				for q, a := range s.Else {
					check(fmt.Sprintf("%s.peopleSplit.else[%d]", np, q), a)
				}
			}
		}
	}
}
