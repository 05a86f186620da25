package identity

import "slices"

// The immutable tables of the normalisers and of resolution.

// legalWords are legal forms and generic words that do not distinguish one
// company from another; NormalizeCompanyName drops them from the end of a
// name. Dotted forms ("s.a.", "n.v.") arrive here without their dots.
var legalWords = setOf(
	// English, Indian
	"inc", "incorporated", "corp", "corporation", "co", "company", "companies",
	"llc", "llp", "lp", "ltd", "limited", "plc", "pllc", "pc", "lc", "pvt",
	"group", "holding", "holdings", "international", "intl",
	// German, Austrian, Swiss
	"gmbh", "ggmbh", "gesmbh", "ag", "kg", "kgaa", "ohg", "ug", "gbr", "aktiengesellschaft", "kommanditgesellschaft", "mbh", "ek",
	// French, Spanish, Portuguese, Italian, Belgian, Luxembourg
	"sa", "sas", "sasu", "sau", "sac", "sarl", "sca", "sl", "slu", "srl", "srls", "spa", "sapa", "ltda", "lda", "unipessoal",
	"sc", "cv", "sab", "snc", "eurl", "eireli", "eirl", "sprl", "bvba",
	// Dutch, Nordic ("AB (publ)"), Baltic, Polish, Czech
	"bv", "nv", "vof", "ab", "publ", "as", "asa", "aps", "oy", "oyj", "hf", "ehf", "ou", "uab", "sia", "sro",
	"aktiebolag", "aktieselskab", "anpartsselskab", "aksjeselskap", "osakeyhtio",
	// Hungarian, former Yugoslav, Turkish, Irish
	"kft", "zrt", "nyrt", "doo", "dd", "sti", "teoranta",
	// European company, others
	"se", "kk", "pty", "pte", "bhd", "berhad", "sdn", "tbk", "jsc", "pjsc", "ojsc", "cjsc", "ooo", "oao", "zao",
	"lllp",
	// Russian, in Cyrillic
	"ооо", "оао", "зао", "пао", "нао", "ао",
	// Greek: Α.Ε., Ε.Π.Ε., Ι.Κ.Ε., Ο.Ε., Ε.Ε.
	"αε", "επε", "ικε", "οε", "εε",
)

// leadingPhrases are the legal forms of several words written before the
// name, the longest first: Vietnamese "Công ty Cổ phần" (joint-stock
// company), "Công ty TNHH" (limited company), "Công ty".
var leadingPhrases = [][]string{
	{"cong", "ty", "co", "phan"}, {"cong", "ty", "tnhh"}, {"cong", "ty"},
}

// leadingForms are the legal forms written before the name ("OOO
// Yandex", "ПАО Газпром"); NormalizeCompanyName drops one there, as it
// drops a leading "The". ("pao" is not one: "Pão de Açúcar".)
var leadingForms = setOf(
	"ooo", "oao", "zao", "jsc", "pjsc", "ojsc", "cjsc",
	"ооо", "оао", "зао", "пао", "нао", "ао",
)

// legalPhrases are legal forms of several words, or whose parts words
// join ("S.A. de C.V."), as companyWords splits them; NormalizeCompanyName
// drops them from the end of a name, as it drops legalWords. The longest
// come first.
var legalPhrases = [][]string{
	{"s", "de", "rl", "de", "cv"}, // Mexico: S. de R.L. de C.V.
	// Written out: German, Italian, Spanish, French
	{"gesellschaft", "mit", "beschrankter", "haftung"},
	{"societa", "a", "responsabilita", "limitata"}, {"sociedad", "de", "responsabilidad", "limitada"},
	{"societe", "par", "actions", "simplifiee"}, {"societe", "a", "responsabilite", "limitee"},
	{"limited", "liability", "company"}, {"limited", "liability", "partnership"},
	{"public", "limited", "company"}, {"public", "company", "limited"},
	{"societa", "per", "azioni"},
	{"sa", "de", "cv"}, {"sab", "de", "cv"}, {"sapi", "de", "cv"}, {"s", "de", "rl"},
	{"sp", "z", "oo"}, {"sp", "z", "o", "o"}, // Poland: sp. z o.o.
	{"spol", "s", "ro"}, // Czechia: spol. s r.o.
	{"sa", "rl"},        // Luxembourg: S.à r.l.
	{"private", "limited"}, {"proprietary", "limited"},
	{"ltda", "me"}, {"ltda", "epp"}, // Brazil: Ltda. ME (microempresa), EPP
	{"sociedad", "anonima"}, {"sociedad", "limitada"}, {"sociedade", "anonima"}, {"sociedade", "limitada"},
	{"societe", "anonyme"}, {"naamloze", "vennootschap"}, {"besloten", "vennootschap"},
	{"anonim", "sirketi"}, {"limited", "sirketi"}, // Turkey
	{"ug", "haftungsbeschrankt"}, // Germany: UG (haftungsbeschränkt)
	{"kabushiki", "kaisha"}, {"godo", "kaisha"}, {"yugen", "kaisha"},
	{"sendirian", "berhad"}, // Malaysia: Sdn. Bhd.
}

// webTLDs are the top-level domains dropped from names such as
// "Amazon.com": the few that company names carry as a web address, not
// every top-level domain of the Public Suffix List, which would cut
// "Last.fm" to "last", the key of another company. (A suffix of two
// labels, "Very.co.uk", is the list's; see stripWebSuffix.)
var webTLDs = setOf("com", "net", "org", "io", "ai", "co", "biz", "de", "uk", "fr", "app")

