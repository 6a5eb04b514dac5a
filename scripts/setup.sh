#!/usr/bin/env bash
# Set up sitroom on this machine, installing only what is missing, one thing at a time:
#   bash scripts/setup.sh          the Python package and the web page's npm packages (copied into the package)
#   bash scripts/setup.sh --test   also the test extras, PostgreSQL and Chromium (for the store and browser tests)
# Safe to run again: what is already there is left alone. A tool already on PATH (node, npm, psql,
# chromium) is never reinstalled. Where this Python is externally managed (PEP 668) and no virtual
# environment is active, the package goes into .venv (scripts/env.sh activates it for the other scripts).
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
for arg in "$@"; do
    case "$arg" in
        --test) WITH_TEST=1 ;;
        -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup: unknown option $arg (try --help)" >&2; exit 2 ;;
    esac
done

say() { echo "setup: $*" >&2; }

# --- Debian packages -------------------------------------------------------------------------------
APT_UPDATED=0
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else say "needs root to run: $* (run it as root, then run this script again)"; return 1
    fi
}
apt_install() {  # one package per call, so one that cannot be installed does not block the others
    local package=$1
    if ! command -v apt-get >/dev/null; then
        say "$package is missing and this is not a Debian-like system: install $package yourself"; return 1
    fi
    if [ "$APT_UPDATED" = 0 ]; then
        as_root apt-get update -qq
        APT_UPDATED=1
    fi
    say "installing the Debian package $package"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
}
have_postgres_server() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; }

if ! command -v npm >/dev/null; then
    # Only when npm is absent: a Node.js from elsewhere (NodeSource) already brings its own npm, and
    # Debian's npm package conflicts with it.
    if command -v node >/dev/null; then
        say "node is on PATH but npm is not: install the npm that goes with your Node.js"; exit 1
    fi
    apt_install npm
fi
if [ "$WITH_TEST" = 1 ]; then
    have_postgres_server || apt_install postgresql
    command -v chromium >/dev/null || apt_install chromium
fi

# --- Python ----------------------------------------------------------------------------------------
PYTHON=${PYTHON:-python3}
externally_managed() {
    "$PYTHON" - <<'EOF'
import os, sys, sysconfig
in_venv = sys.prefix != sys.base_prefix
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
sys.exit(0 if os.path.exists(marker) and not in_venv else 1)
EOF
}
if [ -z "${VIRTUAL_ENV:-}" ] && { [ -x .venv/bin/python ] || externally_managed; }; then
    if [ ! -x .venv/bin/python ]; then
        say "$("$PYTHON" -c 'import sys; print(sys.executable)') is externally managed (PEP 668):" \
            "making a virtual environment in .venv"
        "$PYTHON" -m venv .venv
    fi
    say "using the virtual environment in .venv (scripts/env.sh activates it)"
    PYTHON=.venv/bin/python
fi

EXTRAS=""
[ "$WITH_TEST" = 1 ] && EXTRAS="[test]"
if "$PYTHON" scripts/installed.py "$PWD" ${EXTRAS:+test}; then
    say "the sitroom package${EXTRAS:+ with its test extras} is installed"
else
    say "installing the sitroom package${EXTRAS:+ with its test extras} (pip install -e .$EXTRAS)"
    "$PYTHON" -m pip install --quiet --disable-pip-version-check -e ".$EXTRAS"
fi

# --- npm packages for the web page -----------------------------------------------------------------
if [ node_modules/.package-lock.json -nt package-lock.json ]; then
    say "the web page's npm packages are installed"
else
    say "installing the web page's npm packages (npm ci)"
    # No install scripts: none of the page's packages needs one, and swagger-ui-dist's dependency
    # @scarf/scarf would report the install over the network.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
# The files the page loads, copied into the Python package (sitroom/web/vendor/), so that the page is
# served from the package itself and a wheel built from here carries them.
"$PYTHON" scripts/vendor_web.py
say "ready"
