package storetest

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"lotse/sync/portal/store"
)

var slot = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

func booking(site, key, contact string, start time.Time) store.Book {
	return store.Book{Appointment: store.Appointment{Site: site, Service: "ausweis", Start: start, Code: "T-" + key,
		SecretHash: "h-" + key, ContactKey: contact, Sealed: "jwe-" + key, Lang: "de", Key: key},
		Capacity: 2, MaxPerContact: 2, Now: now}
}

// bookingRace: many clients racing for the last seats of a time, many
// times over — never more appointments than counters, every client a
// clear answer.
func bookingRace(t *testing.T, s store.Store) {
	const rounds, clients = 15, 8
	for r := range rounds {
		start := slot.Add(time.Duration(r) * 20 * time.Minute)
		var wg sync.WaitGroup
		var mu sync.Mutex
		got, full := 0, 0
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, fresh, err := s.Book(ctx, booking("rathaus", fmt.Sprintf("r%d-c%d", r, c), fmt.Sprintf("contact-%d-%d", r, c), start))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && fresh:
					got++
				case errors.Is(err, store.ErrSlotFull):
					full++
				default:
					t.Errorf("round %d: %v (fresh %v)", r, err, fresh)
				}
			}()
		}
		wg.Wait()
		if got != 2 || full != clients-2 {
			t.Fatalf("round %d: %d booked, %d told full; want 2 and %d", r, got, full, clients-2)
		}
		taken, err := s.Taken(ctx, "rathaus", "ausweis", start, start, now)
		if err != nil || taken[start] != 2 {
			t.Fatalf("round %d: taken %v %v", r, taken, err)
		}
	}
}

// bookingRetries: one key, sent again and again and at once, is one
// appointment.
func bookingRetries(t *testing.T, s store.Store) {
	var wg sync.WaitGroup
	ids := make(chan int64, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, _, err := s.Book(ctx, booking("rathaus", "same-key", "c1", slot))
			if err != nil {
				t.Error(err)
				return
			}
			ids <- a.ID
		}()
	}
	wg.Wait()
	close(ids)
	first := int64(0)
	for id := range ids {
		if first == 0 {
			first = id
		}
		if id != first {
			t.Fatalf("one key gave appointments %d and %d", first, id)
		}
	}
	list, _ := s.Appointments(ctx, "rathaus", slot, slot.Add(time.Minute))
	taken, _ := s.Taken(ctx, "rathaus", "ausweis", slot, slot, now)
	if len(list) != 1 || taken[slot] != 1 {
		t.Fatalf("%d appointments, %d taken for one key", len(list), taken[slot])
	}
	// A key kept with its request's hash: the same request is a retry,
	// another one under the key is refused and learns nothing.
	b := booking("rathaus", "hashed-key", "c2", slot.Add(time.Hour))
	b.KeyBody = "hash-of-fatmas-request"
	fatma, _, err := s.Book(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if again, _, err := s.Book(ctx, b); err != nil || again.ID != fatma.ID {
		t.Errorf("the same request again: %v %v", again.ID, err)
	}
	b.KeyBody, b.Start = "hash-of-mallorys-request", slot.Add(2*time.Hour)
	if got, _, err := s.Book(ctx, b); !errors.Is(err, store.ErrKeyReused) || got.Code != "" {
		t.Errorf("another request under the key: %+v %v", got, err)
	}
	// Unconfirmed: listed once old enough, counted against the contact,
	// cancelled like a booking.
	u := booking("rathaus", "unconfirmed-1", "c3", slot.Add(3*time.Hour))
	u.State = store.Unconfirmed
	a, _, err := s.Book(ctx, u)
	if err != nil || a.State != store.Unconfirmed {
		t.Fatalf("unconfirmed: %+v %v", a, err)
	}
	if list, _ := s.Unconfirmed(ctx, "rathaus", now); len(list) != 0 {
		t.Errorf("unconfirmed before it was booked: %d", len(list))
	}
	if list, _ := s.Unconfirmed(ctx, "rathaus", now.Add(time.Minute)); len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("unconfirmed after: %+v", list)
	}
	for i := range 2 {
		c := booking("rathaus", fmt.Sprint("c3-", i), "c3", slot.Add(time.Duration(4+i)*time.Hour))
		if _, _, err := s.Book(ctx, c); i == 1 && !errors.Is(err, store.ErrContactLimit) || i == 0 && err != nil {
			t.Errorf("booking %d of a contact holding an unconfirmed one: %v", i+2, err)
		}
	}
	if ok, err := s.Cancel(ctx, a.ID, now, now); !ok || err != nil {
		t.Errorf("cancel an unconfirmed one: %v %v", ok, err)
	}
}

