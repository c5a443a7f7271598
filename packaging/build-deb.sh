#!/usr/bin/env bash
# Builds one Debian package from the tree packaging/PKG and the binaries in
# BINDIR, with dpkg-deb.
#   packaging/build-deb.sh PKG VERSION ARCH BINDIR OUTDIR
set -euo pipefail
pkg=$1 version=$2 arch=$3 bindir=$4 outdir=$5
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -a "$here/$pkg/." "$stage/"
sed -i -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" "$stage/DEBIAN/control"

install -D -m 0755 "$bindir/$pkg" "$stage/usr/bin/$pkg"
doc="$stage/usr/share/doc/$pkg"
install -D -m 0644 "$here/copyright" "$doc/copyright"
install -m 0644 "$top/README.md" "$doc/README.md"
if [ "$pkg" = lotse ]; then
	install -m 0644 "$top/assets/config/lotse.toml" "$doc/lotse.example.toml"
fi
if [ "$pkg" = lotse-portal ]; then
	# The documented example is the configuration (a conffile: updates keep changes).
	install -D -m 0644 "$top/sync/portal/config/lotse-portal.toml" "$stage/etc/lotse-portal/lotse-portal.toml"
fi

# A native package's changelog, dated by the commit, so a rebuild of one commit is identical.
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
date=$(date -R -d "@$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)")
cat > "$doc/changelog" <<CHANGES
$pkg ($version) unstable; urgency=medium

  * Built from commit $commit.

 -- Lotse team <lotse@lotse.example>  $date
CHANGES
gzip -9n "$doc/changelog"

find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -path "$stage/DEBIAN" -prune -o -type f ! -path '*/usr/bin/*' -exec chmod 0644 {} +
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
echo "Installed-Size: $size" >> "$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/control"
[ -f "$stage/DEBIAN/conffiles" ] && chmod 0644 "$stage/DEBIAN/conffiles"

mkdir -p "$outdir"
out="$outdir/${pkg}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$out" >/dev/null
echo "$out"
