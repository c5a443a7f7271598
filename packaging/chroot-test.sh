#!/usr/bin/env bash
# Installs both packages into a fresh Debian 12 chroot, checks what
# install did, purges them and checks nothing is left behind.
#   packaging/chroot-test.sh DISTDIR [CHROOT]
# Run through `make package-test`; needs root (or sudo) and debootstrap.
set -euo pipefail
dist=$(cd "$1" && pwd)
root=${2:-/var/tmp/lotse-chroot}
mirror=${MIRROR:-http://deb.debian.org/debian}
fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
ok() { echo "package-test: ok: $*"; }
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

if [ ! -x "$root/usr/bin/apt-get" ]; then
	echo "package-test: debootstrap bookworm into $root (once; reused afterwards)"
	debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null
fi
# A previous run may have left the packages half-installed.
in_root apt-get purge -y -qq lotse lotse-portal >/dev/null 2>&1 || true

debs=()
for deb in "$dist"/lotse_*.deb "$dist"/lotse-portal_*.deb; do
	cp "$deb" "$root/tmp/"
	debs+=("/tmp/$(basename "$deb")")
done
in_root apt-get update -qq
in_root apt-get install -y -qq --no-install-recommends "${debs[@]}" >/dev/null

in_root getent passwd lotse >/dev/null || fail "no user lotse"
in_root getent passwd lotse-portal >/dev/null || fail "no user lotse-portal"
in_root id -nG lotse | grep -qw dialout || fail "lotse is not in dialout"
ok "users lotse (in dialout) and lotse-portal exist"

for f in usr/bin/lotse usr/bin/lotse-portal etc/lotse/lotse.toml lib/systemd/system/lotse.service \
	lib/systemd/system/lotse-portal.service etc/pam.d/lotse; do
	[ -e "$root/$f" ] || fail "/$f missing"
done
[ "$(in_root stat -c '%U %a' /var/lib/lotse)" = "lotse 700" ] || fail "/var/lib/lotse not lotse-owned 0700"
[ "$(in_root stat -c '%U %a' /var/lib/lotse-portal)" = "lotse-portal 700" ] || fail "/var/lib/lotse-portal not 0700"
ok "files in place, data folders private"

[ "$(systemctl --root="$root" is-enabled lotse.service)" = enabled ] || fail "lotse.service not enabled"
[ "$(systemctl --root="$root" is-enabled lotse-portal.service)" = enabled ] || fail "lotse-portal.service not enabled"
ok "services enabled"

in_root lotse version >/dev/null || fail "lotse does not run in the chroot"
ok "lotse runs: $(in_root lotse version)"

# What a kiosk in use holds: a database with residents' submissions.
echo "Erika Mustermann, Hauptstraße 1" > "$root/var/lib/lotse/kiosk.db"
echo "private key" > "$root/var/lib/lotse-portal/portal.db"

in_root apt-get purge -y -qq lotse lotse-portal >/dev/null
for f in var/lib/lotse var/lib/lotse-portal etc/lotse usr/bin/lotse lib/systemd/system/lotse.service etc/pam.d/lotse; do
	[ ! -e "$root/$f" ] || fail "/$f is still there after purge"
done
in_root getent passwd lotse >/dev/null && fail "user lotse still there after purge"
in_root getent passwd lotse-portal >/dev/null && fail "user lotse-portal still there after purge"
left=$(find "$root/etc/systemd" -name 'lotse*' 2>/dev/null)
[ -z "$left" ] || fail "systemd links left: $left"
if grep -rl --exclude-dir=apt --exclude-dir=dpkg "Erika Mustermann, Hauptstraße" "$root/var" "$root/etc" "$root/tmp" 2>/dev/null; then
	fail "personal data left behind"
fi
ok "purge removed everything, no personal data left"
echo "package-test: PASS"
