#!/usr/bin/env bash
# Set up sitroom on this machine and run the main job on the bundled examples:
# ingest them into a fresh embedded database, print the events and the situation, then serve the
# situation room page (open http://127.0.0.1:8000; Ctrl-C stops it). SERVE=0 skips the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
export SITROOM_DB="${SITROOM_DB:-$PWD/demo.db}"
sitroom ingest examples/
sitroom events
sitroom situation --as-of "${AS_OF:-2026-03-31}"
if [ "${SERVE:-1}" != 0 ]; then
    exec sitroom serve --port "${PORT:-8000}"
fi
