package portal

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"

	"lotse/sync/credential"
	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
	"lotse/sync/profilesig"
	"lotse/sync/wire"
)

// SiteKey is site's secret ("" for the kiosks without a site of their
// own), made on first use.
func (f *Fleet) SiteKey(ctx context.Context, site string) ([]byte, error) {
	fresh := make([]byte, credential.KeySize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	return f.st.SiteKey(ctx, site, fresh)
}

// kioskSiteKey is the key of the kiosk's site.
func (f *Fleet) kioskSiteKey(ctx context.Context, kiosk int64) ([]byte, error) {
	site, err := f.st.KioskSite(ctx, kiosk)
	if err != nil {
		return nil, err
	}
	return f.SiteKey(ctx, site)
}

// HashCard and HashPIN make the values a profile for site registers
// guides' cards and PINs and the staff PIN with.
func (f *Fleet) HashCard(ctx context.Context, site, id string) (string, error) {
	key, err := f.SiteKey(ctx, site)
	if err != nil {
		return "", err
	}
	return credential.HashCard(key, id)
}

func (f *Fleet) HashPIN(ctx context.Context, site string, kind credential.Kind, pin string) (string, error) {
	key, err := f.SiteKey(ctx, site)
	if err != nil {
		return "", err
	}
	return credential.HashPIN(key, kind, pin)
}

// PublishProfile stores a profile bundle for site ("" for all kiosks
// without their own) and returns its version. The portal checks that it
// is a zip with a profile.toml; each kiosk checks the rest before it
// switches, and keeps its old profile when the new one fails.
func (f *Fleet) PublishProfile(ctx context.Context, site string, bundle []byte) (int, error) {
	zr, err := zip.NewReader(bytes.NewReader(bundle), int64(len(bundle)))
	if err != nil {
		return 0, fmt.Errorf("publish profile: not a zip: %w", err)
	}
	if _, err := zr.Open("profile.toml"); err != nil {
		return 0, errors.New("publish profile: the zip has no profile.toml at its top")
	}
	sum := sha256.Sum256(bundle)
	v, err := f.st.PublishProfile(ctx, site, hex.EncodeToString(sum[:]), bundle, f.now())
	if err != nil {
		return 0, fmt.Errorf("publish profile: %w", err)
	}
	return v, nil
}

// LatestProfile is the newest profile published for site (version 0
// when none was).
func (f *Fleet) LatestProfile(ctx context.Context, site string) (int, []byte, error) {
	return f.st.LatestProfile(ctx, site)
}

// Profiles counts the published profiles.
func (f *Fleet) Profiles(ctx context.Context) (int, error) {
	vs, err := f.st.ProfileVersions(ctx)
	return len(vs), err
}

// SetSite puts a kiosk in a site, whose profiles it then runs.
func (f *Fleet) SetSite(ctx context.Context, kiosk int64, site string) error {
	if err := queue.CheckSite(site); err != nil {
		return fmt.Errorf("site %q: %w", site, err)
	}
	return f.st.SetSite(ctx, kiosk, site)
}

// profileFor is the newest profile for the kiosk's site, else the newest
// for all; version 0 when none was published.
func (f *Fleet) profileFor(ctx context.Context, kiosk int64) (int, []byte, error) {
	return f.st.ProfileFor(ctx, kiosk)
}

func (s *kioskAPI) handleProfile(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.callers.ownKiosk(w, r)
	if !ok {
		return
	}
	v, b, err := s.fleet.profileFor(r.Context(), kiosk)
	switch {
	case err != nil:
		httpx.Unavailable(w, "profile")
	case v == 0:
		httpx.Fail(w, http.StatusNotFound, "no profile published")
	case r.Header.Get("If-None-Match") == strconv.Quote(strconv.Itoa(v)):
		w.WriteHeader(http.StatusNotModified)
	default:
		sig, err := profilesig.Sign(s.sign, v, b)
		if err != nil {
			httpx.Unavailable(w, "profile")
			return
		}
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(v)))
		w.Header().Set(profilesig.Header, sig)
		w.Header().Set("Content-Type", "application/zip")
		w.Write(b)
	}
}

func (s *kioskAPI) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.callers.ownKiosk(w, r)
	if !ok || s.refuseWhenFull(w) {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, "heartbeat: "+err.Error())
		return
	}
	hb, err := wire.DecodeHeartbeat(body)
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := s.storeHeartbeat(r.Context(), kiosk, hb, s.now().UTC()); err != nil {
		httpx.Unavailable(w, "heartbeat")
		return
	}
	if len(hb.GuideCalls) > 0 {
		s.hub.Publish(CallsTopic)
	}
	v, _, err := s.fleet.profileFor(r.Context(), kiosk)
	if err != nil {
		httpx.Unavailable(w, "profile")
		return
	}
	site, err := s.st.KioskSite(r.Context(), kiosk)
	if err != nil {
		httpx.Unavailable(w, "site")
		return
	}
	key, err := s.fleet.SiteKey(r.Context(), site)
	if err != nil {
		httpx.Unavailable(w, "site key")
		return
	}
	block, size, err := s.queue.Block(r.Context(), site, kiosk)
	if err != nil {
		httpx.Unavailable(w, "queue block")
		return
	}
	httpx.JSON(w, http.StatusOK, wire.HeartbeatReply{ProfileVersion: v, SiteKey: key, QueueBlock: block, QueueBlockSize: size, PublicURL: s.publicURL})
}

