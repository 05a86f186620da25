package b2b

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// ActivityType names what a person did. It is a string alias so that rules
// compare it with literals: activity.type == "fill_out_form".
type ActivityType = string

// The well-known activity types, after Marketo's standard types (see
// [MarketoActivityTypes] for the whole table). Any other type that
// [ValidActivityType] accepts is a custom type.
const (
	ActivityVisitWebPage      ActivityType = "visit_web_page"
	ActivityFillOutForm       ActivityType = "fill_out_form"
	ActivityClickLink         ActivityType = "click_link"
	ActivitySendEmail         ActivityType = "send_email"
	ActivityEmailDelivered    ActivityType = "email_delivered"
	ActivityEmailBounced      ActivityType = "email_bounced"
	ActivityUnsubscribeEmail  ActivityType = "unsubscribe_email"
	ActivityOpenEmail         ActivityType = "open_email"
	ActivityClickEmail        ActivityType = "click_email"
	ActivityNewLead           ActivityType = "new_lead"
	ActivityChangeDataValue   ActivityType = "change_data_value"
	ActivityEmailBouncedSoft  ActivityType = "email_bounced_soft"
	ActivityInterestingMoment ActivityType = "interesting_moment"
	ActivitySendAlert         ActivityType = "send_alert"
	ActivityOpenSalesEmail    ActivityType = "open_sales_email"
	ActivityClickSalesEmail   ActivityType = "click_sales_email"
	// Event types that Marketo records as program status changes; they are
	// first-class here because buying-group engagement leans on them.
	ActivityRegisterForEvent ActivityType = "register_for_event"
	ActivityAttendEvent      ActivityType = "attend_event"
	ActivityRequestDemo      ActivityType = "request_demo"
	// SMS activities.
	ActivitySendSMS        ActivityType = "send_sms"
	ActivityClickSMS       ActivityType = "click_sms"
	ActivityUnsubscribeSMS ActivityType = "unsubscribe_sms"
)

// MarketoActivityTypes maps Marketo's 52 standard activity type IDs to
// Quorum's type names (the Marketo name in snake case). Custom Marketo types
// have IDs >= 100000 and are mapped by the importer's configuration.
var MarketoActivityTypes = map[int]ActivityType{
	1: ActivityVisitWebPage, 2: ActivityFillOutForm, 3: ActivityClickLink,
	6: ActivitySendEmail, 7: ActivityEmailDelivered, 8: ActivityEmailBounced,
	9: ActivityUnsubscribeEmail, 10: ActivityOpenEmail, 11: ActivityClickEmail,
	12: ActivityNewLead, 13: ActivityChangeDataValue, 19: "sync_lead_to_sfdc",
	21: "convert_lead", 22: "change_score", 23: "change_owner",
	24: "add_to_list", 25: "remove_from_list", 26: "sfdc_activity",
	27: ActivityEmailBouncedSoft, 29: "delete_lead_from_sfdc",
	30: "sfdc_activity_updated", 32: "merge_leads", 34: "add_to_opportunity",
	35: "remove_from_opportunity", 36: "update_opportunity", 37: "delete_lead",
	38: ActivitySendAlert, 39: "send_sales_email", 40: ActivityOpenSalesEmail,
	41: ActivityClickSalesEmail, 42: "add_to_sfdc_campaign",
	43: "remove_from_sfdc_campaign", 44: "change_status_in_sfdc_campaign",
	45: "receive_sales_email", 46: ActivityInterestingMoment,
	47: "request_campaign", 48: "sales_email_bounced",
	100: "change_lead_partition", 101: "change_revenue_stage",
	102: "change_revenue_stage_manually", 104: "change_status_in_progression",
	106: "enrich_with_data_com", 108: "change_segment", 110: "call_webhook",
	111: "sent_forward_to_friend_email", 112: "received_forward_to_friend_email",
	113: "add_to_nurture", 114: "change_nurture_track",
	115: "change_nurture_cadence", 400: "share_content", 401: "vote_in_poll",
	405: "click_shared_link",
}

// ActivityTypeFromMarketoID returns the type name of a standard Marketo
// activity type ID.
func ActivityTypeFromMarketoID(id int) (ActivityType, bool) {
	t, ok := MarketoActivityTypes[id]
	return t, ok
}

// maxActivityType is the most characters of an activity type name.
const maxActivityType = 64

