#!/usr/bin/env bash
# Set up sitroom on this machine and run the main job on the bundled examples:
# ingest them into a fresh embedded database, then print the events and the situation.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet -e .
export SITROOM_DB="${SITROOM_DB:-$PWD/demo.db}"
sitroom ingest examples/
sitroom events
sitroom situation --as-of "${AS_OF:-2026-03-31}"