func (s *kioskAPI) storeHeartbeat(ctx context.Context, kiosk int64, hb wire.Heartbeat, now time.Time) error {
	b, err := json.Marshal(hb)
	if err != nil {
		return err
	}
	return s.st.StoreHeartbeat(ctx, kiosk, store.Heartbeat{At: now, Status: b,
		Done:    hb.Outbox["acknowledged"] + hb.Outbox["accepted"] + hb.Outbox["rejected"],
		Waiting: hb.Outbox["queued"] + hb.Outbox["sending"], Calls: hb.GuideCalls})
}

// KioskInfo is one kiosk of the fleet, for `lotse-portal kiosks`.
type KioskInfo struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Site       string         `json:"site"`
	Revoked    bool           `json:"revoked"`
	LastSeen   time.Time      `json:"last_seen,omitzero"`
	Status     wire.Heartbeat `json:"status"`
	GuideCalls int            `json:"guide_calls_last_hour"`
	Alarms     []string       `json:"alarms"`
	blockSize  int            // numbers a day in the kiosk's own block at its site
}

// Alarm thresholds: a kiosk silent for 10 minutes is offline; a queue
// that has not moved for an hour is stuck; a kiosk's own block of
// waiting numbers is nearly used up at 80 %.
const (
	OfflineAfter = 10 * time.Minute
	StuckAfter   = time.Hour
)

// Kiosks lists the fleet with the alarms staff must see, as of now.
func (f *Fleet) Kiosks(ctx context.Context, now time.Time) ([]KioskInfo, error) {
	rows, err := f.st.Kiosks(ctx, now.Add(-time.Hour))
	if err != nil {
		return nil, fmt.Errorf("kiosks: %w", err)
	}
	issued, err := f.st.ProfileVersions(ctx)
	if err != nil {
		return nil, fmt.Errorf("kiosks: %w", err)
	}
	var list []KioskInfo
	sizes := map[string]int{} // a site's block size, read once for all its kiosks
	for _, r := range rows {
		k := KioskInfo{ID: r.ID, Name: r.Name, Site: r.Site, Revoked: r.Revoked, LastSeen: r.LastSeen, GuideCalls: r.GuideCalls}
		size, ok := sizes[r.Site]
		if !ok {
			if size, err = f.queue.BlockSize(ctx, r.Site); err != nil {
				return nil, fmt.Errorf("kiosks: %w", err)
			}
			sizes[r.Site] = size
		}
		k.blockSize = size
		if r.Status != nil {
			json.Unmarshal(r.Status, &k.Status)
		}
		k.Alarms = alarms(k, r.OutboxMoved, now)
		if a := f.pace.alarm(r.ID, now); a != "" && !k.Revoked {
			k.Alarms = append(k.Alarms, a)
			sort.Strings(k.Alarms)
		}
		if v := k.Status.ProfileVersion; v > 0 && !issued[v] && !k.Revoked {
			// Only a forged or foreign bundle can be running there.
			k.Alarms = append(k.Alarms, fmt.Sprintf("runs profile version %d, which this portal never issued", v))
			sort.Strings(k.Alarms)
		}
		list = append(list, k)
	}
	return list, nil
}

func alarms(k KioskInfo, outboxMoved, now time.Time) []string {
	var a []string
	switch {
	case k.Revoked:
		return []string{"revoked"}
	case k.LastSeen.IsZero():
		a = append(a, "never reported")
	case now.Sub(k.LastSeen) > OfflineAfter:
		a = append(a, fmt.Sprintf("offline for %s", now.Sub(k.LastSeen).Round(time.Minute)))
	}
	p := k.Status.Printer
	switch {
	case !p.Configured:
	case p.Problem != "":
		a = append(a, "printer: "+p.Problem)
	case p.PaperNearEnd:
		a = append(a, "printer: paper near end")
	case p.NoStatus:
		a = append(a, "printer: does not report status (tickets sent, not confirmed)")
	}
	if r := k.Status.Reader; r.Configured && r.Problem != "" {
		a = append(a, "card reader: "+r.Problem)
	}
	if waiting := k.Status.Outbox["queued"] + k.Status.Outbox["sending"]; waiting > 0 && !outboxMoved.IsZero() && now.Sub(outboxMoved) > StuckAfter {
		a = append(a, fmt.Sprintf("outbox stuck: %d waiting, nothing sent for %s", waiting, now.Sub(outboxMoved).Round(time.Minute)))
	}
	if k.Status.ProfileError != "" {
		a = append(a, "profile refused: "+k.Status.ProfileError)
	}
	if k.GuideCalls > 0 {
		a = append(a, fmt.Sprintf("guide called (%d in the last hour)", k.GuideCalls))
	}
	for prefix, n := range k.Status.OfflineUsed {
		if size := k.blockSize; n >= size*8/10 {
			a = append(a, fmt.Sprintf("offline numbers: %s %d of %d used today", prefix, n, size))
		}
	}
	if k.Status.FreeDiskBytes > 0 && k.Status.FreeDiskBytes < 200<<20 {
		a = append(a, fmt.Sprintf("disk nearly full: %d MB free", k.Status.FreeDiskBytes>>20))
	}
	sort.Strings(a)
	return a
}
