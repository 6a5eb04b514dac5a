#!/usr/bin/env bash
# Set up sitroom with its test dependencies and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet -e '.[test]'
npm ci --no-audit --no-fund --loglevel=error  # the web page's packages (node_modules/, served under /vendor/)
python3 -m ruff check sitroom tests
python3 -m pytest -q "$@"