// cjkForms are legal forms written in Chinese, Japanese and Korean.
// Their abbreviations in parentheses are cjkParenForms; those written as
// one symbol ("㈜", "㈱") separate words as other symbols do.
var cjkForms = []string{
	"股份有限公司", "有限责任公司", "有限責任公司", "集团控股有限公司", "控股有限公司", "有限公司", "集团", "集團",
	"株式会社", "有限会社", "合同会社",
	"주식회사",
}

// cjkParenForms are the legal forms that Japanese and Korean names
// abbreviate in parentheses, ASCII or full-width: 株式会社 (株), 有限会社
// (有), 合同会社 (合), 주식회사 (주), 유한회사 (유).
var cjkParenForms = []string{
	"(株)", "（株）", "(有)", "（有）", "(合)", "（合）",
	"(주)", "（주）", "(유)", "（유）",
}

// latinFold maps accented Latin letters (Latin-1 Supplement and Latin
// Extended-A, lower case) to their base letter.
var latinFold = map[rune]rune{
	'à': 'a', 'á': 'a', 'â': 'a', 'ã': 'a', 'ä': 'a', 'å': 'a', 'ā': 'a', 'ă': 'a', 'ą': 'a',
	'ç': 'c', 'ć': 'c', 'ĉ': 'c', 'ċ': 'c', 'č': 'c',
	'ď': 'd', 'đ': 'd', 'ð': 'd',
	'è': 'e', 'é': 'e', 'ê': 'e', 'ë': 'e', 'ē': 'e', 'ĕ': 'e', 'ė': 'e', 'ę': 'e', 'ě': 'e',
	'ĝ': 'g', 'ğ': 'g', 'ġ': 'g', 'ģ': 'g',
	'ĥ': 'h', 'ħ': 'h',
	'ì': 'i', 'í': 'i', 'î': 'i', 'ï': 'i', 'ĩ': 'i', 'ī': 'i', 'ĭ': 'i', 'į': 'i', 'ı': 'i',
	'ĵ': 'j', 'ķ': 'k',
	'ĺ': 'l', 'ļ': 'l', 'ľ': 'l', 'ŀ': 'l', 'ł': 'l',
	'ñ': 'n', 'ń': 'n', 'ņ': 'n', 'ň': 'n',
	'ò': 'o', 'ó': 'o', 'ô': 'o', 'õ': 'o', 'ö': 'o', 'ø': 'o', 'ō': 'o', 'ŏ': 'o', 'ő': 'o',
	'ŕ': 'r', 'ŗ': 'r', 'ř': 'r',
	'ś': 's', 'ŝ': 's', 'ş': 's', 'š': 's',
	'ţ': 't', 'ť': 't', 'ŧ': 't',
	'ù': 'u', 'ú': 'u', 'û': 'u', 'ü': 'u', 'ũ': 'u', 'ū': 'u', 'ŭ': 'u', 'ů': 'u', 'ű': 'u', 'ų': 'u',
	'ŵ': 'w', 'ý': 'y', 'ÿ': 'y', 'ŷ': 'y',
	'ź': 'z', 'ż': 'z', 'ž': 'z',
}

// greekFold maps accented Greek letters (lower case) and the final sigma
// to their base letter.
var greekFold = map[rune]rune{
	'ά': 'α', 'έ': 'ε', 'ή': 'η', 'ί': 'ι', 'ϊ': 'ι', 'ΐ': 'ι', 'ό': 'ο',
	'ύ': 'υ', 'ϋ': 'υ', 'ΰ': 'υ', 'ώ': 'ω', 'ς': 'σ',
}

// defaultFreeMail lists free-mail and ISP mail domains: an address at one of
// them says nothing about the person's company. Subdomains are included
// (mail.yahoo.com is free mail too).
var defaultFreeMail = []string{
	"gmail.com", "googlemail.com",
	"outlook.com", "outlook.fr", "outlook.de", "hotmail.com", "hotmail.co.uk", "hotmail.fr",
	"hotmail.de", "hotmail.it", "hotmail.es", "live.com", "live.co.uk", "live.fr", "msn.com",
	"yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.co.jp",
	"yahoo.com.br", "yahoo.co.in", "ymail.com", "rocketmail.com",
	"aol.com", "aim.com", "icloud.com", "me.com", "mac.com",
	"proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com", "tuta.io",
	"gmx.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "web.de", "t-online.de", "freenet.de",
	"mail.com", "email.com", "zoho.com", "zohomail.com", "fastmail.com", "hey.com",
	"yandex.com", "yandex.ru", "mail.ru", "inbox.ru", "list.ru", "bk.ru", "rambler.ru",
	"qq.com", "163.com", "126.com", "sina.com", "sohu.com", "aliyun.com", "foxmail.com",
	"naver.com", "daum.net", "hanmail.net",
	"orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net",
	"libero.it", "virgilio.it", "tiscali.it", "alice.it",
	"btinternet.com", "sky.com", "virginmedia.com", "talktalk.net",
	"comcast.net", "verizon.net", "att.net", "sbcglobal.net", "cox.net", "charter.net",
	"bellsouth.net", "earthlink.net", "shaw.ca", "rogers.com", "sympatico.ca",
	"bigpond.com", "optusnet.com.au", "xtra.co.nz",
	"uol.com.br", "bol.com.br", "terra.com.br", "rediffmail.com",
	"seznam.cz", "wp.pl", "o2.pl", "onet.pl", "interia.pl",
}

// DefaultFreeMailDomains returns a copy of the shipped free-mail and ISP
// domain list. [Config].FreeMailDomains replaces it; to extend it, append to
// this copy.
func DefaultFreeMailDomains() []string { return slices.Clone(defaultFreeMail) }

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
