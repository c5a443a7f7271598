package portal

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	jose "github.com/go-jose/go-jose/v4"

	"lotse/sync/portal/internal/httpx"
	"lotse/sync/portal/store"
	"lotse/sync/refcode"
	"lotse/sync/seal"
	"lotse/sync/wire"
)

// maxBigBatches batches over 1 MiB are read at once; more wait for one to
// finish (32 × 5 MB batches at once took 629 MB before).
const maxBigBatches = 4

func (s *kioskAPI) handleEnroll(w http.ResponseWriter, r *http.Request) {
	addr := httpx.ClientAddr(r)
	if s.enrolLimits.blocked(addr) {
		httpx.TooMany(w, 3*time.Minute, "too many failed enrolments; try again in a few minutes")
		return
	}
	var req wire.EnrollRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&req); err != nil {
		s.enrolLimits.failed(addr)
		httpx.Fail(w, http.StatusBadRequest, "malformed JSON")
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" {
		req.Name = "Kiosk"
	}
	if err := CheckKioskName(req.Name); err != nil {
		httpx.Fail(w, http.StatusBadRequest, err.Error())
		return
	}
	id, token, err := s.enrolment.enroll(r.Context(), req.Code, req.Name)
	if errors.Is(err, errBadEnrollCode) {
		s.enrolLimits.failed(addr)
		httpx.Fail(w, http.StatusForbidden, err.Error())
		return
	}
	if err != nil {
		slog.Error("enrol", "err", err)
		httpx.Unavailable(w, "enrolment failed")
		return
	}
	pub, _ := seal.EncodePublic(&s.key.PublicKey)
	siteKey, err := s.fleet.kioskSiteKey(r.Context(), id)
	if err != nil {
		httpx.Unavailable(w, "enrolment failed")
		return
	}
	slog.Info("kiosk enrolled", "kiosk", id)
	httpx.JSON(w, http.StatusCreated, wire.EnrollReply{KioskID: id, Number: int(id - 1), Token: token, PublicKey: pub, KeyID: s.kid,
		SigningKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: s.signPubDER})), SiteKey: siteKey})
}

// kiosk authenticates a request; it writes the refusal and returns false.
func (c *callers) kiosk(w http.ResponseWriter, r *http.Request) (int64, bool) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lotse-portal"`)
		httpx.Fail(w, http.StatusUnauthorized, "credential missing: want Authorization: Bearer TOKEN")
		return 0, false
	}
	id, err := c.enrolment.authenticate(r.Context(), token)
	switch {
	case errors.Is(err, errUnauthenticated):
		w.Header().Set("WWW-Authenticate", `Bearer realm="lotse-portal", error="invalid_token"`)
		httpx.Fail(w, http.StatusUnauthorized, "not enrolled: unknown credential")
		return 0, false
	case errors.Is(err, errRevoked):
		httpx.Fail(w, http.StatusForbidden, "this kiosk has been revoked")
		return 0, false
	case err != nil:
		httpx.Unavailable(w, "authentication failed")
		return 0, false
	}
	return id, true
}

// ownKiosk authenticates like kiosk and also requires the path's {id} to
// be the caller's: a kiosk reads and reports only for itself.
func (c *callers) ownKiosk(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := c.kiosk(w, r)
	if ok && r.PathValue("id") != strconv.FormatInt(id, 10) {
		httpx.Fail(w, http.StatusForbidden, "a kiosk may only use its own "+r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:])
		return 0, false
	}
	return id, ok
}

func (s *kioskAPI) handleEnvelopes(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.callers.kiosk(w, r)
	if !ok || s.refuseWhenFull(w) {
		return
	}
	if r.ContentLength < 0 || r.ContentLength > 1<<20 {
		select {
		case s.bigBatches <- struct{}{}:
			defer func() { <-s.bigBatches }()
		case <-time.After(10 * time.Second):
			w.Header().Set("Retry-After", "30")
			httpx.Fail(w, http.StatusServiceUnavailable, "busy with other large batches, try again")
			return
		case <-r.Context().Done():
			return
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, wire.MaxBatchBytes+1))
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, "reading the request: "+err.Error())
		return
	}
	if len(body) > wire.MaxBatchBytes {
		httpx.Fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("batch larger than %d bytes", wire.MaxBatchBytes))
		return
	}
	batch, err := wire.DecodeBatch(body)
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, err.Error())
		return
	}
	if len(batch.Envelopes) > wire.MaxBatch {
		httpx.Fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("batch of %d envelopes, at most %d", len(batch.Envelopes), wire.MaxBatch))
		return
	}
	// Opening every envelope costs an RSA decryption each: done here, on
	// the request's goroutine, so the group committer only writes.
	refusals := make([]string, len(batch.Envelopes))
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range min(runtime.GOMAXPROCS(0), len(batch.Envelopes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(batch.Envelopes); i = int(next.Add(1) - 1) {
				refusals[i] = s.refuse(kiosk, batch.Envelopes[i])
			}
		}()
	}
	wg.Wait()
	results, err := s.storeBatch(r.Context(), kiosk, batch.Envelopes, refusals)
	if err != nil {
		slog.Warn("store batch", "kiosk", kiosk, "err", err)
		httpx.Unavailable(w, "storage")
		return
	}
	for _, res := range results {
		if res.Status == http.StatusUnprocessableEntity && !res.Replayed {
			s.security.refused(r, res.Status, "envelope refused: "+res.Error)
		}
	}
	httpx.JSON(w, http.StatusOK, wire.BatchReply{Results: results})
}

