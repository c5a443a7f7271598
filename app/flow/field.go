package flow

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FieldType is what a form step asks for; it picks the input the screen
// offers (letters, digits, date pickers, buttons) and the validation.
type FieldType string

const (
	FieldText     FieldType = "text"     // one line of text
	FieldName     FieldType = "name"     // a person's name
	FieldDate     FieldType = "date"     // chosen with pickers, stored as 2006-01-02
	FieldNumber   FieldType = "number"   // a whole number within min and max
	FieldPostcode FieldType = "postcode" // a German postcode, 5 digits
	FieldStreet   FieldType = "street"   // street and house number
	FieldPhone    FieldType = "phone"
	FieldEmail    FieldType = "email"
	FieldChoice   FieldType = "choice"   // one (or, with multiple, several) of large buttons
	FieldYesNo    FieldType = "yesno"    // stored as "ja" or "nein"
	FieldFreeText FieldType = "freetext" // a few lines, with a visible limit
	FieldConsent  FieldType = "consent"  // a consent text and a box; stored as "ja"
)

// fieldTypes lists the known types with the longest value each accepts
// when the catalogue gives no max.
var fieldTypes = map[FieldType]int{
	FieldText: 100, FieldName: 80, FieldDate: 10, FieldNumber: 9, FieldPostcode: 5,
	FieldStreet: 100, FieldPhone: 30, FieldEmail: 254, FieldChoice: 0, FieldYesNo: 0,
	FieldFreeText: 500, FieldConsent: 0,
}

// Yes and No are the stored values of yes/no steps and of a given consent.
const (
	Yes = "ja"
	No  = "nein"
)

// Step is one question of a form.
type Step struct {
	ID       string    `yaml:"id"`
	Type     FieldType `yaml:"type"`
	Question string    `yaml:"question"`
	// Label names the answer in the summary ("Neue Adresse").
	Label string `yaml:"label"`
	// Help is plain German; HelpEasy says the same in Leichte Sprache.
	Help     string `yaml:"help"`
	HelpEasy string `yaml:"help_easy"`
	Optional bool   `yaml:"optional"`
	// Options and Multiple are for choice steps.
	Options  []Choice `yaml:"options"`
	Multiple bool     `yaml:"multiple"`
	// Min and Max bound a number, a date (in days from today) or, as Max,
	// the length of a text.
	Min *int `yaml:"min"`
	Max *int `yaml:"max"`
	// Text is the consent text of a consent step.
	Text string     `yaml:"text"`
	When *Condition `yaml:"when"`
	// Example is a valid sample answer, for screenshots, demos and tests.
	// Dates may be written relative to today: "today", "today+14".
	Example string `yaml:"example"`
}

// Choice is one button of a choice step.
type Choice struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
}

// Condition shows a step only when an earlier choice or yes/no step was
// answered with one of the listed values.
type Condition struct {
	Step string   `yaml:"step"`
	Is   []string `yaml:"is"`
}

// MaxLen is the longest value the step accepts, in characters.
func (s Step) MaxLen() int {
	if s.Max != nil && s.usesMaxAsLength() {
		return *s.Max
	}
	return fieldTypes[s.Type]
}

func (s Step) usesMaxAsLength() bool {
	switch s.Type {
	case FieldText, FieldName, FieldStreet, FieldFreeText:
		return true
	}
	return false
}

// Title is the step's name in the summary.
func (s Step) Title() string {
	if s.Label != "" {
		return s.Label
	}
	return s.Question
}

// Problem is why an answer was refused. ID is the message's translation
// key, Data its template values; the screen says it in the visitor's
// language.
type Problem struct {
	ID   string
	Data map[string]any
}

func (p *Problem) Error() string { return fmt.Sprintf("invalid answer: %s %v", p.ID, p.Data) }

func problem(id string, kv ...any) *Problem {
	p := &Problem{ID: id}
	if len(kv) > 0 {
		p.Data = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			p.Data[kv[i].(string)] = kv[i+1]
		}
	}
	return p
}

var (
	// Names: letters of any script, with spaces, hyphens, apostrophes and
	// dots between them ("Anna-Lena O'Neill", "Dr. Şahin").
	namePattern = regexp.MustCompile(`^\p{L}[\p{L}\p{M}'’. -]*$`)
	// A street name, then a house number with an optional letter or range:
	// "Hauptstraße 12a", "Am Markt 3-5", "Weg 7 / 2".
	streetPattern   = regexp.MustCompile(`^\p{L}[\p{L}\p{M}\d'’. -]*\s\d{1,4}\s?[a-zA-Z]?(\s?[-/]\s?\d{1,4}\s?[a-zA-Z]?)?$`)
	postcodePattern = regexp.MustCompile(`^\d{5}$`)
	phonePattern    = regexp.MustCompile(`^\+?[\d /()-]+$`)
	emailPattern    = regexp.MustCompile(`^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$`)
)

