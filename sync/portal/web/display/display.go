// Package display is the waiting room's call-up display: /display?token=T
// (the token names the site), its state as server-sent events — one read
// per site and change, shared by every open display through the live hub
// — and each call spoken (espeak-ng, cached in the data folder).
package display

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/sync/singleflight"
	"golang.org/x/text/language"

	"lotse/sync/portal"
	"lotse/sync/portal/hub"
	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
)

// displayRefresh is how often a site's display state is read when
// nothing changed: changes at this instance (and, on PostgreSQL, at every
// other one, by LISTEN/NOTIFY) make it read at once; the refresh covers
// other processes on one SQLite file and a revoke made at the command
// line. One read per site serves every open display of the site.
const displayRefresh = time.Second

// aliveEvery is how often a stream sends its state again when nothing
// changed, as a sign of life.
const aliveEvery = 2 * time.Second

// displayFeed is what every open display of a site shares: the state as
// sent, and the display tokens that may still see it.
type displayFeed struct {
	state  []byte
	tokens map[string]bool
}

// feed is the site's shared display state; Release it when done.
func (s *Pages) feed(site string) *hub.Feed {
	return s.p.Hub().Feed("display/"+site, queue.Topic(site), displayRefresh, func(ctx context.Context) (any, error) {
		st, err := s.displayState(ctx, site)
		if err != nil {
			return nil, err
		}
		tokens, err := s.st.DisplayTokens(ctx, site)
		if err != nil {
			return nil, err
		}
		f := displayFeed{tokens: map[string]bool{}}
		for _, t := range tokens {
			f.tokens[t] = true
		}
		f.state, err = json.Marshal(st)
		return f, err
	})
}

type displayCall struct {
	Label   string `json:"label"`
	Counter string `json:"counter"`
	Lang    string `json:"lang"`
	At      string `json:"at"`
}

type displayState struct {
	Current *displayCall    `json:"current"`
	Recent  []displayCall   `json:"recent"`
	Waiting []queue.Waiting `json:"waiting"`
}

func (s *Pages) displayState(ctx context.Context, site string) (displayState, error) {
	st, err := s.p.Queue().Status(ctx, site)
	if err != nil {
		return displayState{}, err
	}
	d := displayState{Waiting: st.Waiting, Recent: []displayCall{}}
	for i, t := range st.Calls {
		c := displayCall{Label: t.Label, Counter: t.Counter, Lang: t.Lang, At: t.CalledAt.UTC().Format(time.RFC3339Nano)}
		if i == 0 && (t.State == "called" || t.State == "serving") {
			d.Current = &c
			continue
		}
		if len(d.Recent) < 5 && t.Counter != "" {
			d.Recent = append(d.Recent, c)
		}
	}
	return d, nil
}

// displaySite checks the request's display token.
func (s *Pages) displaySite(r *http.Request) (string, error) {
	tok := displayToken(r)
	if tok == "" {
		return "", store.ErrNotFound
	}
	return s.st.DisplaySite(r.Context(), tok)
}

// displayRefused answers a display without a valid token.
func (s *Pages) displayRefused(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if errors.Is(err, store.ErrRevoked) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintln(w, s.t("display_revoked"))
		return
	}
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintln(w, "Diese Anzeige ist nicht angemeldet (lotse-portal display add SITE).")
}

type displayPage struct {
	Current *displayCall
	Recent  []displayCall
	Waiting []queue.Waiting
}

