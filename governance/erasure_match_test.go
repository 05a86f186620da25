package governance_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/quorumhq/quorum/b2b"
	"github.com/quorumhq/quorum/channel"
	"github.com/quorumhq/quorum/governance"
)

// TestPlanErasureFindsTheSameNameWrittenAnotherWay: a name is the
// person's however the message's writer encoded or cased it (a sharp s
// in capitals is SS, a Greek final sigma is a sigma in capitals, an
// accent as one character or as a letter and a combining mark), and not
// when it is only the start or end of a hyphenated name.
func TestPlanErasureFindsTheSameNameWrittenAnotherWay(t *testing.T) {
	t.Parallel()
	joerg := b2b.Person{ID: "p-1", FirstName: "Jörg", LastName: "Strauß", Email: "js@acme.de"}
	nikos := b2b.Person{ID: "p-1", FirstName: "Νίκος", LastName: "Παπαδόπουλος", Email: "np@acme.gr"}
	jose := b2b.Person{ID: "p-1", FirstName: "José", LastName: "Núñez", Email: "jn@acme.es"}                      // composed (NFC)
	joseNFD := b2b.Person{ID: "p-1", FirstName: "Jose\u0301", LastName: "Nu\u0301n\u0303ez", Email: "jn@acme.es"} // decomposed (NFD)
	ilker := b2b.Person{ID: "p-1", FirstName: "İlker", LastName: "Işık", Email: "ilker@acme.com.tr"}
	mary := b2b.Person{ID: "p-1", FirstName: "Mary", LastName: "Smith", Email: "mary@acme.com"}
	marie := b2b.Person{ID: "p-1", FirstName: "Marie", LastName: "Chen", Email: "marie@acme.com"}
	for _, tc := range []struct {
		name   string
		person b2b.Person
		msg    channel.Message
		reason string // "" if not planned
	}{
		{"a sharp s written SS in capitals", joerg, email("Dear JÖRG STRAUSS,"), "its content names Jörg Strauß"},
		{"a sharp s written ss", joerg, email("cc: Jörg Strauss"), "its content names Jörg Strauß"},
		{"a capital sharp s", joerg, email("JÖRG STRAUẞ"), "its content names Jörg Strauß"},
		{"a final sigma in capitals", nikos, email("ΝΊΚΟΣ ΠΑΠΑΔΌΠΟΥΛΟΣ"), "its content names Νίκος Παπαδόπουλος"},
		{"a Turkish name in capitals", ilker, email("Sayın İLKER IŞIK,"), "its content names İlker Işık"},
		{"a Turkish name in lower case", ilker, email("cc: ilker ışık"), "its content names İlker Işık"},
		{"a composed name written decomposed", jose, email("Your colleague Jose\u0301 Nu\u0301n\u0303ez asked us to write."), "its content names José Núñez"},
		{"a decomposed name written composed", joseNFD, email("Your colleague José Núñez asked us to write."), "its content names Jose\u0301 Nu\u0301n\u0303ez"},
		{"a decomposed name in capitals", jose, email("JOSE\u0301 NU\u0301N\u0303EZ"), "its content names José Núñez"},
		{"a name that starts a hyphenated one", mary, email("Mary Smith-Jones asked us to write."), ""},
		{"a name that ends a hyphenated one", marie, email("Anne-Marie Chen asked us to write."), ""},
		{"a name followed by a dash", mary, email("Mary Smith - VP Finance"), "its content names Mary Smith"},
		{"a name followed by a hyphen and no word", mary, email("Mary Smith-, VP Finance"), "its content names Mary Smith"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireMessagePlanned(t, tc.person, tc.msg, tc.reason)
		})
	}
}

