#!/usr/bin/env bash
# The README's second command: install what the tests need, then lint, type-check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
(cd lint && npm ci --no-audit --no-fund --loglevel=error)

echo "== ruff" >&2
.venv/bin/ruff check service tests
.venv/bin/ruff format --check service tests
echo "== mypy" >&2
.venv/bin/mypy
echo "== schema/ matches the code" >&2
.venv/bin/kflow schema export --check
echo "== pytest" >&2
exec .venv/bin/pytest "$@"
