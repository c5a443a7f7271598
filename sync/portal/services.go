package portal

import (
	"crypto/rsa"
	"time"

	"lotse/sync/portal/queue"
	"lotse/sync/portal/store"
)

// The portal's domain, as plain services that know no HTTP: the kiosk
// API, the staff pages and lotse-portal's commands call them alike.

// Fleet is the kiosks as the office manages them: their sites, the
// profiles published for them, the sites' keys and the card and PIN
// hashes made with them, and the fleet list with its alarms.
type Fleet struct {
	st    store.Store
	now   func() time.Time
	queue *queue.Service
	pace  *kioskPace
}

// Enrolment hands out enrolment codes, enrols kiosks with them, knows a
// kiosk by its token and revokes it.
type Enrolment struct {
	st  store.Store
	now func() time.Time
	// The public keys as SPKI DER, as kiosks receive them at enrolment
	// and enrolment codes fingerprint them.
	pubDER, signPubDER []byte
}

// Cases are the residents' submissions: opened, decided, counted and
// exported for the office's case-work.
type Cases struct {
	st  store.Store
	now func() time.Time
	key *rsa.PrivateKey // opens the sealed submissions
	kid string
}

// Fleet is the portal's fleet service.
func (s *Server) Fleet() *Fleet { return s.fleet }

// Enrolment is the portal's enrolment service.
func (s *Server) Enrolment() *Enrolment { return s.enrolment }

// Cases is the portal's case service.
func (s *Server) Cases() *Cases { return s.cases }

// callers tells who calls the /v1 API: a kiosk by its credential (and,
// for /v1/kiosks/{id}/…, only as itself), or a resident at a resident's
// pace; it answers the refusals itself.
type callers struct {
	enrolment *Enrolment
	st        store.Store
	residents *Residents
	security  *securityLog
}
