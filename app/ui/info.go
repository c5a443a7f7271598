package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"lotse/app/flow"
)

func (k *Kiosk) showInfo(svc flow.Service) {
	var tiles []fyne.CanvasObject
	for i, p := range svc.Pages {
		tiles = append(tiles, NewTile(p.Title, nil, func() {
			k.push(func() { k.showInfo(svc) }, func() { k.showInfoPage(svc, i) })
		}))
	}
	k.show(container.NewBorder(heading(svc.Title), nil, nil, nil, container.NewVBox(tileGrid(tiles...))), true)
}

func (k *Kiosk) showInfoPage(svc flow.Service, i int) {
	p := svc.Pages[i]
	body := container.NewVBox(heading(p.Title), paragraph(p.Text))
	if i+1 < len(svc.Pages) {
		next := NewTile(k.tr.T("info_more"), nil, func() {
			k.push(func() { k.showInfoPage(svc, i) }, func() { k.showInfoPage(svc, i+1) })
		})
		body.Add(container.NewGridWithColumns(3, next))
	}
	k.show(body, true)
}
