package channel

// DefaultAlertTemplate is a ready sales alert email: the group's status,
// engaged personas with scores, missing roles, recent activities, readiness
// reasons and the recommended next action. Add it to a TemplateSet (rename it
// or copy it to change the wording). An account without a name is named by
// its domains, a member without a name by their email or else their ID (a
// name or an email of blanks only is none: {{if .Name | default ""}}, and
// an activity's role of blanks only is left out), so
// that no alert fails to render for want of a name (the fallbacks are
// if/else actions: a default's argument is built for every alert); a
// blank readiness reason reads "—" ("-" in the text part).
var DefaultAlertTemplate = EmailTemplate{
	Name:    "sales-alert",
	Subject: `{{if .Account.Name | default ""}}{{.Account.Name}}{{else}}{{join ", " .Account.Domains}}{{end}}: {{.Interest.Name | default .Group.SolutionInterest}} buying group — {{.Alert.Reason}}`,
	HTML: `<h2>{{if .Account.Name | default ""}}{{.Account.Name}}{{else}}{{join ", " .Account.Domains}}{{end}} · {{.Interest.Name | default .Group.SolutionInterest}}</h2>
<p><b>Why now:</b> {{.Alert.Reason}}</p>
<p>Stage <b>{{.Group.Stage | default "—"}}</b> · completeness <b>{{.Group.Completeness | percent}}</b> · score <b>{{.Group.Score | number}}</b></p>
{{with .Alert.EngagedMembers}}<h3>Engaged personas</h3>
<table>
<tr><th>Name</th><th>Role</th><th>Persona</th><th>Score</th></tr>
{{range .}}<tr><td>{{if .Name | default ""}}{{.Name}}{{else if .Email | default ""}}{{.Email}}{{else}}{{.Person}}{{end}}</td><td>{{.Role | default "—"}}</td><td>{{.Persona | default "—"}}</td><td>{{.Score | number}}</td></tr>
{{end}}</table>
{{else}}<p>No member has engaged yet.</p>
{{end}}{{with .Group.MissingRoles}}<p><b>Missing roles:</b> {{join ", " .}}</p>
{{end}}{{with .Alert.RecentActivities}}<h3>Recent activity</h3>
<ul>
{{range .}}<li>{{.Time | date "Jan 2"}} — {{.Person | default "someone"}}{{if .Role | default ""}} ({{.Role}}){{end}}: {{.Description | default .Type}}</li>
{{end}}</ul>
{{end}}{{with .Alert.ReadinessReasons}}<h3>Readiness</h3>
<ul>
{{range .}}<li>{{. | default "—"}}</li>
{{end}}</ul>
{{end}}<p><b>Recommended next action:</b> {{.Alert.NextAction}}</p>
<p style="color:#666">Alert {{.Alert.ID}} · rule {{.Alert.Rule}} · routed to you because {{.Alert.RouteReason}}</p>`,
	Text: `{{if .Account.Name | default ""}}{{.Account.Name}}{{else}}{{join ", " .Account.Domains}}{{end}} · {{.Interest.Name | default .Group.SolutionInterest}}
Why now: {{.Alert.Reason}}
Stage {{.Group.Stage | default "-"}} · completeness {{.Group.Completeness | percent}} · score {{.Group.Score | number}}
{{with .Alert.EngagedMembers}}
Engaged personas:
{{range .}}- {{if .Name | default ""}}{{.Name}}{{else if .Email | default ""}}{{.Email}}{{else}}{{.Person}}{{end}}, {{.Role | default "-"}} ({{.Persona | default "-"}}): {{.Score | number}}
{{end}}{{else}}
No member has engaged yet.
{{end}}{{with .Group.MissingRoles}}Missing roles: {{join ", " .}}
{{end}}{{with .Alert.RecentActivities}}
Recent activity:
{{range .}}- {{.Time | date "Jan 2"}} {{.Person | default "someone"}}{{if .Role | default ""}} ({{.Role}}){{end}}: {{.Description | default .Type}}
{{end}}{{end}}{{with .Alert.ReadinessReasons}}
Readiness:
{{range .}}- {{. | default "-"}}
{{end}}{{end}}
Next action: {{.Alert.NextAction}}

Alert {{.Alert.ID}} · rule {{.Alert.Rule}} · routed to you because {{.Alert.RouteReason}}`,
}

// AlertMessage renders an alert with its template into an outbox message to
// the routed recipient. The key is the alert's ID, so an alert is sent once.
// The template's .Now is the alert's time in the account's time zone
// (obs.Location, else obs.Account.Location()), as Evaluate gives the
// times of the alert's recent activities.
func (t *Templates) AlertMessage(al *Alert, obs *Observation) (Message, error) {
	rc := RenderContext{Account: obs.Account, Group: obs.Group, Interest: obs.Interest, Alert: al.View, Now: al.At.In(obs.location())}
	r, err := t.RenderEmail(al.Template, &rc)
	if err != nil {
		return Message{}, err
	}
	return Message{
		Key: al.ID, Channel: ChannelSalesAlert, Account: al.Account, Template: al.Template,
		To: al.Route.To, Subject: r.Subject, HTML: r.HTML, Text: r.Text,
		Tags: map[string]string{"alertRule": al.Rule, "group": al.Group, "strategy": string(al.Strategy)},
	}, nil
}
