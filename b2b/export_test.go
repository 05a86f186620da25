package b2b

// ParsedEmail is ValidEmail without its plain-form shortcut, for tests
// that hold the shortcut to the parse.
var ParsedEmail = parsedEmail