// bookingRules: the contact's limit, a cancelled time held for the pause
// and then free, check-in, forgetting contacts, the booking file.
func bookingRules(t *testing.T, s store.Store) {
	for i, start := range []time.Time{slot, slot.Add(time.Hour)} {
		if _, _, err := s.Book(ctx, booking("rathaus", fmt.Sprintf("k%d", i), "same-phone", start)); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Book(ctx, booking("rathaus", "k3", "same-phone", slot.Add(2*time.Hour))); !errors.Is(err, store.ErrContactLimit) {
		t.Fatalf("a third appointment for one phone: %v", err)
	}
	// Another site's limit is its own.
	if _, _, err := s.Book(ctx, booking("bibliothek", "k3", "same-phone", slot)); err != nil {
		t.Fatalf("another site: %v", err)
	}

	// Fill the time, cancel one: it stays taken until its pause is over.
	second, _, err := s.Book(ctx, booking("rathaus", "k4", "other", slot))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Book(ctx, booking("rathaus", "k5", "third", slot)); !errors.Is(err, store.ErrSlotFull) {
		t.Fatalf("a third booking of a full time: %v", err)
	}
	release := now.Add(30 * time.Minute)
	if ok, err := s.Cancel(ctx, second.ID, now, release); !ok || err != nil {
		t.Fatalf("cancel: %v %v", ok, err)
	}
	if ok, _ := s.Cancel(ctx, second.ID, now, release); ok {
		t.Error("cancelled twice")
	}
	if taken, _ := s.Taken(ctx, "rathaus", "ausweis", slot, slot, now.Add(time.Minute)); taken[slot] != 2 {
		t.Errorf("during the pause: %d taken, want 2", taken[slot])
	}
	during := booking("rathaus", "k6", "fourth", slot)
	during.Now = now.Add(time.Minute)
	if _, _, err := s.Book(ctx, during); !errors.Is(err, store.ErrSlotFull) {
		t.Fatalf("booked during the pause: %v", err)
	}
	later := now.Add(31 * time.Minute)
	if taken, _ := s.Taken(ctx, "rathaus", "ausweis", slot, slot, later); taken[slot] != 1 {
		t.Errorf("after the pause: %d taken, want 1", taken[slot])
	}
	after := booking("rathaus", "k7", "fifth", slot)
	after.Now = later
	if _, _, err := s.Book(ctx, after); err != nil {
		t.Fatalf("after the pause: %v", err)
	}
	if taken, _ := s.Taken(ctx, "rathaus", "ausweis", slot, slot, later); taken[slot] != 2 {
		t.Errorf("booked again after the pause: %d taken, want 2", taken[slot])
	}

	a, err := s.AppointmentByCode(ctx, "rathaus", "T-k0")
	if err != nil || a.Start != slot || a.State != store.Booked || a.Sealed != "jwe-k0" {
		t.Fatalf("by code: %+v %v", a, err)
	}
	if _, err := s.AppointmentByCode(ctx, "rathaus", "T-nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown code: %v", err)
	}
	if ok, _ := s.SetAppointmentState(ctx, a.ID, []string{store.Booked}, store.CheckedIn, "T001"); !ok {
		t.Error("check-in refused")
	}
	if ok, _ := s.SetAppointmentState(ctx, a.ID, []string{store.Booked}, store.CheckedIn, "T002"); ok {
		t.Error("checked in twice")
	}
	if n, err := s.ForgetContacts(ctx, "rathaus", slot.Add(time.Minute)); err != nil || n != 3 {
		t.Errorf("forgot %d contacts (%v), want the 3 of 9:00", n, err)
	}
	if a, _ := s.AppointmentByCode(ctx, "rathaus", "T-k1"); a.Sealed == "" {
		t.Error("a later appointment's contact was forgotten")
	}

	if _, err := s.BookingConfig(ctx, "rathaus"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no booking file yet: %v", err)
	}
	s.SetBookingConfig(ctx, "rathaus", "a = 1", now)
	s.SetBookingConfig(ctx, "rathaus", "a = 2", now)
	if text, _ := s.BookingConfig(ctx, "rathaus"); text != "a = 2" {
		t.Errorf("booking file %q", text)
	}
	if sites, _ := s.BookingSites(ctx); len(sites) != 1 || sites[0] != "rathaus" {
		t.Errorf("sites %v", sites)
	}
}

