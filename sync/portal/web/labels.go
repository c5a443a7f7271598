package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// catalogue is what the case pages need of the published service files:
// each service's title, each field's label and each option's title, so a
// case reads as the resident saw the questions.
type catalogue struct {
	titles map[string]string
	fields map[string][]fieldLabel // by service, in the order of the steps
}

type fieldLabel struct {
	ID, Label string
	Options   map[string]string
}

// serviceFile is the part of a service file the portal reads.
type serviceFile struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Steps []struct {
		ID       string `yaml:"id"`
		Label    string `yaml:"label"`
		Question string `yaml:"question"`
		Options  []struct {
			ID    string `yaml:"id"`
			Title string `yaml:"title"`
		} `yaml:"options"`
	} `yaml:"steps"`
}

// catalogue reads the newest profile for all kiosks; without one, ids
// stand in for titles and labels.
func (s *Server) catalogue(ctx context.Context) catalogue {
	c := catalogue{titles: map[string]string{}, fields: map[string][]fieldLabel{}}
	v, b, err := s.p.Fleet().LatestProfile(ctx, "")
	if err != nil || b == nil {
		return c
	}
	// Every inbox and case page asks: unzip and parse a version once.
	s.catMu.Lock()
	defer s.catMu.Unlock()
	if s.catVersion == v && s.cat.titles != nil {
		return s.cat
	}
	defer func() { s.cat, s.catVersion = c, v }()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return c
	}
	for _, f := range zr.File {
		if !strings.HasPrefix(f.Name, "services/") || path.Ext(f.Name) != ".yaml" || strings.Count(f.Name, "/") != 1 {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		raw, err := io.ReadAll(io.LimitReader(rc, 1<<20))
		rc.Close()
		var sf serviceFile
		if err != nil || yaml.Unmarshal(raw, &sf) != nil || sf.ID == "" {
			continue
		}
		c.titles[sf.ID] = sf.Title
		for _, st := range sf.Steps {
			fl := fieldLabel{ID: st.ID, Label: st.Label, Options: map[string]string{}}
			if fl.Label == "" {
				fl.Label = st.Question
			}
			for _, o := range st.Options {
				fl.Options[o.ID] = o.Title
			}
			c.fields[sf.ID] = append(c.fields[sf.ID], fl)
		}
	}
	return c
}

func (c catalogue) title(service string) string {
	if t := c.titles[service]; t != "" {
		return t
	}
	return service
}

// answer is one line of a case page.
type answer struct{ Label, Value string }

// answers orders data as the service asks it, with labels and option
// titles; fields the service does not know (any more) follow by id.
// withoutBidi is v without the characters that turn text around (an
// RLO in a resident's answer reversed what the case page showed after
// it): what was typed, in the order typed.
func withoutBidi(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == 0x061C, r == 0x200E, r == 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return -1
		}
		return r
	}, v)
}

func (c catalogue) answers(service string, data map[string]string) []answer {
	var out []answer
	seen := map[string]bool{}
	for _, f := range c.fields[service] {
		v, ok := data[f.ID]
		if !ok {
			continue
		}
		seen[f.ID] = true
		if len(f.Options) > 0 {
			parts := strings.Split(v, ",")
			for i, p := range parts {
				if t := f.Options[p]; t != "" {
					parts[i] = t
				}
			}
			v = strings.Join(parts, ", ")
		}
		out = append(out, answer{Label: f.Label, Value: withoutBidi(v)})
	}
	var rest []string
	for k := range data {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		out = append(out, answer{Label: withoutBidi(k), Value: withoutBidi(data[k])})
	}
	return out
}
