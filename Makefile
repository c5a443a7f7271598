# Lotse: `make run` starts the demo kiosk, `make test` runs every test.
# Both install what is missing first (Debian packages through apt-get, with
# sudo when not root) and are quick when everything is there.

SHELL   := /bin/bash
GO      ?= go
VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Fyne needs a UTF-8 locale it can parse (C.UTF-8 makes it log an error).
export LANG := de_DE.UTF-8

# Fyne's cgo build: the X11 and GL headers.
DEB_BUILD := gcc pkg-config libsqlite3-dev libgl1-mesa-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# A real window without a screen, driven like a finger, and photographed;
# the Debian package checks; the kiosk session (cage with Xwayland).
# PostgreSQL: the portal tests start a private throw-away cluster of their own;
# chromium: the staff pages are tested in a real browser (chromedp, axe-core).
DEB_TEST  := xvfb xauth xdotool imagemagick lintian cage xwayland espeak-ng postgresql chromium
# The kiosk's voice and the players for its sound (ALSA, PulseAudio/PipeWire).
DEB_RUN   := espeak-ng alsa-utils pulseaudio-utils

BENCHTIME ?= 5x
FUZZTIME  ?= 30s
SOAK      ?= 2m

# Debian package version: the tag when HEAD is tagged vX.Y.Z, otherwise a
# snapshot version that sorts before the next release.
DEB_VERSION := $(shell v=$$(git describe --tags --match 'v[0-9]*' --exact-match 2>/dev/null); \
	if [ -n "$$v" ]; then echo "$${v#v}"; else echo "0.1.0~git$$(git rev-list --count HEAD 2>/dev/null || echo 0).$$(git rev-parse --short HEAD 2>/dev/null || echo 0)"; fi)
DEB_ARCH    := $(shell dpkg --print-architecture)

.PHONY: all build run run-xvfb test bench soak fuzz package package-test bundle deps-build deps-test deps-run vet lint clean

all: build

# Installs the listed Debian packages that are not installed yet.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) env LANG=C.UTF-8 apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
endef

deps-build:
	$(call apt_install,$(DEB_BUILD))

deps-test: deps-build
	$(call apt_install,$(DEB_TEST))

deps-run:
	$(call apt_install,$(DEB_RUN))

build: deps-build
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/lotse ./app
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/lotse-demo ./app/demo
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/lotse-portal ./sync/portal/cmd/lotse-portal

run: build deps-run
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "make run: no display here (DISPLAY is empty); run the demo under Xvfb instead: make run-xvfb"; exit 1; fi
	bin/lotse-demo

# The demo on a headless machine: a virtual screen, with a screenshot of
# the start screen after 3 s in bin/artifacts/run-xvfb.png.
run-xvfb: build deps-test
	@mkdir -p bin/artifacts
	xvfb-run -a -s "-screen 0 1280x800x24" bash -c \
		'bin/lotse-demo & pid=$$!; sleep 3; import -window root bin/artifacts/run-xvfb.png; \
		 echo "screenshot: bin/artifacts/run-xvfb.png"; wait $$pid'

vet: deps-build
	$(GO) vet ./...

# staticcheck at a fixed version, built from the Go module proxy into
# bin/tools on first use.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := bin/tools/staticcheck-$(STATICCHECK_VERSION)

$(STATICCHECK):
	@mkdir -p bin/tools
	GOBIN=$(CURDIR)/bin/tools $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv bin/tools/staticcheck $@

# gofmt, go vet, staticcheck and a tidy go.mod: part of make test.
lint: vet $(STATICCHECK)
	@out=$$(gofmt -l app devices sync assets); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) mod tidy -diff
	$(STATICCHECK) ./...

# The Debian packages are built first, with the machine to themselves
# (built inside the tests, on a loaded 2-core machine, they once ran past
# go test's 10 minutes); every package then has an explicit budget.
TEST_DIST := $(CURDIR)/bin/test-dist
test: deps-test lint
	rm -rf $(TEST_DIST) && $(MAKE) -s package DIST=$(TEST_DIST)
	LOTSE_TEST_DIST=$(TEST_DIST) $(GO) test -count=1 -timeout 15m ./...

