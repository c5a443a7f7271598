package ui

import (
	"fmt"
	"testing"
)

func TestZZMinSizes(t *testing.T) {
	v := newVisit(t, demoCatalogue(t), nil)
	for _, s := range v.k.Screens() {
		s.Show()
		if m := v.win.Content().MinSize(); m.Height > 790 || m.Width > 1270 {
			fmt.Println(s.Name, m)
		}
	}
}
