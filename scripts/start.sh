#!/usr/bin/env bash
# The README's first command: install kflow, load the case demos, serve the API.
# Data stays in ./data (KFLOW_GRAPH_URL=embedded://./data) between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/kflow seed
exec .venv/bin/kflow serve "$@"
