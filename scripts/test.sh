#!/usr/bin/env bash
# The README's second command: install what the tests need, then lint, type-check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
(cd lint && npm ci --no-audit --no-fund --loglevel=error)
# The explorer's browser test drives Debian's chromium (Playwright cannot download browsers
# here). CI runs as root on a fresh machine, so it installs the package itself.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian's chromium for tests/test_explorer.py" >&2
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null
  else
    echo "warning: /usr/bin/chromium is missing; as root: apt-get install chromium" >&2
  fi
fi

echo "== ruff" >&2
.venv/bin/ruff check service tests
.venv/bin/ruff format --check service tests
echo "== mypy" >&2
.venv/bin/mypy
echo "== schema/ matches the code" >&2
.venv/bin/kflow schema export --check
echo "== pytest" >&2
exec .venv/bin/pytest "$@"
