#!/usr/bin/env bash
# The README's second command: install what the tests need, then lint, type-check and test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
(cd lint && npm ci --no-audit --no-fund --loglevel=error)
# The GraphQL clients tests/test_clients.py drives (graphql-ws, Apollo Client, codegen, tsc).
(cd clients && npm ci --no-audit --no-fund --loglevel=error)
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
echo "== Neo4j" >&2
# Every store-backed test runs on the embedded engine and on Neo4j: four Neo4j servers in one
# JVM (tests/backends.py lends them out), started once for the run and stopped at its end.
NEO4J_DIR=.kflow-cache/neo4j-test
trap 'bash scripts/neo4j.sh stop "$NEO4J_DIR"' EXIT
neo4j_settings="$(KFLOW_NEO4J_SERVERS=4 bash scripts/neo4j.sh start "$NEO4J_DIR")"
KFLOW_TEST_NEO4J_URLS="$(sed -n 's/^KFLOW_NEO4J_URLS=//p' <<<"$neo4j_settings")"
KFLOW_TEST_NEO4J_PASSWORD="$(sed -n 's/^KFLOW_NEO4J_PASSWORD=//p' <<<"$neo4j_settings")"
export KFLOW_TEST_NEO4J_URLS KFLOW_TEST_NEO4J_PASSWORD
echo "== pytest" >&2
.venv/bin/pytest "$@"
