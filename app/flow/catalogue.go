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

	"gopkg.in/yaml.v3"
)

// Kind says how a service runs.
type Kind string

const (
	// KindTicket hands out a waiting number for one of its options.
	KindTicket Kind = "ticket"
	// KindInfo shows pages of local information.
	KindInfo Kind = "info"
)

// Service is one tile on the start screen.
type Service struct {
	ID      string   `yaml:"id"`
	Kind    Kind     `yaml:"kind"`
	Title   string   `yaml:"title"`
	Icon    string   `yaml:"icon"`
	Options []Option `yaml:"options"`
	Pages   []Page   `yaml:"pages"`
	// File is the catalogue file the service came from, for messages.
	File string `yaml:"-"`
}

// Option is one queue of a ticket service.
type Option struct {
	ID     string `yaml:"id"`
	Title  string `yaml:"title"`
	Prefix string `yaml:"prefix"`
	// Room is where to wait, printed on the ticket ("Wartebereich 2").
	Room string `yaml:"room"`
}

// Page is one page of an information service.
type Page struct {
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
}

// Catalogue is the set of services a kiosk offers, in start-screen order.
type Catalogue struct {
	Services []Service
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

// LoadCatalogue reads every *.yaml file in dir of fsys, in name order. A
// broken file is left out and reported; the others still load, so a typo
// in one service never leaves residents in front of a blank screen.
func LoadCatalogue(fsys fs.FS, dir string) (*Catalogue, []error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return &Catalogue{}, []error{fmt.Errorf("read catalogue %s: %w", dir, err)}
	}
	sort.Strings(names)
	cat := &Catalogue{}
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
	default:
		bad(fmt.Sprintf("%q is not a known kind (ticket, info)", svc.Kind), "kind")
	}
	return svc, root, errs
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
