package escpos

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/encoding/charmap"
	"gopkg.in/yaml.v3"

	"lotse/assets"
)

// Profile describes one printer model in the escpos-printer-db format.
type Profile struct {
	ID        string          `yaml:"-"`
	Name      string          `yaml:"name"`
	Vendor    string          `yaml:"vendor"`
	Inherits  string          `yaml:"inherits"`
	Notes     string          `yaml:"notes"`
	Features  map[string]bool `yaml:"features"`
	Fonts     map[int]Font    `yaml:"fonts"`
	Media     Media           `yaml:"media"`
	CodePages map[int]string  `yaml:"codePages"`
	Colors    map[int]string  `yaml:"colors"`
}

// Font is one of the printer's built-in fonts.
type Font struct {
	Name    string `yaml:"name"`
	Columns int    `yaml:"columns"`
}

// Media is the paper the printer takes.
type Media struct {
	Width struct {
		MM     maybeInt `yaml:"mm"`
		Pixels maybeInt `yaml:"pixels"`
	} `yaml:"width"`
	DPI maybeInt `yaml:"dpi"`
}

// maybeInt reads a number or the database's "Unknown" (as 0).
type maybeInt int

func (m *maybeInt) UnmarshalYAML(n *yaml.Node) error {
	if n.Value == "Unknown" {
		*m = 0
		return nil
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a number", n.Line, n.Value)
	}
	*m = maybeInt(v)
	return nil
}

// Dots is the printable width in dots.
func (p Profile) Dots() int { return int(p.Media.Width.Pixels) }

// Columns is the number of font A characters per line.
func (p Profile) Columns() int { return p.Fonts[0].Columns }

// NativeQR reports whether the printer draws QR codes itself (GS ( k).
func (p Profile) NativeQR() bool { return p.Features["qrCode"] }

// codePageChoice lists the code pages Lotse can encode, best first: CP858
// has umlauts, ß and €; CP850 and CP437 lack €.
var codePageChoice = []struct {
	name string
	cm   *charmap.Charmap
}{
	{"CP858", charmap.CodePage858},
	{"CP850", charmap.CodePage850},
	{"CP437", charmap.CodePage437},
}

// CodePage picks the best code page the printer has for German text and
// returns its ESC t number and its character map.
func (p Profile) CodePage() (int, *charmap.Charmap) {
	for _, c := range codePageChoice {
		for n, name := range p.CodePages {
			if name == c.name {
				return n, c.cm
			}
		}
	}
	return 0, charmap.CodePage437
}

// charmaps are the code pages, by their escpos-printer-db names, whose
// characters the simulator and the decoder can show.
var charmaps = map[string]*charmap.Charmap{
	"CP437": charmap.CodePage437, "CP850": charmap.CodePage850, "CP852": charmap.CodePage852,
	"CP855": charmap.CodePage855, "CP858": charmap.CodePage858, "CP860": charmap.CodePage860,
	"CP862": charmap.CodePage862, "CP863": charmap.CodePage863, "CP865": charmap.CodePage865,
	"CP866": charmap.CodePage866, "CP1250": charmap.Windows1250, "CP1251": charmap.Windows1251,
	"CP1252": charmap.Windows1252, "CP1253": charmap.Windows1253, "CP1254": charmap.Windows1254,
	"CP1255": charmap.Windows1255, "CP1256": charmap.Windows1256, "CP1257": charmap.Windows1257,
	"CP1258": charmap.Windows1258, "ISO_8859-2": charmap.ISO8859_2, "ISO_8859-7": charmap.ISO8859_7,
	"ISO_8859-15": charmap.ISO8859_15,
}

// CharmapFor returns the character map of ESC t n on this printer: false
// when the printer has no such code page or its characters are unknown
// here.
func (p Profile) CharmapFor(n int) (*charmap.Charmap, bool) {
	cm, ok := charmaps[p.CodePages[n]]
	return cm, ok
}

// Profiles is a set of printer profiles by id.
type Profiles map[string]Profile

// DefaultProfile is the profile used when the configuration names none.
const DefaultProfile = "TM-T20II"

// LoadProfiles reads every *.yml in dir and resolves inheritance. As in
// escpos-printer-db, a child replaces each top-level key it sets.
func LoadProfiles(fsys fs.FS, dir string) (Profiles, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yml"))
	if err != nil {
		return nil, fmt.Errorf("printer profiles: %w", err)
	}
	raw := map[string]map[string]yaml.Node{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("printer profile %s: %w", name, err)
		}
		var doc map[string]map[string]yaml.Node
		if err := yaml.Unmarshal(b, &doc); err != nil {
			return nil, fmt.Errorf("printer profile %s: %w", name, err)
		}
		for id, fields := range doc {
			raw[id] = fields
		}
	}
	out := Profiles{}
	for id := range raw {
		fields, err := resolve(raw, id, nil)
		if err != nil {
			return nil, err
		}
		m := &yaml.Node{Kind: yaml.MappingNode}
		for key, node := range fields {
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &node)
		}
		var p Profile
		if err := m.Decode(&p); err != nil {
			return nil, fmt.Errorf("printer profile %s: %w", id, err)
		}
		p.ID = id
		if p.Dots() > 0 && p.Columns() > 0 {
			out[id] = p
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("printer profiles: none complete in %s", dir)
	}
	return out, nil
}

func resolve(raw map[string]map[string]yaml.Node, id string, seen []string) (map[string]yaml.Node, error) {
	for _, s := range seen {
		if s == id {
			return nil, fmt.Errorf("printer profile %s: inheritance loop %s", id, strings.Join(append(seen, id), " → "))
		}
	}
	fields, ok := raw[id]
	if !ok {
		return nil, fmt.Errorf("printer profile %s: not found", id)
	}
	merged := map[string]yaml.Node{}
	if parent, ok := fields["inherits"]; ok {
		base, err := resolve(raw, parent.Value, append(seen, id))
		if err != nil {
			return nil, err
		}
		for k, v := range base {
			merged[k] = v
		}
	}
	for k, v := range fields {
		merged[k] = v
	}
	return merged, nil
}

// Get returns the profile id or an error listing the known ones.
func (ps Profiles) Get(id string) (Profile, error) {
	if p, ok := ps[id]; ok {
		return p, nil
	}
	var ids []string
	for k := range ps {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	return Profile{}, fmt.Errorf("unknown printer profile %q (known: %s)", id, strings.Join(ids, ", "))
}

var (
	builtinOnce sync.Once
	builtin     Profiles
	builtinErr  error
)

// Builtin returns the profiles shipped in assets/printers.
func Builtin() (Profiles, error) {
	builtinOnce.Do(func() { builtin, builtinErr = LoadProfiles(assets.FS, "printers") })
	return builtin, builtinErr
}

// BuiltinProfile returns the shipped profile id.
func BuiltinProfile(id string) (Profile, error) {
	ps, err := Builtin()
	if err != nil {
		return Profile{}, err
	}
	return ps.Get(id)
}

// CanPrint says every character of text exists in the profile's code page
// (control characters and € aside, which the encoder replaces), so a
// ticket in the visitor's language prints without question marks.
func (p Profile) CanPrint(text string) bool {
	_, cm := p.CodePage()
	for _, r := range text {
		if r < 0x20 || r == 0x7F || r == '€' {
			continue
		}
		if _, ok := cm.EncodeRune(r); !ok {
			return false
		}
	}
	return true
}
