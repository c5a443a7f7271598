// Package flow holds what a kiosk offers and how a visit runs, in plain Go
// without Fyne: the service catalogue, validation, and the desks that turn a
// visitor's choice into a waiting number or a submission.
package flow

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Kind says how a service runs.
type Kind string

const (
	// KindTicket hands out a waiting number for one of its options.
	KindTicket Kind = "ticket"
	// KindInfo shows pages of local information.
	KindInfo Kind = "info"
	// KindForm asks its steps one at a time and submits the answers.
	KindForm Kind = "form"
	// KindAppointment is a form whose submission asks the office for an
	// appointment; the receipt says a request, not a booking.
	KindAppointment Kind = "appointment"
	// KindBooking books an appointment at the portal: a service, a day, a
	// time, a name.
	KindBooking Kind = "booking"
	// KindCheckIn takes a booking code and gives the appointment's
	// waiting number.
	KindCheckIn Kind = "checkin"
)

// AsksSteps says the service is a form of steps.
func (k Kind) AsksSteps() bool { return k == KindForm || k == KindAppointment }

// Service is one tile on the start screen.
type Service struct {
	ID      string   `yaml:"id"`
	Kind    Kind     `yaml:"kind"`
	Title   string   `yaml:"title"`
	Icon    string   `yaml:"icon"`
	Options []Option `yaml:"options"`
	Pages   []Page   `yaml:"pages"`
	// Intro is said before the first step of a form: what it is for and
	// what to have at hand.
	Intro string `yaml:"intro"`
	Steps []Step `yaml:"steps"`
	// Next tells the resident what happens after submitting, on screen
	// and on the receipt.
	Next string `yaml:"next"`
	// Notes are further lines of what happens next that hold for some
	// answers only ("Bringen Sie die Wohnungsgeberbestätigung mit").
	Notes []Note `yaml:"notes"`
	// File is the catalogue file the service came from, for messages.
	File string `yaml:"-"`
}

// Note is a line of what happens next for the answers When names. In
// Text, {step} is that number step's answer ("Die {anzahl} weiteren
// Personen …"); no other answer is ever put into a note.
type Note struct {
	ID   string     `yaml:"id"`
	When *Condition `yaml:"when"`
	Text string     `yaml:"text"`
	// Values are the number answers for the placeholders, once a form's
	// Notes picked it.
	Values map[string]string `yaml:"-"`
}

// In is the note's text in tr's language (German where it has none) with
// its number answers put in.
func (n Note) In(tr Lookup, service string) string {
	text := n.Text
	if tr != nil {
		if v, ok := tr.Lookup("svc." + service + ".notes." + n.ID); ok {
			text = v
		}
	}
	return notePlaceholder.ReplaceAllStringFunc(text, func(m string) string { return n.Values[m[1:len(m)-1]] })
}

// Option is one queue of a ticket service.
type Option struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Prefix string `yaml:"prefix"`
	// Room is where to wait, printed on the ticket ("Wartebereich 2").
	Room string `yaml:"room"`
	// Service is the id of the service the option belongs to.
	Service string `yaml:"-"`
}

// Page is one page of an information service.
type Page struct {
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
	// Image is a picture in the catalogue folder, shown with the text.
	Image string `yaml:"image"`
	// OpeningHours puts the counter's hours (the profile's or the
	// configuration's) above the text, so the page never contradicts them.
	OpeningHours bool `yaml:"opening_hours"`
}

// Catalogue is the set of services a kiosk offers, in start-screen order.
type Catalogue struct {
	Services []Service
	fsys     fs.FS
	dir      string
}

// Image reads a picture named in the catalogue (a page's image).
func (c *Catalogue) Image(name string) ([]byte, error) {
	if c.fsys == nil {
		return nil, fmt.Errorf("picture %s: catalogue has no folder", name)
	}
	return fs.ReadFile(c.fsys, path.Join(c.dir, name))
}

// Service returns the service with id.
func (c *Catalogue) Service(id string) (Service, bool) {
	for _, s := range c.Services {
		if s.ID == id {
			return s, true
		}
	}
	return Service{}, false
}

// FileError is a problem in one catalogue file, with the line and field.
type FileError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *FileError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Field, e.Msg)
}