// queueAppointmentsFirst: a checked-in appointment is called before the
// walk-ins who came earlier, once it is due; before, it waits.
func queueAppointmentsFirst(t *testing.T, s store.Store) {
	draw := func(prefix, key string, at, due time.Time) {
		if _, err := s.Draw(ctx, store.Draw{Site: "rathaus", Day: "2026-12-01", Prefix: prefix, Lang: "de", Kiosk: 1, Key: key,
			At: at, DueAt: due}); err != nil {
			t.Fatal(err)
		}
	}
	draw("A", "walk-in-1", now, time.Time{})
	draw("A", "walk-in-2", now.Add(time.Minute), time.Time{})
	draw("T", "appointment-9:30", now.Add(2*time.Minute), now.Add(25*time.Minute))
	draw("T", "appointment-9:10", now.Add(3*time.Minute), now.Add(5*time.Minute))
	next := func(at time.Time) string {
		tk, err := s.CallNext(ctx, "rathaus", "2026-12-01", "Schalter 1", []string{"A", "T"}, at, at)
		if err != nil {
			return err.Error()
		}
		return tk.Label
	}
	// At 9:04 no appointment is due: the walk-ins in their order.
	if got := next(now.Add(4 * time.Minute)); got != "A001" {
		t.Errorf("at 9:04: %s, want A001", got)
	}
	// At 9:06 the 9:10 appointment (due 9:05) goes before the walk-in.
	if got := next(now.Add(6 * time.Minute)); got != "T002" {
		t.Errorf("at 9:06: %s, want T002 (the appointment due)", got)
	}
	if got := next(now.Add(7 * time.Minute)); got != "A002" {
		t.Errorf("at 9:07: %s, want A002", got)
	}
	// The 9:30 appointment is not called before it is due.
	if got := next(now.Add(8 * time.Minute)); !strings.Contains(got, "nobody") {
		t.Errorf("at 9:08: %s, want nobody (the 9:30 appointment waits)", got)
	}
	if got := next(now.Add(26 * time.Minute)); got != "T001" {
		t.Errorf("at 9:26: %s, want T001", got)
	}
}

// heldTimes: a time held for a kiosk counts against capacity, is listed
// for that kiosk only, is claimed once with the resident's sealed name
// (and only by its kiosk), and a cancelled one is not claimed.
func heldTimes(t *testing.T, s store.Store) {
	start := slot.Add(24 * time.Hour)
	held := func(key string, kiosk int64) store.Appointment {
		b := booking("rathaus", key, "", start)
		b.State, b.Kiosk, b.Sealed = store.Held, kiosk, ""
		a, _, err := s.Book(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	h3, h4 := held("held:3", 3), held("held:4", 4)
	if h3.State != store.Held || h3.Sealed != "" {
		t.Fatalf("held %+v", h3)
	}
	if _, _, err := s.Book(ctx, booking("rathaus", "home", "", start)); !errors.Is(err, store.ErrSlotFull) {
		t.Fatalf("a third booking beside two held times: %v", err)
	}
	list, err := s.HeldBy(ctx, "rathaus", 3, now)
	if err != nil || len(list) != 1 || list[0].Code != h3.Code {
		t.Fatalf("held by kiosk 3: %+v %v", list, err)
	}
	if ok, err := s.ClaimHeld(ctx, "rathaus", h3.Code, 4, "jwe", "ck", "tr", now); ok || err != nil {
		t.Fatalf("kiosk 4 claims kiosk 3's time: %v %v", ok, err)
	}
	if ok, err := s.ClaimHeld(ctx, "rathaus", h3.Code, 3, "jwe", "ck", "tr", now); !ok || err != nil {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if ok, _ := s.ClaimHeld(ctx, "rathaus", h3.Code, 3, "jwe2", "ck", "tr", now); ok {
		t.Fatal("claimed twice")
	}
	a, err := s.AppointmentByCode(ctx, "rathaus", h3.Code)
	if err != nil || a.State != store.Booked || a.Sealed != "jwe" || a.Lang != "tr" {
		t.Fatalf("claimed %+v %v", a, err)
	}
	if ok, err := s.Cancel(ctx, h4.ID, now, now); !ok || err != nil {
		t.Fatalf("give back: %v %v", ok, err)
	}
	if ok, _ := s.ClaimHeld(ctx, "rathaus", h4.Code, 4, "jwe", "ck", "tr", now); ok {
		t.Fatal("claimed a time given back")
	}
	if list, _ := s.HeldBy(ctx, "rathaus", 4, now); len(list) != 0 {
		t.Fatalf("held by kiosk 4 after giving back: %+v", list)
	}
}
