package kiosk

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"

	"lotse/app/config"
	"lotse/sync/client"
	"lotse/sync/identity"
	"lotse/sync/outbox"
)

// ClientOptions are the sync client's settings from the configuration.
func ClientOptions(cfg config.Config) client.Options {
	return client.Options{CAFile: cfg.Portal.CAFile}
}

// StartSync runs the sync client in the background of the kiosk, enrolling
// the demo kiosk at its own portal first.
func StartSync(ctx context.Context, cfg config.Config, db *sql.DB, out *outbox.Outbox, demoEnroll func(context.Context) (string, error)) *client.Client {
	id, err := identity.Load(ctx, db)
	if err == nil && demoEnroll != nil && id.Portal != cfg.Portal.URL {
		// The demo portal's old port was taken: follow it to the new one.
		if err := identity.MovePortal(ctx, db, cfg.Portal.URL); err != nil {
			slog.Error("demo portal moved", "err", err)
		}
	}
	if err == nil && demoEnroll != nil && id.SigningKey == nil {
		// Enrolled before profiles were signed: the demo enrols again.
		err = identity.ErrNotEnrolled
	}
	if errors.Is(err, identity.ErrNotEnrolled) && demoEnroll != nil {
		code, err := demoEnroll(ctx)
		if err == nil {
			_, err = client.Enroll(ctx, db, cfg.Portal.URL, code, cfg.Kiosk.Name, ClientOptions(cfg))
		}
		if err != nil {
			slog.Error("demo enrolment", "err", err)
			return nil
		}
		slog.Info("demo kiosk enrolled at its portal", "portal", cfg.Portal.URL)
	}
	c, err := client.New(ctx, db, out, ClientOptions(cfg))
	if err != nil {
		slog.Warn("not syncing", "err", err)
		return nil
	}
	go c.Run(ctx)
	return c
}
