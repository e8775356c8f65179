#!/usr/bin/env bash
# Neo4j 5.26 LTS Community on this machine, without Docker: `start DIR`, `stop DIR`,
# `status DIR`. The jars come from Maven Central (neo4j-launcher/pom.xml) into Maven's cache; the
# data, the password (mode 0600) and the server's output (DIR/neo4j.log) stay in DIR.
# `start` prints lines for `eval`: KFLOW_GRAPH_URL, KFLOW_NEO4J_USER, KFLOW_NEO4J_PASSWORD.
# KFLOW_NEO4J_SERVERS=N (default 1) runs N servers in one JVM, each with its own database and
# Bolt port (Community Edition has one user database per server); then KFLOW_NEO4J_URLS lists
# all N, comma-separated, the first being KFLOW_GRAPH_URL. Needs Java 17+ and Maven.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
LAUNCHER="$REPO/neo4j-launcher"
BUILD="$REPO/.kflow-cache/neo4j-launcher"
HEAP="${KFLOW_NEO4J_HEAP:-1g}"
START_TIMEOUT_S="${KFLOW_NEO4J_START_TIMEOUT_S:-180}"

usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
command="$1"
mkdir -p "$2"
DIR="$(cd "$2" && pwd)"

pid_of() {  # the launcher's pid if it runs, else nothing
  local pid
  [ -f "$DIR/neo4j.pid" ] || return 0
  pid="$(cat "$DIR/neo4j.pid")"
  if kill -0 "$pid" 2>/dev/null && grep -q KflowNeo4j "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  fi
}

instance_dir() {  # server 0 lives in DIR, server N in DIR/instance-N
  if [ "$1" -eq 0 ]; then echo "$DIR"; else echo "$DIR/instance-$1"; fi
}

print_env() {
  local urls="" index
  for index in $(seq 0 $(($(cat "$DIR/servers") - 1))); do
    urls="$urls${urls:+,}bolt://127.0.0.1:$(cat "$(instance_dir "$index")/port")"
  done
  echo "KFLOW_GRAPH_URL=bolt://127.0.0.1:$(cat "$DIR/port")"
  echo "KFLOW_NEO4J_URLS=$urls"
  echo "KFLOW_NEO4J_USER=neo4j"
  echo "KFLOW_NEO4J_PASSWORD=$(cat "$DIR/password")"
}