// Normalize tidies what was typed: spaces at the ends go, and runs of
// spaces in one-line answers become one.
func Normalize(s Step, v string) string {
	if s.Type == FieldFreeText {
		return strings.TrimSpace(v)
	}
	return strings.Join(strings.Fields(v), " ")
}

// Validate checks a normalized answer to s; today is the visitor's day.
func Validate(s Step, v string, today time.Time) *Problem {
	if v == "" {
		if s.Optional {
			return nil
		}
		switch s.Type {
		case FieldChoice, FieldYesNo, FieldDate:
			return problem("invalid_choose")
		case FieldConsent:
			return problem("invalid_consent")
		}
		return problem("invalid_required")
	}
	if max := s.MaxLen(); max > 0 && utf8.RuneCountInString(v) > max {
		return problem("invalid_too_long", "Max", max)
	}
	switch s.Type {
	case FieldText, FieldFreeText:
		if strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0 {
			return problem("invalid_characters")
		}
	case FieldName:
		// The rule as it is: a name of one letter is too short, a name
		// with digits or signs is not a name.
		if !namePattern.MatchString(v) {
			return problem("invalid_name")
		}
		if utf8.RuneCountInString(strings.TrimSpace(v)) < 2 {
			return problem("invalid_name_short")
		}
	case FieldStreet:
		if !streetPattern.MatchString(v) {
			return problem("invalid_street")
		}
	case FieldPostcode:
		// German postcodes run from 01067 to 99998; 00… does not exist.
		if !postcodePattern.MatchString(v) || strings.HasPrefix(v, "00") {
			return problem("invalid_postcode")
		}
	case FieldPhone:
		digits := 0
		for _, r := range v {
			if unicode.IsDigit(r) {
				digits++
			}
		}
		if !phonePattern.MatchString(v) || digits < 6 || digits > 15 {
			return problem("invalid_phone")
		}
	case FieldEmail:
		if !emailPattern.MatchString(v) {
			return problem("invalid_email")
		}
	case FieldNumber:
		n, err := strconv.Atoi(v)
		if err != nil {
			return problem("invalid_number")
		}
		if (s.Min != nil && n < *s.Min) || (s.Max != nil && n > *s.Max) {
			return problem("invalid_number_range", "Min", deref(s.Min, 0), "Max", deref(s.Max, 999999999))
		}
	case FieldDate:
		d, err := time.ParseInLocation(time.DateOnly, v, today.Location())
		if err != nil {
			return problem("invalid_date")
		}
		day := midnight(today)
		if s.Min != nil && d.Before(day.AddDate(0, 0, *s.Min)) {
			return problem("invalid_date_early", "Earliest", FormatDate(day.AddDate(0, 0, *s.Min)))
		}
		if s.Max != nil && d.After(day.AddDate(0, 0, *s.Max)) {
			return problem("invalid_date_late", "Latest", FormatDate(day.AddDate(0, 0, *s.Max)))
		}
	case FieldChoice:
		ids := []string{v}
		if s.Multiple {
			ids = strings.Split(v, ",")
		}
		for _, id := range ids {
			if _, ok := s.choice(id); !ok {
				return problem("invalid_choose")
			}
		}
	case FieldYesNo:
		if v != Yes && v != No {
			return problem("invalid_choose")
		}
	case FieldConsent:
		if v != Yes {
			return problem("invalid_consent")
		}
	}
	return nil
}

func (s Step) choice(id string) (Choice, bool) {
	for _, c := range s.Options {
		if c.ID == id {
			return c, true
		}
	}
	return Choice{}, false
}

// Display is an answer as the summary shows it: choice titles, "Ja",
// a German date.
func Display(s Step, v string, texts Texts) string {
	if v == "" {
		return texts.T("answer_none")
	}
	switch s.Type {
	case FieldChoice:
		var titles []string
		for _, id := range strings.Split(v, ",") {
			if c, ok := s.choice(id); ok {
				titles = append(titles, c.Title)
			}
		}
		return strings.Join(titles, ", ")
	case FieldYesNo:
		if v == Yes {
			return texts.T("answer_yes")
		}
		return texts.T("answer_no")
	case FieldConsent:
		return texts.T("answer_consented")
	case FieldDate:
		if d, err := time.Parse(time.DateOnly, v); err == nil {
			return FormatDate(d)
		}
	}
	return v
}

// FormatDate writes a day the German way, 24.12.2026.
func FormatDate(d time.Time) string { return d.Format("02.01.2006") }

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func deref(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// ExampleValue resolves a step's example for today ("today+14" becomes a
// date).
func ExampleValue(s Step, today time.Time) string {
	v := s.Example
	if s.Type != FieldDate || !strings.HasPrefix(v, "today") {
		return v
	}
	days := 0
	if rest := strings.TrimPrefix(v, "today"); rest != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(rest, "+"))
		if err != nil {
			return v
		}
		days = n
	}
	return midnight(today).AddDate(0, 0, days).Format(time.DateOnly)
}