// BrokenFiles names the files errs from LoadCatalogue are about, once
// each, for the staff notice.
func BrokenFiles(errs []error) []string {
	var names []string
	seen := map[string]bool{}
	for _, err := range errs {
		name := err.Error()
		var fe *FileError
		if errors.As(err, &fe) {
			name = fe.File
		}
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

// LoadCatalogue reads every *.yaml file in dir of fsys, in name order. A
// broken file is left out and reported; the others still load, so a typo
// in one service never leaves residents in front of a blank screen.
func LoadCatalogue(fsys fs.FS, dir string) (*Catalogue, []error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return &Catalogue{}, []error{fmt.Errorf("read catalogue %s: %w", dir, err)}
	}
	sort.Strings(names)
	cat := &Catalogue{fsys: fsys, dir: dir}
	var errs []error
	ids := map[string]string{}
	prefixes := map[string]string{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, fmt.Errorf("read catalogue file %s: %w", name, err))
			continue
		}
		svc, root, ferrs := parseService(name, b)
		for i, p := range svc.Pages {
			if p.Image == "" {
				continue
			}
			if _, err := fs.Stat(fsys, path.Join(dir, p.Image)); err != nil {
				field, line := locate(root, "pages", i, "image")
				ferrs = append(ferrs, &FileError{File: name, Line: line, Field: field, Msg: "no such picture in " + dir})
			}
		}
		if len(ferrs) == 0 {
			ferrs = checkUnique(name, svc, root, ids, prefixes)
		}
		if len(ferrs) > 0 {
			errs = append(errs, ferrs...)
			continue
		}
		ids[svc.ID] = name
		for _, o := range svc.Options {
			prefixes[o.Prefix] = name
		}
		cat.Services = append(cat.Services, svc)
	}
	return cat, errs
}