// TestPlanErasureFindsEmailsInLinks: an address percent-encoded in a link
// (an unsubscribe or tracking URL) is the person's address; a phone
// number's digits inside another person's email address are not their
// phone.
func TestPlanErasureFindsEmailsInLinks(t *testing.T) {
	t.Parallel()
	ann := b2b.Person{ID: "p-1", Email: "ann@acme.com", Phone: "+1 555 0100"}
	for _, tc := range []struct {
		name   string
		msg    channel.Message
		reason string
	}{
		{"percent-encoded in a query", channel.Message{Key: "k", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
			Text: "https://vendor.example/u?email=ann%40acme.com&x=1"}, "its content contains ann@acme.com"},
		{"percent-encoded in lower-case hex", channel.Message{Key: "k", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
			HTML: `<a href="https://vendor.example/u?e=ANN%40ACME.COM">unsubscribe</a>`}, "its content contains ann@acme.com"},
		{"percent-encoded in a mailto link", channel.Message{Key: "k", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
			HTML: `<a href="mailto:ann%40acme.com">mail</a>`}, "its content contains ann@acme.com"},
		{"percent-encoded inside a longer address", channel.Message{Key: "k", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
			Text: "https://vendor.example/u?email=joann%40acme.com"}, ""},
		{"a stray percent sign", channel.Message{Key: "k", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
			Text: "100% of ann%4"}, ""},
		{"the phone's digits in another address", channel.Message{Key: "k", Channel: channel.ChannelEmail, Person: "p-2",
			To: "john15550100@other.example"}, ""},
		{"the phone written another way", channel.Message{Key: "k", Channel: channel.ChannelSMS, Person: "p-2",
			To: "1-555-0100"}, "addressed to 1-555-0100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inv := governance.Inventory{Persons: []b2b.Person{ann}, Outbox: []channel.Entry{{ID: "ob-1", Status: channel.StatusPending, Message: tc.msg}}}
			got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1"}, inv)
			var want []governance.OutboxRef
			if tc.reason != "" {
				want = []governance.OutboxRef{{ID: "ob-1", Key: tc.msg.Key, Status: channel.StatusPending, Reason: tc.reason}}
			}
			if d := cmp.Diff(want, got.Outbox); d != "" {
				t.Fatalf("outbox (-want +got):\n%s", d)
			}
		})
	}
}

// TestPlanErasureReasonIsDeterministic: a message that contains two of the
// person's addresses (theirs and a duplicate's) is explained by the same
// one every time, the first in sorted order.
func TestPlanErasureReasonIsDeterministic(t *testing.T) {
	t.Parallel()
	inv := governance.Inventory{
		Persons: []b2b.Person{{ID: "p-1", Email: "ann@acme.com"}, {ID: "p-9", Email: "ann@acme.com", Phone: "+1 555 0100"}, {ID: "p-10", Phone: "+1 555 0100", Email: "a.lee@home.example"}},
		Outbox: []channel.Entry{{ID: "ob-1", Status: channel.StatusDelivered, Message: channel.Message{Key: "k", Channel: channel.ChannelSalesAlert,
			To: "rep@vendor.example", Text: "ann@acme.com, a.lee@home.example, zed@x.example"}}},
	}
	for range 30 {
		got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1"}, inv)
		if d := cmp.Diff([]governance.OutboxRef{{ID: "ob-1", Key: "k", Status: channel.StatusDelivered, Reason: "its content contains a.lee@home.example"}}, got.Outbox); d != "" {
			t.Fatalf("outbox (-want +got):\n%s", d)
		}
	}
}

// TestPlanErasureFindsPhonesInContent: a person's phone number in a
// message's content, written any way (spaces, brackets, hyphens, dots,
// with or without its +), is theirs; the same digits inside a longer
// number or word are not.
func TestPlanErasureFindsPhonesInContent(t *testing.T) {
	t.Parallel()
	ann := b2b.Person{ID: "p-1", FirstName: "Ann", Email: "ann@acme.com", Phone: "+1 555 010 0199"}
	for _, tc := range []struct {
		name, text string
		planned    bool
	}{
		{"as stored", "Reach her at +1 555 010 0199.", true},
		{"brackets and hyphens", "Phone: +1 (555) 010-0199", true},
		{"dots, no plus", "tel 1.555.010.0199", true},
		{"no separators", "sms:+15550100199", true},
		{"in a tel link", `<a href="tel:+1-555-010-0199">call</a>`, true},
		{"a longer number", "Order +1 555 010 01990 shipped", false},
		{"inside a longer number", "Ref 21 555 010 0199", false},
		{"after a letter", "Ticket A15550100199", false},
		{"other digits", "Call +1 555 010 0198", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := channel.Message{Key: "k", Channel: channel.ChannelEmail, Person: "p-2", To: "dana@acme.com", Subject: "Hi", Text: tc.text}
			if strings.Contains(tc.text, "<") {
				msg.Text, msg.HTML = "", tc.text
			}
			inv := governance.Inventory{Persons: []b2b.Person{ann}, Outbox: []channel.Entry{{ID: "ob-1", Status: channel.StatusPending, Message: msg}}}
			got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1"}, inv)
			var want []governance.OutboxRef
			if tc.planned {
				want = []governance.OutboxRef{{ID: "ob-1", Key: "k", Status: channel.StatusPending, Reason: "its content contains +15550100199"}}
			}
			if d := cmp.Diff(want, got.Outbox); d != "" {
				t.Fatalf("outbox (-want +got):\n%s", d)
			}
		})
	}
}