// ValidActivityType reports whether t is a usable type name: 1 to 64
// characters of lower-case letters, digits, '_', '.', ':' or '-', starting
// with a letter. Custom types ("webinar_poll_answer", "g2:intent_surge")
// are welcome.
func ValidActivityType(t string) bool {
	if len(t) == 0 || len(t) > maxActivityType || t[0] < 'a' || t[0] > 'z' {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// AttrMessageKey is the activity attribute that names the message an
// activity is about: the key of the e-mail or SMS (channel.Message.Key,
// the outbox entry's idempotency key) that was delivered, bounced,
// opened, clicked or unsubscribed from. A provider reports it back when
// the key was sent with the message (a tag, a custom argument or header);
// the host sets it on the activities it makes of the provider's reports.
// Its value is a string; an activity without it (or with "") is about no
// message of the program.
//
// The engine logs the key of each applied activity that has one, and
// package analytics counts an open or a click towards the program's
// e-mail open and click rates only through it: once per delivered
// e-mail, however often it is opened.
const AttrMessageKey = "messageKey"

// An Activity is something a person did. ID is unique across sources: the
// same activity delivered twice has the same ID and counts once.
type Activity struct {
	ID     ActivityID   `expr:"id" json:"id,omitzero"`
	Type   ActivityType `expr:"type" json:"type,omitzero"`
	Person PersonID     `expr:"personId" json:"personId,omitzero"`
	// Account is optional: when empty the activity counts for every account
	// the person belongs to.
	Account AccountID `expr:"accountId" json:"accountId,omitzero"`
	Time    time.Time `expr:"time" json:"time,omitzero"`
	Source  Source    `expr:"source" json:"source,omitzero"`
	// Attributes describe the activity ("form": "Demo Request", "url":
	// "/pricing", "campaign": "Q3 webinar"); read them with attr().
	// [AttrMessageKey] names the message an e-mail or SMS activity is
	// about.
	Attributes map[string]any `expr:"attributes" json:"attributes,omitzero"`
}

// Attr returns a string attribute, or "" when it is missing or not a string.
func (a *Activity) Attr(key string) string {
	s, _ := a.Attributes[key].(string)
	return s
}

// Validate reports every problem with the activity at once. It does not
// check the time against a clock; see [Activity.ValidateAt].
func (a *Activity) Validate() error {
	var ps Problems
	a.validate(&ps)
	if ps.Len() == 0 {
		return nil // before Err: its argument, boxed, would cost every valid activity an allocation
	}
	return ps.Err("activity %q", a.ID)
}

// ValidateAt validates the activity and also rejects a time more than
// tolerance after now (a clock gone wrong at the source would otherwise
// push scores into the future).
func (a *Activity) ValidateAt(now time.Time, tolerance time.Duration) error {
	var ps Problems
	a.validate(&ps)
	if !a.Time.IsZero() && a.Time.After(now.Add(tolerance)) {
		ahead := "more than 292 years" // further than a Duration reaches: Sub saturates
		if d := a.Time.Sub(now); d < math.MaxInt64 {
			ahead = d.Round(time.Second).String()
		}
		ps.Addf("time", "%s is %s in the future (tolerance %s)", a.Time.Format(time.RFC3339), ahead, tolerance)
	}
	if ps.Len() == 0 {
		return nil // before Err: its argument, boxed, would cost every valid activity an allocation
	}
	return ps.Err("activity %q", a.ID)
}

func (a *Activity) validate(ps *Problems) {
	if strings.TrimSpace(string(a.ID)) == "" {
		ps.Addf("id", "is required")
	}
	if !ValidActivityType(a.Type) {
		const want = "lower-case letters, digits, _ . : -, starting with a letter"
		if n := utf8.RuneCountInString(a.Type); n > maxActivityType {
			ps.Addf("type", "%q is not a valid activity type (%s): it has %d characters, more than %d", a.Type, want, n, maxActivityType)
		} else {
			ps.Addf("type", "%q is not a valid activity type (%s)", a.Type, want)
		}
	}
	if strings.TrimSpace(string(a.Person)) == "" {
		ps.Addf("personId", "is required")
	}
	if a.Time.IsZero() {
		ps.Addf("time", "is required")
	}
	validateAttributes(ps, a.Attributes)
	if v, ok := a.Attributes[AttrMessageKey]; ok && v != nil && validAttribute(AttrMessageKey, v) {
		if _, isString := v.(string); !isString {
			ps.Addf("attributes["+quote(AttrMessageKey)+"]", "must be a string (the key of the message the activity is about), got %T", v)
		}
	}
}

func indexPath(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

func quote(s string) string { return fmt.Sprintf("%q", s) }
