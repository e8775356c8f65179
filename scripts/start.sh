#!/usr/bin/env bash
# The README's first command: install kflow, load the case demos, serve the API.
# Data stays in ./data (KFLOW_GRAPH_URL=embedded://./data) between runs.
# With --neo4j, the demo runs on a Neo4j 5 server started by scripts/neo4j.sh instead
# (data in ./data-neo4j; it keeps running after kflow stops: scripts/neo4j.sh stop data-neo4j).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--neo4j" ]; then
  shift
  eval "$(bash scripts/neo4j.sh start data-neo4j)"
  export KFLOW_GRAPH_URL KFLOW_NEO4J_USER KFLOW_NEO4J_PASSWORD
fi
bash scripts/bootstrap.sh
.venv/bin/kflow seed
exec .venv/bin/kflow serve "$@"
