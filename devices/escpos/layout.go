package escpos

import (
	"fmt"
	"image"
	"io/fs"
	"strconv"
	"strings"
	"text/template"
)

// Layout is a print template: each line is either a directive starting
// with "@" or text to print, wrapped to the paper. Both may use Go template
// actions. A line whose actions fill in nothing is left out, text or
// directive ("@feed {{with .Hours}}1{{end}}" feeds only when there are
// hours), so optional fields need no special syntax; a line that is empty in the
// template prints an empty line. Lines starting with "#" are comments.
//
// Each line is a template of its own, so a value containing a line break
// can never turn into a directive.
//
// Directives: @align left|center|right, @bold on|off, @size W H, @feed N,
// @rule, @qr DATA, @logo, @cut.
type Layout struct {
	Name  string
	lines []layoutLine
}

type layoutLine struct {
	directive string // "" for a text line
	tmpl      *template.Template
	hasAction bool
}

// Translate looks up a text for the visitor's language; args are
// key/value pairs for the text's placeholders.
type Translate func(id string, data ...map[string]any) string

var directives = map[string]bool{
	"align": true, "bold": true, "size": true, "feed": true, "rule": true, "qr": true, "logo": true, "cut": true,
}

// LoadLayout reads and parses a layout file.
func LoadLayout(fsys fs.FS, name string) (*Layout, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("print layout: %w", err)
	}
	return ParseLayout(name, string(b))
}

// ParseLayout parses layout source; errors name the line.
func ParseLayout(name, src string) (*Layout, error) {
	l := &Layout{Name: name}
	funcs := template.FuncMap{"t": func(string, ...any) string { return "" }}
	for i, line := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		ll := layoutLine{}
		text := line
		if strings.HasPrefix(line, "@") {
			word, rest, _ := strings.Cut(line[1:], " ")
			if !directives[word] {
				return nil, fmt.Errorf("%s:%d: unknown directive @%s", name, i+1, word)
			}
			ll.directive, text = word, rest
		}
		t, err := template.New(fmt.Sprintf("%s:%d", name, i+1)).Funcs(funcs).Option("missingkey=error").Parse(text)
		if err != nil {
			return nil, fmt.Errorf("print layout %w", err)
		}
		ll.tmpl = t
		ll.hasAction = strings.Contains(text, "{{")
		l.lines = append(l.lines, ll)
	}
	return l, nil
}

// RenderOptions is what a layout is printed with besides its data.
type RenderOptions struct {
	Profile Profile
	T       Translate
	Logo    image.Image // nil: @logo prints nothing
}

// Render fills the layout with data and encodes it for the profile.
func (l *Layout) Render(data any, opt RenderOptions) ([]byte, error) {
	d := New(opt.Profile)
	t := func(id string, kv ...any) (string, error) {
		if len(kv)%2 != 0 {
			return "", fmt.Errorf("t %q: odd number of arguments", id)
		}
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return opt.T(id, m), nil
	}
	for _, ll := range l.lines {
		var sb strings.Builder
		if err := template.Must(ll.tmpl.Clone()).Funcs(template.FuncMap{"t": t}).Execute(&sb, data); err != nil {
			return nil, fmt.Errorf("print layout %w", err)
		}
		arg := strings.TrimSpace(sb.String())
		if err := l.apply(d, ll, arg, opt); err != nil {
			return nil, fmt.Errorf("print layout %s: %s: %w", l.Name, ll.tmpl.Name(), err)
		}
	}
	return d.Bytes(), nil
}

func (l *Layout) apply(d *Doc, ll layoutLine, arg string, opt RenderOptions) error {
	if arg == "" && ll.hasAction {
		return nil
	}
	switch ll.directive {
	case "":
		d.Line(arg)
	case "align":
		a, ok := map[string]Align{"left": Left, "center": Center, "right": Right}[arg]
		if !ok {
			return fmt.Errorf("@align %q: want left, center or right", arg)
		}
		d.Align(a)
	case "bold":
		d.Bold(arg == "on")
	case "size":
		var w, h int
		if _, err := fmt.Sscanf(arg, "%d %d", &w, &h); err != nil {
			return fmt.Errorf("@size %q: want two numbers", arg)
		}
		d.Size(w, h)
	case "feed":
		n, err := strconv.Atoi(arg)
		if err != nil {
			return fmt.Errorf("@feed %q: want a number", arg)
		}
		d.Feed(n)
	case "rule":
		d.Rule()
	case "qr":
		if arg == "" {
			return nil
		}
		return d.QR(arg, QRModule(opt.Profile))
	case "logo":
		if opt.Logo != nil {
			d.Image(opt.Logo)
		}
	case "cut":
		d.Cut()
	}
	return nil
}

// QRModule is the module size in dots that makes a typical status URL
// about 2 cm wide on this paper.
func QRModule(p Profile) int { return max(3, p.Dots()/96) }
