package escpossim_test

import (
	"os"
	"path/filepath"
	"testing"

	"lotse/devices/escpossim"
)

// BenchmarkRenderTestPage draws node-thermal-printer's test page: a logo,
// styles, barcodes and 2D codes on 80 mm paper.
func BenchmarkRenderTestPage(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "encoders", "node-thermal-printer-example.bin"))
	if err != nil {
		b.Fatal(err)
	}
	cmds, _, _ := escpossim.Parse(raw)
	for b.Loop() {
		if _, err := escpossim.Render(cmds, tmT20); err != nil {
			b.Fatal(err)
		}
	}
}
