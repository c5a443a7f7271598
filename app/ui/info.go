package ui

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // catalogue pictures
	"log/slog"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"lotse/app/flow"
	"lotse/app/ui/widgets"
)

func (k ticketScreens) showInfo(svc flow.Service) {
	var tiles []fyne.CanvasObject
	if k.deps.Cases != nil {
		// A code from a receipt: how far the matter has got. Here too,
		// where a resident looking for information about their matter
		// looks; the receipt's QR code at the scanner works anywhere.
		tiles = append(tiles, widgets.NewTile(k.v.tr.T("status_tile"), nil, func() {
			k.push(func() { k.showInfo(svc) }, func() { k.showStatusAsk("") })
		}))
	}
	loc := k.texts.tService(svc)
	for i, p := range loc.Pages {
		tiles = append(tiles, widgets.NewTile(p.Title, nil, func() {
			k.push(func() { k.showInfo(svc) }, func() { k.showInfoPage(svc, i) })
		}))
	}
	k.display(screen{name: svc.ID, bar: true, redraw: func() { k.showInfo(svc) },
		content: container.NewBorder(heading(loc.Title), nil, nil, nil, tileGrid(tiles...))})
}

func (k ticketScreens) showInfoPage(svc flow.Service, i int) {
	p := k.texts.tService(svc).Pages[i]
	text := p.Text
	if p.OpeningHours && k.deps.Hours.Known() {
		text = strings.TrimSpace(k.deps.Hours.Format(k.v.tr, "–", "\n") + "\n\n" + text)
	}
	var body fyne.CanvasObject = paragraph(text)
	if pic := k.picture(p.Image); pic != nil {
		body = container.NewBorder(nil, nil, pic, nil, body)
	}
	var foot fyne.CanvasObject
	if i+1 < len(svc.Pages) {
		next := widgets.NewTile(k.v.tr.T("info_more"), nil, func() {
			k.push(func() { k.showInfoPage(svc, i) }, func() { k.showInfoPage(svc, i+1) })
		})
		foot = container.NewGridWithColumns(3, next)
	}
	k.display(screen{name: fmt.Sprintf("%s-%d", svc.ID, i+1), bar: true, redraw: func() { k.showInfoPage(svc, i) },
		content: container.NewBorder(heading(p.Title), foot, nil, nil, body)})
}

// picture is a catalogue picture at a readable size, or nil when it is
// missing (the text says it all; staff see the log).
func (k ticketScreens) picture(name string) fyne.CanvasObject {
	if name == "" {
		return nil
	}
	b, err := k.deps.Catalogue.Image(name)
	if err != nil {
		slog.Warn("catalogue picture", "err", err)
		return nil
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		slog.Warn("catalogue picture", "name", name, "err", err)
		return nil
	}
	img := canvas.NewImageFromImage(src)
	img.FillMode = canvas.ImageFillContain
	w := widgets.Size(widgets.SizePicture)
	img.SetMinSize(fyne.NewSize(w, w*0.625))
	return container.NewPadded(img)
}
