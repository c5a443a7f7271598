// Package assets embeds what the kiosk ships with: the default configuration,
// the demo service catalogue and the screen texts.
package assets

import "embed"

// FS holds config/, services/, i18n/, printers/ (profiles), print/ (ticket
// and receipt layouts) and profile/ (the demo's profile for its portal).
//
//go:embed config services i18n printers print profile booking
var FS embed.FS