// TestPlanErasureShortPhonesIdentifyNobody: a phone field holding a
// placeholder ("0", "000", "n/a 1") is no number anyone dials; two persons
// with the same placeholder are not duplicates, and a message to it is not
// the person's.
func TestPlanErasureShortPhonesIdentifyNobody(t *testing.T) {
	t.Parallel()
	inv := governance.Inventory{
		Persons: []b2b.Person{
			{ID: "p-1", Email: "ann@acme.com", Phone: "000"},
			{ID: "p-2", Email: "bob@acme.com", Phone: "0-0-0"},
			{ID: "p-3", Email: "cy@acme.com", Phone: "+1 555 010 0199"},
			{ID: "p-4", Email: "cy.home@example.com", Phone: "1 (555) 010-0199"},
		},
		Activities: []b2b.Activity{{ID: "a-1", Person: "p-1"}, {ID: "a-2", Person: "p-2"}, {ID: "a-4", Person: "p-4"}},
		Outbox: []channel.Entry{
			{ID: "ob-1", Status: channel.StatusPending, Message: channel.Message{Key: "k1", Channel: channel.ChannelSMS, To: "000"}},
			{ID: "ob-2", Status: channel.StatusPending, Message: channel.Message{Key: "k2", Channel: channel.ChannelSMS, To: "+15550100199"}},
		},
	}
	got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1", Phones: []string{"n/a 0"}}, inv)
	want := governance.ErasureReport{Persons: []b2b.PersonID{"p-1"}, Activities: []b2b.ActivityID{"a-1"},
		Suppression: []string{governance.SuppressionHash("ann@acme.com")}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("report (-want +got):\n%s", d)
	}
	// A real number still finds the duplicate written another way.
	got = governance.PlanErasure(governance.ErasureRequest{Person: "p-3"}, inv)
	require.Equal(t, []b2b.PersonID{"p-3", "p-4"}, got.Persons)
	require.Equal(t, []b2b.ActivityID{"a-4"}, got.Activities)
	require.Equal(t, []governance.OutboxRef{{ID: "ob-2", Key: "k2", Status: channel.StatusPending, Reason: "addressed to +15550100199"}}, got.Outbox)
}

