package programfile_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/program"
	"github.com/quorumhq/quorum/program/programfile"
)

// A template's problem is placed at the very character its line:column
// names inside the template, as a rule's is inside its expression:
// in a plain value, in a quoted one, in a | block, and in a fragment,
// whatever its name holds.
func TestTemplateProblemsAtTheirPlace(t *testing.T) {
	t.Parallel()
	src := base + `templates:
  fragments:
    mail.footer: {html: "<p>{{.Brand.Nme}}</p>", text: x}
  emails:
    - name: intro
      subject: Hi {{.Person.FristName}}
      text: "Hi\n{{.Account.Nmae}}"
      html: |
        <p>Hi</p>
        <p>{{.Group.Scroe}}</p>{{template "mail.footer" .}}
  sms:
    - name: ping
      text: é {{.Interest.Nmae}}
`
	_, err := programfile.Compile("broken.yaml", []byte(src), program.Options{})
	require.Error(t, err)
	want := []string{
		`7:37: templates.fragments["mail.footer"].html: 1:12: unknown token .Brand.Nme: channel.Brand has no field Nme (it has Name, LogoURL, PrimaryColor, WebsiteURL, Address, SenderName)`,
		`10:28: templates.emails[0].subject: 1:13: unknown token .Person.FristName: b2b.Person has no field FristName (it has ID, Email, FirstName, LastName, Title, Department, Seniority, Phone, Company, AccountID, Consent, Attributes, Source, UpdatedAt)`,
		`11:28: templates.emails[0].text: 2:11: unknown token .Account.Nmae: b2b.Account has no field Nmae (it has ID, Name, Domains, Industry, Employees, AnnualRevenue, Country, Region, TimeZone, Owner, Territory, ParentID, Attributes, Source, UpdatedAt)`,
		`14:20: templates.emails[0].html: 2:12: unknown token .Group.Scroe: channel.GroupView has no field Scroe (it has ID, SolutionInterest, Name, Role, Completeness, Score, Stage, Qualified, MissingRoles, Members)`,
		`17:26: templates.sms[0].text: 1:15: unknown token .Interest.Nmae: channel.SolutionInterest has no field Nmae (it has ID, Name, Description, URL)`,
	}
	require.Empty(t, cmp.Diff(want, problems(t, err)), "(-want +got)\n%s", err)
}