# Benchmarks: start-up time and memory of the real kiosk under Xvfb
# (BENCHTIME starts, 5 by default: BENCHTIME=20x runs longer), the counters
# and the print jobs (bytes on the wire, serial time, encoding), then sync:
# enqueue latency, draining DRAIN_N (10,000) envelopes batched and one by
# one on both stores, and 200 concurrent kiosks at the portal; every screen built and
# rendered with the software renderer, and the heap after SESSIONS (1,000)
# scripted visits against the heap after 10.
SESSIONS ?= 1000
# The portal's morning rush: KIOSKS kiosks (1,000) each send a batch of 5
# and a heartbeat against SQLite, PostgreSQL, and two instances on
# PostgreSQL behind a round-robin balancer (p50/p99, envelopes/s, duplicates).
KIOSKS ?= 1000
# The staff inbox and a case page over CASES (100,000) cases on each store.
CASES ?= 100000
# The release-morning rush of appointments: BOOKERS (2,000) clients for 300
# seats on each store (p50/p99, bookings/s, requests/s, times over
# capacity); a client told "full" tries another time, TRIES (5) in all.
BOOKERS ?= 2000
TRIES ?= 5
# STREAMS (2,000) open call-up displays and clerk pages on one portal
# process while a clerk calls: each call's way to every stream, health's
# p95, the portal's resident set.
STREAMS ?= 2000
bench: deps-test
	$(GO) test -run '^$$' -bench Startup -benchtime $(BENCHTIME) ./app
	$(GO) test -run '^$$' -bench . -skip 'Startup|Drain|200Kiosks|Enqueue|SessionsMemory|MorningRush|BookingRush|Inbox|LiveStreams' ./...
	FYNE_CACHE=1s SESSIONS=$(SESSIONS) $(GO) test -run '^$$' -bench SessionsMemory -benchtime 1x ./app/ui
	$(GO) test -run '^$$' -bench Enqueue -benchtime 2000x ./sync/client
	$(GO) test -run '^$$' -bench 'Drain|200Kiosks' -benchtime 1x ./sync/client
	KIOSKS=$(KIOSKS) $(GO) test -run '^$$' -bench MorningRush -benchtime 1x ./sync/portal/cmd/lotse-portal
	BOOKERS=$(BOOKERS) TRIES=$(TRIES) $(GO) test -run '^$$' -bench BookingRush -benchtime 1x ./sync/portal/cmd/lotse-portal
	CASES=$(CASES) $(GO) test -run '^$$' -bench Inbox -benchtime 1x ./sync/portal/web
	STREAMS=$(STREAMS) $(GO) test -run '^$$' -bench LiveStreams -benchtime 1x ./sync/portal/cmd/lotse-portal

# A busy day at the kiosk for SOAK (2m; SOAK=2h runs longer): defect
# reports typed on the keyboard, waiting numbers, the portal's line
# dropping, paper running out; then every code shown reached the portal
# once, every printout announced came out whole, no number was skipped.
soak: deps-test
	FYNE_CACHE=1s SOAK=$(SOAK) $(GO) test -count=1 -run '^TestSoak$$' -timeout 0 -v ./app/ui

# Every fuzz target for FUZZTIME each (FUZZTIME=10m runs longer). The seed
# corpora in testdata/fuzz also run in every `make test`.
fuzz: deps-build
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

# Release binaries for the packages: stripped, position-independent, and
# linked against Debian's SQLite instead of embedding a copy.
DIST ?= dist

package: deps-build
	@mkdir -p $(DIST)/bin
	$(GO) build -tags libsqlite3 -buildmode=pie -trimpath -ldflags '-s -w $(LDFLAGS)' -o $(DIST)/bin/lotse ./app
	$(GO) build -buildmode=pie -trimpath -ldflags '-s -w $(LDFLAGS)' -o $(DIST)/bin/lotse-portal ./sync/portal/cmd/lotse-portal
	packaging/build-deb.sh lotse $(DEB_VERSION) $(DEB_ARCH) $(DIST)/bin $(DIST)
	packaging/build-deb.sh lotse-portal $(DEB_VERSION) $(DEB_ARCH) $(DIST)/bin $(DIST)

# Not part of `make test`: installs both packages into a Debian 12 chroot
# made with debootstrap (kept in CHROOT and reused), then purges them.
CHROOT ?= /var/tmp/lotse-chroot
package-test: package
	$(call apt_install,debootstrap)
	$(SUDO) packaging/chroot-test.sh $(DIST) $(CHROOT)

# A desktop bundle with `fyne package`, for trying Lotse outside a kiosk.
bundle: build
	GOBIN=$(CURDIR)/bin/tools $(GO) install fyne.io/tools/cmd/fyne@v1.7.4
	cd packaging && ../bin/tools/fyne package --os linux --exe ../bin/lotse --app-version $(firstword $(subst ~, ,$(DEB_VERSION)))
	@mkdir -p $(DIST) && mv packaging/Lotse.tar.xz $(DIST)/ && echo "$(DIST)/Lotse.tar.xz"

clean:
	rm -rf bin dist