// TestPlanErasureReadsTheInternationalPrefix: a number written with the
// international call prefix 00 instead of its + is the same number
// ("0044 20 7946 0000" is "+44 20 7946 0000"), as a duplicate's phone, as
// a message's address, in a message's content and in the suppression
// hash; North America's exit code 011 is not read so (it starts national
// numbers elsewhere), nor is a 00 inside a longer number.
func TestPlanErasureReadsTheInternationalPrefix(t *testing.T) {
	t.Parallel()
	const plus, zeros = "+44 20 7946 0000", "0044 20 7946 0000"
	sms := func(to string) channel.Message {
		return channel.Message{Key: "k", Channel: channel.ChannelSMS, Person: "p-2", To: to, Text: "Hi"}
	}
	alert := func(text string) channel.Message {
		return channel.Message{Key: "k", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example", Text: text}
	}
	for _, tc := range []struct {
		name      string
		phone     string // the person's
		duplicate string // another person's phone, "" for none
		msg       channel.Message
		persons   []b2b.PersonID
		reason    string // "" if the message is not planned
	}{
		{"a duplicate written with 00", plus, zeros, sms("+15550100199"), []b2b.PersonID{"p-1", "p-2"}, "addressed to person \"p-2\""},
		{"a duplicate written with +", zeros, "(+44) 20-7946-0000", sms("+15550100199"), []b2b.PersonID{"p-1", "p-2"}, "addressed to person \"p-2\""},
		{"a duplicate written with 00 and blanks", plus, " 00 44 (20) 7946 0000", sms("+15550100199"), []b2b.PersonID{"p-1", "p-2"}, "addressed to person \"p-2\""},
		{"a duplicate written with 011", plus, "011 44 20 7946 0000", sms("+15550100199"), []b2b.PersonID{"p-1"}, ""},
		{"a duplicate written with +00", plus, "+0044 20 7946 0000", sms("+15550100199"), []b2b.PersonID{"p-1"}, ""},
		{"addressed with 00", plus, "", sms("00442079460000"), []b2b.PersonID{"p-1"}, "addressed to 00442079460000"},
		{"addressed with + to a number stored with 00", zeros, "", sms("+442079460000"), []b2b.PersonID{"p-1"}, "addressed to +442079460000"},
		{"content with 00", plus, "", alert("Call 0044 20 7946 0000 today"), []b2b.PersonID{"p-1"}, "its content contains +442079460000"},
		{"content with 00, no blanks", plus, "", alert("tel:00442079460000"), []b2b.PersonID{"p-1"}, "its content contains +442079460000"},
		{"content with + for a number stored with 00", zeros, "", alert("Call +44 (20) 7946-0000"), []b2b.PersonID{"p-1"}, "its content contains +442079460000"},
		{"content with 00 inside a longer number", plus, "", alert("Order 100442079460000"), []b2b.PersonID{"p-1"}, ""},
		{"content with +00", plus, "", alert("Call +0044 20 7946 0000"), []b2b.PersonID{"p-1"}, ""},
		{"content with 011", plus, "", alert("Call 01144 20 7946 0000"), []b2b.PersonID{"p-1"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inv := governance.Inventory{
				Persons: []b2b.Person{{ID: "p-1", Email: "ann@acme.com", Phone: tc.phone}},
				Outbox:  []channel.Entry{{ID: "ob-1", Status: channel.StatusPending, Message: tc.msg}},
			}
			if tc.duplicate != "" {
				inv.Persons = append(inv.Persons, b2b.Person{ID: "p-2", Email: "a.lee@home.example", Phone: tc.duplicate})
			}
			got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1"}, inv)
			require.Equal(t, tc.persons, got.Persons)
			var want []governance.OutboxRef
			if tc.reason != "" {
				want = []governance.OutboxRef{{ID: "ob-1", Key: "k", Status: channel.StatusPending, Reason: tc.reason}}
			}
			if d := cmp.Diff(want, got.Outbox); d != "" {
				t.Fatalf("outbox (-want +got):\n%s", d)
			}
			require.Contains(t, got.Suppression, governance.SuppressionHash("+442079460000"))
		})
	}
}

// TestSuppressionHashReadsTheInternationalPrefix: the hash of a number
// written with 00 is the hash of the number with its +, so that an erased
// number stored as 0044 20 7946 0000 suppresses messages to
// +442079460000.
func TestSuppressionHashReadsTheInternationalPrefix(t *testing.T) {
	t.Parallel()
	want := governance.SuppressionHash("+442079460000")
	for _, tc := range []struct {
		phone string
		same  bool
	}{
		{"0044 20 7946 0000", true},
		{" 00442079460000", true},
		{"(0044) 20 7946 0000", true},
		{"+44 20 7946 0000", true},
		{"44 20 7946 0000", true},
		{"011 44 20 7946 0000", false},
		{"+0044 20 7946 0000", false},
		{"000 44 20 7946 0000", false},
	} {
		require.Equal(t, tc.same, governance.SuppressionHash(tc.phone) == want, tc.phone)
	}
}

// TestPlanErasureFindsNamesWrittenWithoutSpaces: a full name in Chinese,
// Japanese or Korean is written without a space between its family and
// given names and without one before what follows it (山田太郎様,
// 김민준님), so it is found anywhere in the text, family name first or
// given name first, with a space, a no-break or ideographic space or a
// middle dot between them or nothing; a family or given name alone is
// not the person. A name in a script written with spaces is still found
// as whole words only, but a word of another script right next to it (a
// Japanese honorific after a Latin name) does not make it part of a
// longer word.
func TestPlanErasureFindsNamesWrittenWithoutSpaces(t *testing.T) {
	t.Parallel()
	taro := b2b.Person{ID: "p-1", FirstName: "太郎", LastName: "山田", Email: "taro@acme.co.jp"}
	smith := b2b.Person{ID: "p-1", FirstName: "ジョン", LastName: "スミス", Email: "john@acme.co.jp"}
	minjun := b2b.Person{ID: "p-1", FirstName: "민준", LastName: "김", Email: "minjun@acme.co.kr"}
	wei := b2b.Person{ID: "p-1", FirstName: "伟", LastName: "王", Email: "wei@acme.cn"}
	bo := b2b.Person{ID: "p-1", FirstName: "Bo", LastName: "Chen", Email: "bo@acme.com"}
	mary := b2b.Person{ID: "p-1", FirstName: "Mary", LastName: "Smith", Email: "mary@acme.com"}
	html := func(h string) channel.Message {
		return channel.Message{Key: "intro:p-2", Channel: channel.ChannelEmail, Person: "p-2", To: "dana@acme.com", Subject: "Hi", HTML: h}
	}
	for _, tc := range []struct {
		name   string
		person b2b.Person
		msg    channel.Message
		reason string // "" if not planned
	}{
		{"family name first, run together, an honorific after", taro, email("山田太郎様、いつもお世話になっております。"), "its content names 太郎 山田"},
		{"family name first, a space between", taro, email("担当：山田 太郎"), "its content names 太郎 山田"},
		{"an ideographic space between", taro, email("山田\u3000太郎 様"), "its content names 太郎 山田"},
		{"given name first", taro, email("Taro (太郎山田) joined."), "its content names 太郎 山田"},
		{"a tag between", taro, html("<p><b>山田</b>太郎様</p>"), "its content names 太郎 山田"},
		{"the family name alone", taro, email("山田様、いつもお世話になっております。"), ""},
		{"another given name", taro, email("山田花子様"), ""},
		{"the given name alone", taro, email("太郎さん"), ""},
		{"Katakana with a middle dot", smith, email("ジョン・スミス様"), "its content names ジョン スミス"},
		{"Katakana run together", smith, email("スミスジョンさん"), "its content names ジョン スミス"},
		{"Korean with a suffix", minjun, email("김민준님, 안녕하세요."), "its content names 민준 김"},
		{"Korean with spaces", minjun, email("김 민준 님"), "its content names 민준 김"},
		{"Korean family name alone", minjun, email("김 부장님"), ""},
		{"Chinese with a title after", wei, email("王伟先生，您好"), "its content names 伟 王"},
		{"a Latin name before an honorific", bo, email("Bo Chen様"), "its content names Bo Chen"},
		{"a Latin name after a Chinese word", bo, email("联系人Bo Chen"), "its content names Bo Chen"},
		// Unchanged in scripts written with spaces.
		{"a Latin name run together", bo, email("BoChen asked us to write."), ""},
		{"a Latin name inside a longer word", bo, email("Bo Chenko asked us to write."), ""},
		{"a Latin name starting a hyphenated one", mary, email("Mary Smith-Jones様"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			requireMessagePlanned(t, tc.person, tc.msg, tc.reason)
		})
	}
}

// TestPlanErasurePlaceholderEmailsIdentifyNobody: an address a form or an
// import fills in for persons who gave none (noreply@, unknown@,
// test@example.com; or no address at all, n/a) is shared by persons who are not the same, as a
// placeholder phone is: erasing one of them does not plan the others'
// records, activities or messages, nor keep the placeholder's hash (it
// would suppress every person given it); the person's own records and
// messages are still found by their ID, and a real address still finds
// a duplicate.
func TestPlanErasurePlaceholderEmailsIdentifyNobody(t *testing.T) {
	t.Parallel()
	for _, placeholder := range []string{"noreply@acme.com", "No-Reply@acme.com", "donotreply@acme.com", "unknown@unknown.com", "test@example.com", "none@acme.com", "nobody@acme.com",
		"n/a"} { // no address at all, in a record not validated
		t.Run(placeholder, func(t *testing.T) {
			t.Parallel()
			inv := governance.Inventory{
				Persons: []b2b.Person{
					{ID: "p-1", FirstName: "Ann", LastName: "Lee", Email: placeholder},
					{ID: "p-2", FirstName: "Bob", LastName: "Stone", Email: strings.ToUpper(placeholder)},
					{ID: "p-3", FirstName: "Ann", LastName: "Lee", Email: "ann.lee@acme.com"},
				},
				Activities: []b2b.Activity{{ID: "a-1", Person: "p-1"}, {ID: "a-2", Person: "p-2"}},
				Outbox: []channel.Entry{
					{ID: "ob-1", Status: channel.StatusDelivered, Message: channel.Message{Key: "k1", Channel: channel.ChannelEmail, Person: "p-1", To: placeholder}},
					{ID: "ob-2", Status: channel.StatusPending, Message: channel.Message{Key: "k2", Channel: channel.ChannelEmail, Person: "p-2", To: placeholder}},
					{ID: "ob-3", Status: channel.StatusPending, Message: channel.Message{Key: "k3", Channel: channel.ChannelSalesAlert, To: "rep@vendor.example",
						Text: "- Bob Stone <" + placeholder + ">, Champion"}},
				},
			}
			got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1", Emails: []string{"ann.lee@acme.com"}}, inv)
			want := governance.ErasureReport{
				Persons:     []b2b.PersonID{"p-1", "p-3"},
				Activities:  []b2b.ActivityID{"a-1"},
				Outbox:      []governance.OutboxRef{{ID: "ob-1", Key: "k1", Status: channel.StatusDelivered, Reason: `addressed to person "p-1"`}},
				Suppression: []string{governance.SuppressionHash("ann.lee@acme.com")},
			}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("report (-want +got):\n%s", d)
			}
			// An erasure asked for by the placeholder alone finds nobody.
			got = governance.PlanErasure(governance.ErasureRequest{Emails: []string{placeholder}}, inv)
			require.True(t, got.Empty(), "%+v", got)
		})
	}
}

