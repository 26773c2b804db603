# Shared by .ci/app.sh and .ci/test.sh: make a virtual environment and install the app.
# Debian refuses system-wide pip installs, so everything goes into .venv in the checkout.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${POS_VENV:-$ROOT/.venv}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_install() {
  # Install the Debian packages that are missing (no-op when all are present).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || { echo "Missing system packages: ${missing[*]}" >&2; return 1; }
  echo "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

qt_runtime_libs() {
  # What PySide6 needs to run offscreen (tests) or on a desktop (the app).
  command -v dpkg >/dev/null || return 0
  apt_install libegl1 libgl1 libglvnd0 libglx0 libfontconfig1 libfreetype6 libglib2.0-0 \
    libxkbcommon0 libx11-6 libxcb1 libdbus-1-3 fonts-dejavu-core
}

python_for_venv() {
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  apt_install python3 python3-venv python3-pip >&2
  echo python3
}

make_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    "$(python_for_venv)" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT[$extras]" 2>&1 | grep -v '^WARNING: Location' || true
  "$VENV/bin/python" -c 'import pos_app, PySide6, sqlalchemy, psycopg2' # fail loudly if the install did not work
}
