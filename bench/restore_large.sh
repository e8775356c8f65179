#!/usr/bin/env bash
# Backup and restore of the large synthetic firm (10,022 units, 1M flows): wall time and the
# kflow process's peak memory for each step, and the node/relationship counts compared.
#   bench/restore_large.sh embedded WORKDIR       generate, back up, restore into a new directory
#   bench/restore_large.sh neo4j WORKDIR          restore WORKDIR/large.json into the (empty)
#                                                 Neo4j named by KFLOW_GRAPH_URL and
#                                                 KFLOW_NEO4J_PASSWORD, then back it up again
# Not a CI test: a run takes tens of minutes. Figures go to WORKDIR/restore-<backend>.txt.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
KFLOW="$REPO/.venv/bin/kflow"
backend="${1:?backend: embedded or neo4j}"
work="$(mkdir -p "${2:?work directory}" && cd "$2" && pwd)"
report="$work/restore-$backend.txt"
# Every step runs with kflow's default limits per query (a backup reads a firm's
# relationships a page of start nodes at a time).

step() {  # step NAME COMMAND...: run it, print wall seconds and peak RSS
  local name="$1"; shift
  /usr/bin/time -f "$name: %e s wall, peak %M KB" -a -o "$report" "$@" >"$work/$name.out" 2>&1 \
    || { echo "$name failed:"; tail -20 "$work/$name.out"; exit 1; }
  tail -1 "$report"
}

counts() { "$KFLOW" status 2>/dev/null | tr -d "\n " | grep -oE "\"(nodes|relationships)\":[0-9]+" | tr "\n" " "; }

: >>"$report"
if [ "$backend" = embedded ]; then
  export KFLOW_GRAPH_URL="embedded://$work/source"
  rm -rf "$work/restored" "$work/large.json"
  [ -d "$work/source" ] || step generate "$KFLOW" generate --size large --firm large
  echo "source: $(counts)" | tee -a "$report"
  step backup "$KFLOW" backup -o "$work/large.json"
  export KFLOW_GRAPH_URL="embedded://$work/restored"
  step restore "$KFLOW" restore "$work/large.json"
  echo "restored: $(counts)" | tee -a "$report"
else
  [ -f "$work/large.json" ] || { echo "run the embedded step first: it writes $work/large.json"; exit 1; }
  step restore "$KFLOW" restore "$work/large.json"
  echo "restored: $(counts)" | tee -a "$report"
  step backup "$KFLOW" backup -o "$work/large-again.json"
fi
ls -l "$work"/large*.json | tee -a "$report"