// TestPlanErasurePlaceholderPhonesIdentifyNobody: a phone field holding a
// placeholder of full length (one digit repeated, 000-000-0000, or digits
// counting up, 123-456-7890) is shared by persons who are not the same,
// as a short placeholder is: erasing one of them does not plan the others
// nor keep its hash.
func TestPlanErasurePlaceholderPhonesIdentifyNobody(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ phone, other string }{
		{"000-000-0000", "(000) 000-0000"},
		{"0000000000", "000 0000 000"},
		{"999-999-9999", "9999999999"},
		{"123-456-7890", "1234567890"},
		{"0123456789", "01234 56789"},
	} {
		t.Run(tc.phone, func(t *testing.T) {
			t.Parallel()
			inv := governance.Inventory{
				Persons: []b2b.Person{
					{ID: "p-1", Email: "ann@acme.com", Phone: tc.phone},
					{ID: "p-2", Email: "bob@acme.com", Phone: tc.other},
				},
				Activities: []b2b.Activity{{ID: "a-1", Person: "p-1"}, {ID: "a-2", Person: "p-2"}},
				Outbox:     []channel.Entry{{ID: "ob-2", Status: channel.StatusPending, Message: channel.Message{Key: "k2", Channel: channel.ChannelSMS, Person: "p-2", To: tc.other}}},
			}
			got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1"}, inv)
			want := governance.ErasureReport{Persons: []b2b.PersonID{"p-1"}, Activities: []b2b.ActivityID{"a-1"},
				Suppression: []string{governance.SuppressionHash("ann@acme.com")}}
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("report (-want +got):\n%s", d)
			}
		})
	}
}

// email is an e-mail to another person (p-2) with text as its content.
func email(text string) channel.Message {
	return channel.Message{Key: "intro:p-2", Channel: channel.ChannelEmail, Person: "p-2", To: "dana@acme.com", Subject: "Hi", Text: text}
}

// requireMessagePlanned checks that erasing person p-1 plans the pending
// message msg, queued to another, for the reason given ("" for not at
// all).
func requireMessagePlanned(t *testing.T, person b2b.Person, msg channel.Message, reason string) {
	t.Helper()
	inv := governance.Inventory{Persons: []b2b.Person{person}, Outbox: []channel.Entry{{ID: "ob-1", Status: channel.StatusPending, Message: msg}}}
	got := governance.PlanErasure(governance.ErasureRequest{Person: "p-1"}, inv)
	var want []governance.OutboxRef
	if reason != "" {
		want = []governance.OutboxRef{{ID: "ob-1", Key: msg.Key, Status: channel.StatusPending, Reason: reason}}
	}
	if d := cmp.Diff(want, got.Outbox); d != "" {
		t.Fatalf("outbox (-want +got):\n%s", d)
	}
}
