package channel

// RenderEmailWithoutPlans renders as RenderEmail does, on text/template
// and html/template alone.
func (t *Templates) RenderEmailWithoutPlans(name string, rc *RenderContext) (RenderedEmail, error) {
	return t.renderEmail(name, rc, false)
}

// RenderSMSWithoutPlan renders as RenderSMS does, on text/template alone.
func (t *Templates) RenderSMSWithoutPlan(name string, rc *RenderContext) (string, error) {
	return t.renderSMS(name, rc, false)
}

// Plans reports which parts of the email template name (subject, HTML,
// text), or of the SMS template name (the first), have a plan.
func (t *Templates) Plans(name string) []bool {
	if ce := t.emails[name]; ce != nil {
		return []bool{ce.plans[0] != nil, ce.plans[1] != nil, ce.plans[2] != nil}
	}
	if cs := t.sms[name]; cs != nil {
		return []bool{cs.plan != nil}
	}
	return nil
}

// SetSequence sets the number of the last entry enqueued, so that a test
// reaches large entry IDs without enqueuing that many entries.
func (o *MemoryOutbox) SetSequence(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq = n
}
