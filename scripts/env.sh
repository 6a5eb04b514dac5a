# Sourced by the other scripts after scripts/setup.sh: use the virtual environment it made, if any.
if [ -z "${VIRTUAL_ENV:-}" ] && [ -f .venv/bin/activate ]; then
    # shellcheck disable=SC1091
    source .venv/bin/activate
fi