// storeBatch stores a batch through the group committer: batches that
// arrive together share one transaction and one fsync, so 200 kiosks
// sending at once wait for a few commits, not for 200.
func (s *kioskAPI) storeBatch(ctx context.Context, kiosk int64, envs []seal.Envelope, refusals []string) ([]wire.ItemResult, error) {
	job := &commitJob{job: &store.Job{Kiosk: kiosk, Envs: envs, Refusals: refusals, Quota: s.quota,
		Results: make([]wire.ItemResult, len(envs))}, done: make(chan error, 1)}
	for _, e := range envs {
		job.job.Hashes = append(job.job.Hashes, bodyHash(e))
	}
	return s.commits.submit(ctx, kiosk, job)
}

var errShuttingDown = errors.New("portal shutting down")

// commitJob is one batch waiting for the group committer.
type commitJob struct {
	job  *store.Job // 409s (a key this instance is storing already) are filled in before
	done chan error
}

// maxGroup bounds how many batches share one transaction.
const maxGroup = 64

// bodyHash fingerprints an envelope for the idempotency check.
func bodyHash(e seal.Envelope) string {
	b, _ := json.Marshal(e)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

type protectedHeader struct {
	Alg string `json:"alg"`
	Enc string `json:"enc"`
	Kid string `json:"kid"`
}

// jweHeader reads the protected header of a compact JWE: at ingest the
// portal only checks it; decryption happens at export.
func jweHeader(compact string) (protectedHeader, error) {
	var h protectedHeader
	parts := strings.Split(compact, ".")
	if len(parts) != 5 {
		return h, errors.New("not compact JWE")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return h, err
	}
	return h, json.Unmarshal(raw, &h)
}

// refuse says why an envelope from kiosk can never be stored ("" when it
// can). The portal holds the key, so it opens every envelope at once: a
// tampered ciphertext, clear fields that differ from the sealed ones, or
// a reference code of another kiosk are refused now, with a 422 the kiosk
// sees, instead of stopping an export weeks later.
func (s *kioskAPI) refuse(kiosk int64, e seal.Envelope) string {
	hdr, err := jweHeader(e.JWE)
	if err != nil || hdr.Alg != string(jose.RSA_OAEP_256) || hdr.Enc != string(jose.A256GCM) {
		return "not a JWE sealed with RSA-OAEP-256 and A256GCM"
	}
	if hdr.Kid != s.kid {
		return "unknown key id " + strconv.Quote(hdr.Kid)
	}
	code, err := refcode.Parse(e.Code)
	if err != nil {
		return "invalid reference code"
	}
	if code != e.Code {
		// Stored as sent, "lt-7k3m 9qpd" would pass the uniqueness check
		// beside LT-7K3M-9QPD.
		return "reference code not in its normal form " + code
	}
	if n, _ := refcode.KioskNumber(code); int64(n) != kiosk-1 {
		return "reference code of another kiosk"
	}
	if _, _, err := seal.Open(e, map[string]*rsa.PrivateKey{s.kid: s.key}); err != nil {
		return "sealed content does not open or does not match its clear fields"
	}
	return ""
}

func (s *kioskAPI) handleChanges(w http.ResponseWriter, r *http.Request) {
	kiosk, ok := s.callers.ownKiosk(w, r)
	if !ok {
		return
	}
	since, _ := strconv.ParseInt(r.URL.Query().Get("since"), 10, 64)
	changes, err := s.st.Changes(r.Context(), kiosk, since, 500)
	if err != nil {
		httpx.Unavailable(w, "storage")
		return
	}
	reply := wire.ChangesReply{Changes: []wire.ChangeItem{}, Cursor: strconv.FormatInt(since, 10)}
	for _, c := range changes {
		reply.Changes = append(reply.Changes, wire.ChangeItem{Code: c.Code, State: c.State, Reason: c.Reason})
		reply.Cursor = strconv.FormatInt(c.Seq, 10)
	}
	httpx.JSON(w, http.StatusOK, reply)
}

// caseStatus is the page a receipt's QR code leads to: how the case
// stands, in plain German, without any personal data.
// handleCaseStatus tells a kiosk how far a reference code's matter has
// got, for a resident who asks there ("Stand abfragen"): what the public
// status page shows, no more.
func (s *kioskAPI) handleCaseStatus(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.callers.ownKiosk(w, r); !ok {
		return
	}
	code, err := refcode.Parse(r.PathValue("code"))
	if err != nil {
		httpx.Fail(w, http.StatusBadRequest, "not a reference code")
		return
	}
	c, err := s.st.Case(r.Context(), code)
	if errors.Is(err, store.ErrNotFound) {
		httpx.Fail(w, http.StatusNotFound, "no such case")
		return
	}
	if err != nil {
		httpx.Unavailable(w, "case status")
		return
	}
	httpx.JSON(w, http.StatusOK, wire.CaseStatus{State: c.State, Reason: c.Reason})
}

// CheckKioskName refuses names an admin's terminal or the fleet view
// would show wrong: control characters, invalid UTF-8, over 64 characters.
func CheckKioskName(name string) error {
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > 64 {
		return errors.New("kiosk name: at most 64 characters of valid UTF-8")
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf) {
			return errors.New("kiosk name: control characters are not allowed")
		}
	}
	if !wire.LatinLetters(name) {
		return errors.New("kiosk name: Latin letters only (a Greek Κ looks like K)")
	}
	return nil
}

