#!/usr/bin/env bash
# Set up sitroom with its test dependencies and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
source scripts/env.sh
python -m ruff check sitroom tests
python -m pytest -q "$@"
