// Package assets embeds what the kiosk ships with: the default configuration,
// the demo service catalogue and the screen texts.
package assets

import "embed"

// FS holds config/, services/, i18n/, printers/ (profiles) and print/ (ticket and receipt layouts).
//
//go:embed config services i18n printers print
var FS embed.FS
