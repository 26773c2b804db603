#!/usr/bin/env bash
# Install the app into .venv and start it on the embedded SQLite database
# (the demo store is loaded the first time, into an empty database only).
# Arguments go to pos-app, e.g. `bash .ci/app.sh --database-url postgresql://…`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
qt_runtime_libs
make_venv test
"$VENV/bin/pos-app" demo-data "$@"
exec "$VENV/bin/pos-app" "$@"