build() {  # resolve the jars and compile the launcher once per pom/launcher version
  local stamp
  stamp="$(cat "$LAUNCHER/pom.xml" "$LAUNCHER"/src/main/java/kflow/*.java | sha256sum | cut -c1-16)"
  if [ -f "$BUILD/$stamp/ok" ] && [ -f "$(tr ':' '\n' <"$BUILD/$stamp/classpath" | head -1)" ]; then
    echo "$BUILD/$stamp"
    return
  fi
  for tool in java javac mvn; do
    command -v "$tool" >/dev/null || { echo "neo4j.sh: $tool is missing (needs Java 17+ and Maven)" >&2; exit 1; }
  done
  rm -rf "${BUILD:?}/$stamp" && mkdir -p "$BUILD/$stamp/classes"
  local version
  version="$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$LAUNCHER/pom.xml")"
  echo "neo4j.sh: resolving Neo4j $version jars and compiling the launcher (the first run downloads ~170 MB from Maven Central into ~/.m2)..." >&2
  local started=$SECONDS
  mvn -B -q -f "$LAUNCHER/pom.xml" dependency:build-classpath \
    -Dmdep.outputFile="$BUILD/$stamp/classpath" >"$BUILD/$stamp/mvn.log" 2>&1 \
    || { cat "$BUILD/$stamp/mvn.log" >&2; echo "neo4j.sh: mvn could not resolve the jars" >&2; exit 1; }
  javac -nowarn -d "$BUILD/$stamp/classes" -cp "$(cat "$BUILD/$stamp/classpath")" \
    "$LAUNCHER"/src/main/java/kflow/*.java >&2 || { echo "neo4j.sh: the launcher does not compile" >&2; exit 1; }
  echo "neo4j.sh: jars ready in $((SECONDS - started)) s" >&2
  touch "$BUILD/$stamp/ok"
  echo "$BUILD/$stamp"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

bolt_answers() {  # a Bolt handshake: the magic preamble and four version proposals
  local port reply
  port="$(cat "$DIR/port")"
  reply="$(python3 - "$port" <<'PY' 2>/dev/null
import socket, sys
with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2) as s:
    s.sendall(bytes.fromhex("6060b017") + bytes.fromhex("00000405") + bytes(12))
    print(s.recv(4).hex())
PY
)" || return 1
  [ -n "$reply" ] && [ "$reply" != "00000000" ]
}

write_conf() {  # a server's settings, rewritten on every start (the port changes)
  local home="$1" port
  mkdir -p "$home"
  port="$(free_port)"
  echo "$port" >"$home/port"
  cat >"$home/neo4j.conf" <<CONF
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$port
server.bolt.advertised_address=127.0.0.1:$port
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.pagecache.size=${KFLOW_NEO4J_PAGECACHE:-256m}
# Runaway queries are stopped by the server itself, whatever a client asks for.
db.transaction.timeout=${KFLOW_NEO4J_TX_TIMEOUT:-120s}
db.memory.transaction.max=${KFLOW_NEO4J_TX_MEMORY:-512m}
CONF
}

start() {
  if [ -n "$(pid_of)" ]; then
    print_env
    return
  fi
  local out pid
  out="$(build)"
  if [ ! -s "$DIR/password" ]; then
    (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$DIR/password")
  fi
  chmod 600 "$DIR/password"
  local servers="${KFLOW_NEO4J_SERVERS:-1}" index
  echo "$servers" >"$DIR/servers"
  for index in $(seq 0 $((servers - 1))); do
    write_conf "$(instance_dir "$index")"
  done
  rm -f "$DIR/ready"
  local started=$SECONDS
  # setsid: the server outlives the shell that started it and ignores its terminal's signals.
  setsid java -Xms256m -Xmx"$HEAP" -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
    --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED \
    -Dfile.encoding=UTF-8 -cp "$out/classes:$(cat "$out/classpath")" \
    kflow.KflowNeo4j "$DIR" "$servers" </dev/null >>"$DIR/neo4j.log" 2>&1 &
  pid=$!
  echo "$pid" >"$DIR/neo4j.pid"
  until [ -f "$DIR/ready" ] && bolt_answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$DIR/neo4j.log" >&2
      echo "neo4j.sh: Neo4j exited while starting; see $DIR/neo4j.log" >&2
      exit 1
    fi
    if [ $((SECONDS - started)) -gt "$START_TIMEOUT_S" ]; then
      echo "neo4j.sh: Neo4j did not answer on Bolt within ${START_TIMEOUT_S} s; see $DIR/neo4j.log" >&2
      stop
      exit 1
    fi
    sleep 0.3
  done
  echo "neo4j.sh: Neo4j ready on 127.0.0.1:$(cat "$DIR/port") in $((SECONDS - started)) s (data in $DIR)" >&2
  print_env
}

stop() {
  local pid
  pid="$(pid_of)"
  if [ -z "$pid" ]; then
    echo "neo4j.sh: not running ($DIR)" >&2
    return
  fi
  kill -TERM "$pid"
  # A clean shutdown takes ~11 s (Bolt waits for its connections twice); wait for it.
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "neo4j.sh: Neo4j did not stop within 60 s; killing it" >&2
    kill -KILL "$pid"
  fi
  rm -f "$DIR/neo4j.pid" "$DIR/ready"
  echo "neo4j.sh: stopped ($DIR)" >&2
}

status() {
  local pid
  pid="$(pid_of)"
  if [ -n "$pid" ]; then
    echo "running: pid $pid, Bolt on 127.0.0.1:$(cat "$DIR/port"), data in $DIR"
  else
    echo "stopped: $DIR"
    exit 3
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) usage ;;
esac