// groupCommitter stores the kiosks' batches: those that arrive together
// share one transaction and one fsync, so 200 kiosks sending at once wait
// for a few commits, not for 200.
type groupCommitter struct {
	st   store.Store
	now  func() time.Time
	jobs chan *commitJob // batches waiting
	done chan struct{}   // closed when run ends

	mu       sync.Mutex
	inFlight map[string]bool // kiosk/key of requests being stored
}

func newGroupCommitter(st store.Store, now func() time.Time) *groupCommitter {
	return &groupCommitter{st: st, now: now, jobs: make(chan *commitJob, 256), done: make(chan struct{}), inFlight: map[string]bool{}}
}

// submit stores job in the next group; a key of the kiosk this instance
// is storing already is a 409 in the job's results.
func (g *groupCommitter) submit(ctx context.Context, kiosk int64, job *commitJob) ([]wire.ItemResult, error) {
	envs := job.job.Envs
	var mine []string
	g.mu.Lock()
	for i, e := range envs {
		flight := strconv.FormatInt(kiosk, 10) + "/" + e.ID
		if g.inFlight[flight] {
			job.job.Results[i] = wire.ItemResult{ID: e.ID, Status: http.StatusConflict, Error: "a request with this key is in progress"}
			continue
		}
		g.inFlight[flight] = true
		mine = append(mine, flight)
	}
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		for _, f := range mine {
			delete(g.inFlight, f)
		}
		g.mu.Unlock()
	}()
	select {
	case g.jobs <- job:
	case <-g.done:
		return nil, errShuttingDown
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	// The job runs to its end even if the kiosk hangs up: it is idempotent,
	// and the in-flight marks must stay until it has.
	select {
	case err := <-job.done:
		if err != nil {
			return nil, err
		}
		return job.job.Results, nil
	case <-g.done:
		return nil, errShuttingDown
	}
}

// run runs until ctx ends, storing groups of waiting batches in
// one transaction each.
func (g *groupCommitter) run(ctx context.Context) {
	defer close(g.done)
	for {
		var job *commitJob
		select {
		case job = <-g.jobs:
		case <-ctx.Done():
			return
		}
		group := []*commitJob{job}
	gather:
		for len(group) < maxGroup {
			select {
			case j := <-g.jobs:
				group = append(group, j)
			default:
				break gather
			}
		}
		err := g.commitGroup(group)
		for _, j := range group {
			j.done <- err
		}
	}
}

func (g *groupCommitter) commitGroup(group []*commitJob) error {
	jobs := make([]*store.Job, len(group))
	for i, j := range group {
		jobs[i] = j.job
	}
	return g.st.Ingest(context.Background(), jobs, g.now())
}
