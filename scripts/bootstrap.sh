#!/usr/bin/env bash
# Creates .venv with kflow installed (plus the given extras) and the embedded engine's module.
# Used by start.sh and test.sh; safe to run again (it only installs what is missing or changed).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

pick_python() {
  for candidate in "${KFLOW_PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "kflow needs Python 3.11, 3.12 or 3.13 (set KFLOW_PYTHON to one)" >&2
  return 1
}

if [ ! -x .venv/bin/python ]; then
  python="$(pick_python)"
  echo "creating .venv with $("$python" --version)" >&2
  "$python" -m venv .venv
fi

stamp=".venv/.kflow-installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "installing kflow${extras:+ [$extras]} into .venv" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}"
  touch "$stamp"
fi

.venv/bin/kflow engine install

# The /explore page and GraphiQL: bundle web/ (npm packages included) into
# service/api/explorer_static/ and service/api/graphiql_static/ (GraphiQL's tabs are the
# README's example queries). GraphiQL's index.html is written last, so it is the stamp;
# rebuild only when an input is newer.
page=service/api/graphiql_static/index.html
if [ ! -f "$page" ] ||
   [ -n "$(find web/src web/build.mjs web/package.json web/package-lock.json README.md -newer "$page" -print -quit)" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "kflow needs Node 20+ with npm to build the explorer page (web/)" >&2
    exit 1
  fi
  echo "building the explorer page and GraphiQL (web/ -> service/api/*_static/)" >&2
  (cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build)
fi