var (
	idPattern     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	prefixPattern = regexp.MustCompile(`^[A-Z]$`)
	// Step ids become keys in the submission; underscores read well there.
	stepIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

func parseService(name string, b []byte) (Service, *yaml.Node, []error) {
	var svc Service
	root := &yaml.Node{}
	if err := yaml.Unmarshal(b, root); err != nil {
		return svc, root, []error{yamlError(name, err)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&svc); err != nil {
		return svc, root, []error{yamlError(name, err)}
	}
	svc.File = name
	for i := range svc.Options {
		svc.Options[i].Service = svc.ID
	}
	var errs []error
	bad := func(msg string, keys ...any) {
		field, line := locate(root, keys...)
		errs = append(errs, &FileError{File: name, Line: line, Field: field, Msg: msg})
	}
	if !idPattern.MatchString(svc.ID) {
		bad("must be lower-case letters, digits and dashes", "id")
	}
	if svc.Title == "" {
		bad("is missing", "title")
	}
	switch svc.Kind {
	case KindTicket:
		if len(svc.Options) == 0 {
			bad("a ticket service needs at least one option", "options")
		}
		seen := map[string]bool{}
		for i, o := range svc.Options {
			if !idPattern.MatchString(o.ID) {
				bad("must be lower-case letters, digits and dashes", "options", i, "id")
			} else if seen[o.ID] {
				bad("is used twice", "options", i, "id")
			}
			seen[o.ID] = true
			if o.Title == "" {
				bad("is missing", "options", i, "title")
			}
			if !prefixPattern.MatchString(o.Prefix) {
				bad("must be one capital letter A to Z", "options", i, "prefix")
			}
		}
	case KindInfo:
		if len(svc.Pages) == 0 {
			bad("an information service needs at least one page", "pages")
		}
		for i, p := range svc.Pages {
			if p.Title == "" {
				bad("is missing", "pages", i, "title")
			}
			if p.Text == "" {
				bad("is missing", "pages", i, "text")
			}
		}
	case KindForm, KindAppointment:
		if len(svc.Steps) == 0 {
			bad("a form needs at least one step", "steps")
		}
		if svc.Next == "" {
			bad("is missing: what happens after submitting", "next")
		}
		checkSteps(svc.Steps, bad)
		checkNotes(svc, bad)
	case KindBooking, KindCheckIn:
		// Their services and times come from the portal.
	default:
		bad(fmt.Sprintf("%q is not a known kind (ticket, info, form, appointment, booking, checkin)", svc.Kind), "kind")
	}
	return svc, root, errs
}

// checkNotes checks that each note has an id, a text and a condition on a
// choice or yes/no step, and names only number steps in its text.
func checkNotes(svc Service, bad func(string, ...any)) {
	steps := map[string]Step{}
	for _, s := range svc.Steps {
		steps[s.ID] = s
	}
	ids := map[string]bool{}
	for i, n := range svc.Notes {
		if n.ID == "" || ids[n.ID] {
			bad("is missing or used twice", "notes", i, "id")
		}
		ids[n.ID] = true
		if n.Text == "" {
			bad("is missing", "notes", i, "text")
		}
		if n.When == nil {
			bad("is missing: a note that always holds belongs in next", "notes", i, "when")
		} else if ref, ok := steps[n.When.Step]; !ok || ref.Type != FieldChoice && ref.Type != FieldYesNo || len(n.When.Is) == 0 {
			bad("must name a choice or yes/no step and its answers", "notes", i, "when")
		}
		for _, m := range notePlaceholder.FindAllStringSubmatch(n.Text, -1) {
			if s, ok := steps[m[1]]; !ok || s.Type != FieldNumber {
				bad(fmt.Sprintf("{%s} is not a number step", m[1]), "notes", i, "text")
			}
		}
	}
}

// notePlaceholder is {step} in a note's text.
var notePlaceholder = regexp.MustCompile(`\{([a-z0-9_-]+)\}`)

// checkSteps checks each step on its own and the conditions between them.
// An example that its own step refuses is an error too: it is what demos,
// screenshots and tests type in.
func checkSteps(steps []Step, bad func(string, ...any)) {
	seen := map[string]Step{}
	today := time.Now()
	for i, st := range steps {
		if !stepIDPattern.MatchString(st.ID) {
			bad("must be lower-case letters, digits and underscores", "steps", i, "id")
		} else if _, dup := seen[st.ID]; dup {
			bad("is used twice", "steps", i, "id")
		}
		if _, ok := fieldTypes[st.Type]; !ok {
			bad(fmt.Sprintf("%q is not a known type (%s)", st.Type, knownTypes()), "steps", i, "type")
		}
		if st.Question == "" {
			bad("is missing", "steps", i, "question")
		}
		if st.Help == "" {
			bad("is missing: every step needs help in plain German", "steps", i, "help")
		}
		if st.HelpEasy == "" {
			bad("is missing: every step needs help in Leichte Sprache", "steps", i, "help_easy")
		}
		switch st.Type {
		case FieldChoice:
			if len(st.Options) < 2 {
				bad("a choice needs at least two options", "steps", i, "options")
			}
			ids := map[string]bool{}
			for j, o := range st.Options {
				if !idPattern.MatchString(o.ID) || ids[o.ID] {
					bad("must be unique lower-case letters, digits and dashes", "steps", i, "options", j, "id")
				}
				ids[o.ID] = true
				if o.Title == "" {
					bad("is missing", "steps", i, "options", j, "title")
				}
			}
		case FieldConsent:
			if st.Text == "" {
				bad("is missing: the text the resident agrees to", "steps", i, "text")
			}
		}
		if st.Max != nil && st.usesMaxAsLength() && *st.Max <= 0 {
			bad("must be above 0", "steps", i, "max")
		}
		if st.Min != nil && st.Max != nil && *st.Min > *st.Max {
			bad("is above max", "steps", i, "min")
		}
		if w := st.When; w != nil {
			ref, ok := seen[w.Step]
			switch {
			case !ok:
				bad(fmt.Sprintf("%q is not an earlier step", w.Step), "steps", i, "when", "step")
			case ref.Type != FieldChoice && ref.Type != FieldYesNo:
				bad("only a choice or yes/no step can show or hide another", "steps", i, "when", "step")
			case len(w.Is) == 0:
				bad("is missing", "steps", i, "when", "is")
			default:
				for j, v := range w.Is {
					if Validate(Step{Type: ref.Type, Options: ref.Options}, v, today) != nil {
						bad(fmt.Sprintf("%q is not an answer of step %s", v, ref.ID), "steps", i, "when", "is", j)
					}
				}
			}
		}
		if st.Example != "" {
			if p := Validate(st, Normalize(st, ExampleValue(st, today)), today); p != nil {
				bad("this step refuses its own example ("+p.ID+")", "steps", i, "example")
			}
		}
		seen[st.ID] = st
	}
}

func knownTypes() string {
	var names []string
	for t := range fieldTypes {
		names = append(names, string(t))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func checkUnique(name string, svc Service, root *yaml.Node, ids, prefixes map[string]string) []error {
	var errs []error
	if other, ok := ids[svc.ID]; ok {
		field, line := locate(root, "id")
		errs = append(errs, &FileError{File: name, Line: line, Field: field, Msg: "already used by " + other})
	}
	for i, o := range svc.Options {
		if other, ok := prefixes[o.Prefix]; ok {
			field, line := locate(root, "options", i, "prefix")
			errs = append(errs, &FileError{File: name, Line: line, Field: field, Msg: "already used by " + other})
		}
	}
	return errs
}

// locate finds the line of a field given as map keys and list indexes, and
// its dotted name. A field that is absent reports the line of its parent.
func locate(root *yaml.Node, keys ...any) (string, int) {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	field := ""
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			if field != "" {
				field += "."
			}
			field += k
			var next *yaml.Node
			if n.Kind == yaml.MappingNode {
				for i := 0; i+1 < len(n.Content); i += 2 {
					if n.Content[i].Value == k {
						line = n.Content[i].Line
						next = n.Content[i+1]
					}
				}
			}
			if next == nil {
				return field, line
			}
			n = next
		case int:
			field += fmt.Sprintf("[%d]", k)
			if n.Kind != yaml.SequenceNode || k >= len(n.Content) {
				return field, line
			}
			n = n.Content[k]
			line = n.Line
		}
	}
	return field, line
}

var yamlLine = regexp.MustCompile(`line (\d+): (.*)`)

func yamlError(name string, err error) error {
	var te *yaml.TypeError
	msg := err.Error()
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &FileError{File: name, Line: line, Msg: m[2]}
	}
	return &FileError{File: name, Msg: msg}
}