func (s *Pages) display(w http.ResponseWriter, r *http.Request) {
	site, err := s.displaySite(r)
	if err != nil {
		s.displayRefused(w, err)
		return
	}
	st, err := s.displayState(r.Context(), site)
	if err != nil {
		http.Error(w, "Die Warteschlange ist gerade nicht erreichbar.", http.StatusServiceUnavailable)
		return
	}
	var b bytes.Buffer
	err = s.page.ExecuteTemplate(&b, "display.html", struct {
		Token string
		Data  displayPage
	}{r.URL.Query().Get("token"), displayPage(st)})
	if err != nil {
		http.Error(w, "page failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b.Bytes())
}

// MaxStreams is how many event streams one display token may hold
// open at an instance: a waiting room has a screen or two (2,000 streams
// on one token once took health checks to 2.5 s and the portal to 1.8 GB).
const MaxStreams = 4

// displayStreams counts the open streams per token.
type displayStreams struct {
	mu   sync.Mutex
	open map[string]int
}

// take reserves a stream for token; false when it has its share.
func (d *displayStreams) take(token string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.open == nil {
		d.open = map[string]int{}
	}
	if d.open[token] >= MaxStreams {
		return false
	}
	d.open[token]++
	return true
}

func (d *displayStreams) done(token string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.open[token]--; d.open[token] <= 0 {
		delete(d.open, token)
	}
}

// displayEvents streams the display's state: at once, on every change,
// and every two seconds as a sign of life. The token is checked again
// each time: a revoked display gets a "revoked" event and the stream
// ends (it was checked only at connect, and a revoked display kept
// showing tickets drawn after the revoke).
func (s *Pages) displayEvents(w http.ResponseWriter, r *http.Request) {
	site, err := s.displaySite(r)
	rc := http.NewResponseController(w)
	if err != nil {
		if errors.Is(err, store.ErrRevoked) {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "event: revoked\ndata: {}\n\n")
			return
		}
		s.displayRefused(w, err)
		return
	}
	token := displayToken(r)
	if !s.streams.take(token) {
		w.Header().Set("Retry-After", "30")
		http.Error(w, "Zu viele offene Anzeigen mit diesem Zugang.", http.StatusTooManyRequests)
		return
	}
	defer s.streams.done(token)
	w.Header().Set("Content-Type", "text/event-stream")
	rc.SetWriteDeadline(time.Time{})
	fmt.Fprint(w, "retry: 2000\n\n")
	feed := s.feed(site)
	defer feed.Release()
	alive := time.NewTicker(aliveEvery)
	defer alive.Stop()
	var last []byte
	for {
		v, changed, err := feed.Value(r.Context())
		if f, ok := v.(displayFeed); ok && err == nil {
			if !f.tokens[token] {
				fmt.Fprint(w, "event: revoked\ndata: {}\n\n")
				rc.Flush()
				return
			}
			if !bytes.Equal(f.state, last) {
				fmt.Fprintf(w, "event: state\ndata: %s\n\n", f.state)
				if rc.Flush() != nil {
					return
				}
				last = f.state
			}
		}
		select {
		case <-r.Context().Done():
			return
		case <-changed:
		case <-alive.C:
			if last != nil {
				fmt.Fprintf(w, "event: state\ndata: %s\n\n", last)
				if rc.Flush() != nil {
					return
				}
			}
		}
	}
}

// displayToken is the request's display token, hashed ("" for none).
func displayToken(r *http.Request) string {
	tok := r.URL.Query().Get("token")
	if tok == "" {
		tok = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if tok == "" {
		return ""
	}
	return portal.HashToken(tok)
}

// phrases of a call, by language; espeak-ng's voice for each.
var phrases = map[string]struct{ voice, text string }{
	"de": {"de", "Nummer %s, bitte zu %s."},
	"en": {"en-gb", "Number %s, please go to %s."},
	"tr": {"tr", "%s numara, lütfen %s."},
	"uk": {"uk", "Номер %s, будь ласка, до %s."},
	"ru": {"ru", "Номер %s, пожалуйста, к %s."},
	"pl": {"pl", "Numer %s, proszę do %s."},
}

// spoken is a label as a voice reads it best: "A 17" for A017.
func spoken(label string) string {
	if len(label) < 2 {
		return label
	}
	n, err := strconv.Atoi(label[1:])
	if err != nil {
		return label
	}
	return label[:1] + " " + strconv.Itoa(n)
}

// MaxAudioFiles bounds the spoken calls kept on disk; the oldest go.
const MaxAudioFiles = 2000

// displayAudio is a call spoken (WAV), made with espeak-ng on the portal
// and cached in its data folder. Only a call the display's site made
// today is spoken, so the cache holds the day's calls, not whatever a
// token holder asks for; one call is made once however many displays ask
// (singleflight), and different calls do not wait for each other.
func (s *Pages) displayAudio(w http.ResponseWriter, r *http.Request) {
	site, err := s.displaySite(r)
	if err != nil {
		s.displayRefused(w, err)
		return
	}
	q := r.URL.Query()
	label, counter := q.Get("label"), q.Get("counter")
	p, ok := phrases[q.Get("lang")]
	if !ok || len(label) > 8 || len(counter) > 40 || label == "" || !s.calledToday(r.Context(), site, label, counter) {
		http.Error(w, "no such call", http.StatusNotFound)
		return
	}
	text := fmt.Sprintf(p.text, spoken(label), counter)
	sum := sha256.Sum256([]byte(p.voice + "\x00" + text))
	path := filepath.Join(s.p.Folder(), "audio", hex.EncodeToString(sum[:16])+".wav")
	_, err, _ = s.audio.Do(path, func() (any, error) {
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if err := speak(p.voice, text, path); err != nil {
			return nil, err
		}
		return nil, pruneAudio(filepath.Dir(path), MaxAudioFiles)
	})
	if err != nil {
		s.log.Error("display audio", "err", err)
		http.Error(w, "no audio", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "max-age=86400")
	http.ServeFile(w, r, path)
}

// calledToday says label was called to counter at site today.
func (s *Pages) calledToday(ctx context.Context, site, label, counter string) bool {
	q := s.p.Queue()
	list, err := s.st.Tickets(ctx, site, q.Day(s.now()))
	if err != nil {
		return false
	}
	for _, t := range list {
		if t.Label == label && t.Counter == counter && !t.CalledAt.IsZero() {
			return true
		}
	}
	return false
}

// pruneAudio keeps the newest keep files of dir.
func pruneAudio(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) <= keep {
		return err
	}
	type file struct {
		name string
		mod  time.Time
	}
	var files []file
	for _, e := range entries {
		if info, err := e.Info(); err == nil && !e.IsDir() {
			files = append(files, file{e.Name(), info.ModTime()})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	for _, f := range files[:max(0, len(files)-keep)] {
		os.Remove(filepath.Join(dir, f.name))
	}
	return nil
}

// speak writes text in voice to path as WAV with espeak-ng.
func speak(voice, text, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if out, err := exec.Command("espeak-ng", "-v", voice, "-s", "140", "-w", tmp, text).CombinedOutput(); err != nil {
		return fmt.Errorf("espeak-ng: %v: %s", err, out)
	}
	return os.Rename(tmp, path)
}

// Store is the part of the portal's store the display reads: a display's
// site by its token, the site's valid tokens, the day's tickets.
type Store interface {
	DisplaySite(ctx context.Context, tokenHash string) (string, error)
	DisplayTokens(ctx context.Context, site string) ([]string, error)
	Tickets(ctx context.Context, site, day string, states ...string) ([]store.Ticket, error)
}

// Portal is what the display needs of the portal.
type Portal interface {
	Store() store.Store
	Queue() *queue.Service
	Hub() *hub.Hub
	Now() time.Time
	Folder() string // the data folder: the spoken calls' cache
}

//go:embed templates/display.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

//go:embed i18n/de.toml
var germanTexts []byte

// Pages are the call-up display: the page, its streams, its spoken calls.
type Pages struct {
	p       Portal
	st      Store
	now     func() time.Time
	log     *slog.Logger
	tr      *i18n.Localizer
	page    *template.Template
	streams displayStreams
	audio   singleflight.Group
}

// New is the display over p.
func New(p Portal) (*Pages, error) {
	b := i18n.NewBundle(language.German)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	if _, err := b.ParseMessageFileBytes(germanTexts, "de.toml"); err != nil {
		return nil, fmt.Errorf("display texts: %w", err)
	}
	s := &Pages{p: p, st: p.Store(), now: p.Now, log: slog.Default(), tr: i18n.NewLocalizer(b, "de")}
	page, err := template.New("display").Funcs(template.FuncMap{"t": s.t}).ParseFS(templateFS, "templates/display.html")
	if err != nil {
		return nil, fmt.Errorf("display page: %w", err)
	}
	s.page = page
	return s, nil
}

// t is a text by its id.
func (s *Pages) t(id string) string {
	msg, err := s.tr.Localize(&i18n.LocalizeConfig{MessageID: id})
	if err != nil {
		return id
	}
	return msg
}

// Handler routes /display: the page, its events, its audio.
func (s *Pages) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /display/static/", http.StripPrefix("/display/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /display", s.display)
	mux.HandleFunc("GET /display/events", s.displayEvents)
	mux.HandleFunc("GET /display/audio", s.displayAudio)
	return httpx.Secured(mux, httpx.AppPolicy)
}
