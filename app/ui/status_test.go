package ui

import (
	"context"
	"net/url"
	"testing"
	"time"

	"lotse/app/internal/testutil"
	"lotse/sync/client"
	"lotse/sync/refcode"
)

// „Stand abfragen“: a resident types the code from a receipt and reads in
// their language how far it has got; a code nobody knows and a typo are
// told apart; the receipt's QR code held to the scanner does the same.
func TestStatusOfAReferenceCode(t *testing.T) {
	db := testutil.DB(t)
	p := testutil.StartPortal(t)
	out, sealer := testutil.Enrolled(t, db, p)
	ctx := context.Background()
	code, err := sealer.Seal(ctx, "anregung", "", map[string]string{"idee": "Mehr Bänke"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(ctx, db, out, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := c.SendOnce(ctx); err != nil || n != 1 {
		t.Fatalf("sent %d: %v", n, err)
	}
	v := newVisitWith(t, Deps{Catalogue: demoCatalogue(t), Desk: testutil.Desk(t, db, nil, time.Now()), Cases: c.Office()})

	v.tap("Informationen")
	v.tap("Stand abfragen")
	v.typeOnScreen("LT-1234")
	v.tap("Weiter")
	v.expect("Das ist kein Vorgangscode.")
	v.k.Home()

	// From the start screen itself, in English.
	v.tap("Sprache")
	v.tap("English")
	v.tap("Check progress")
	v.typeOnScreen(code)
	v.tap("Next")
	v.expect(code, "The office has received your matter and is working on it.")
	v.tap("Done")

	unknown, _ := refcode.New(99)
	v.tap("Informationen")
	v.tap("Stand abfragen")
	v.typeOnScreen(unknown)
	v.tap("Weiter")
	v.expect("Zu diesem Code kennen wir keinen Vorgang.")
	v.k.Home()

	v.k.guide.CardSeen(p.URL + "/s/" + url.PathEscape(code))
	v.expect(code, "Ihr Anliegen ist beim Amt eingegangen")
}
