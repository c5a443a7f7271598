// Package assets embeds what the kiosk ships with: the default configuration,
// the demo service catalogue and the screen texts.
package assets

import "embed"

// FS holds config/, services/ and i18n/.
//
//go:embed config services i18n
var FS embed.FS
