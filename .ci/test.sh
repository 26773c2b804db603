#!/usr/bin/env bash
# Install everything the tests need (Qt's system libraries, PostgreSQL, a virtual
# environment with the app and its test tools) and run the whole test suite.
# Extra arguments go to pytest, e.g. `bash .ci/test.sh -k sale -x`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
qt_runtime_libs
bash "$ROOT/.ci/postgres.sh"
make_venv test
export QT_QPA_PLATFORM=offscreen
"$VENV/bin/python" -m pytest "$@"
