#!/usr/bin/env bash
# Build the Linux bundle and installers, then prove they work (slow: not part of test.sh;
# .ci/run calls this when POS_BUILD_CHECK=1):
#   1. python build_spec/build.py          -> dist/pos-app/, .tar.gz, .deb
#   2. dist/pos-app/pos-app --self-test    (offscreen), timed: the frozen start-up cost
#   3. dpkg -i the .deb, /usr/bin/pos-app --self-test, dpkg -r
# Prints the bundle size (du -sh) and the frozen self-test time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
qt_runtime_libs
# The xcb platform plugin's libraries, so the bundle carries them for desktops that lack them.
apt_install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 \
  libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 dpkg-dev
make_venv test
"$VENV/bin/python" -m pip install -q --disable-pip-version-check "pyinstaller>=6.5" 2>&1 \
  | grep -v '^WARNING: Location' || true

export QT_QPA_PLATFORM=offscreen
# Keep the self-tests' logs and data out of the home folder.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export POS_LOG_DIR="$scratch/logs" POS_DATA_DIR="$scratch/data"

"$VENV/bin/python" build_spec/build.py

version="$("$VENV/bin/python" -c 'import pos_app; print(pos_app.__version__)')"
arch="$(dpkg --print-architecture)"
deb="dist/pos-app_${version}_${arch}.deb"
tarball="dist/pos-app-${version}-linux-x86_64.tar.gz"
[ -f "$deb" ] && [ -f "$tarball" ] || { echo "missing $deb or $tarball" >&2; exit 1; }

echo "== frozen self-test: dist/pos-app/pos-app --self-test"
start=$(date +%s.%N)
dist/pos-app/pos-app --self-test
end=$(date +%s.%N)
startup=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')

start=$(date +%s.%N)
dist/pos-app/pos-app --version
end=$(date +%s.%N)
bare=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')

echo "== the tarball unpacks and runs"
tar -xzf "$tarball" -C "$scratch"
"$scratch/pos-app-$version/pos-app" --version

echo "== install $deb"
as_root dpkg -r pos-app >/dev/null 2>&1 || true
as_root dpkg -i "$deb"
cleanup_deb() { as_root dpkg -r pos-app >/dev/null 2>&1 || true; rm -rf "$scratch"; }
trap cleanup_deb EXIT
test -L /usr/bin/pos-app
test -f /usr/share/applications/pos-app.desktop
test -f /usr/share/icons/hicolor/256x256/apps/pos-app.png
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate /usr/share/applications/pos-app.desktop
fi
/usr/bin/pos-app --self-test
echo "== remove"
as_root dpkg -r pos-app
test ! -e /usr/bin/pos-app && test ! -e /opt/pos-app
trap 'rm -rf "$scratch"' EXIT

echo "== summary"
echo "bundle size:     $(du -sh dist/pos-app | cut -f1) (dist/pos-app)"
echo "tarball:         $(du -h "$tarball" | cut -f1) ($tarball)"
echo "deb:             $(du -h "$deb" | cut -f1) ($deb)"
echo "frozen start-up: ${bare} s for pos-app --version (bootloader + Python start)"
echo "frozen self-test: ${startup} s for pos-app --self-test (offscreen, Qt + every check)"
