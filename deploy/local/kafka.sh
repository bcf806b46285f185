#!/usr/bin/env bash
# A real Apache Kafka on 127.0.0.1 (KRaft, every node broker + controller), resolved from Maven Central and run with
# Java 17: one node by default (make test, make demo), or a cluster of KAFKA_NODES (3) as in production.
#
#   deploy/local/kafka.sh start         resolve jars once, format storage on first start, start every node that is
#                                        not running, wait until the cluster answers with all its brokers
#   deploy/local/kafka.sh stop          SIGTERM every node and wait for a clean exit
#   deploy/local/kafka.sh status        exit 0 when every broker answers
#   deploy/local/kafka.sh kill N        kill -9 node N (1-based; a crash, for the fault tests)
#   deploy/local/kafka.sh bootstrap     print the bootstrap servers (host:port,…)
#   deploy/local/kafka.sh version       print the broker version
#
# Node n (0-based) listens on KAFKA_PORT + 10·n for clients and KAFKA_CONTROLLER_PORT + 10·n for the controller
# quorum, in KAFKA_DATA_DIR (one node) or KAFKA_DATA_DIR/node-<n+1> (a cluster). A cluster has replication factor 3,
# min.insync.replicas 2 and topic auto-creation off: topics come from `bangkom topics create` (docs/operations.md).
#
# Environment (defaults): KAFKA_NODES (1), KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093),
# KAFKA_DATA_DIR (<repo>/.local/kafka), BANGKOM_CACHE_DIR (~/.cache/bangkom: jars, outside git),
# KAFKA_HEAP_OPTS (-Xms128m -Xmx512m), KAFKA_START_TIMEOUT seconds (90).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")
NODES=${KAFKA_NODES:-1}
PORT=${KAFKA_PORT:-19092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
DATA_DIR=${KAFKA_DATA_DIR:-$REPO/.local/kafka}
CACHE_DIR=${BANGKOM_CACHE_DIR:-$HOME/.cache/bangkom}
LIBS=$CACHE_DIR/kafka-$KAFKA_VERSION/libs
TIMEOUT=${KAFKA_START_TIMEOUT:-90}
HEAP=${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}
LOG_OPTS="-Dlog4j2.configurationFile=$HERE/kafka/log4j2.properties -Dkafka.logs.dir=$DATA_DIR/logs"
JVM_OPTS="$HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1 -Djava.awt.headless=true"

say() { echo "kafka: $*"; }

resolve_jars() {
  if [ -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]; then return; fi
  command -v mvn >/dev/null || { say "Maven (mvn) is missing: install it (apt-get install maven)"; exit 1; }
  say "resolving Apache Kafka $KAFKA_VERSION from Maven Central into $LIBS (once)"
  mkdir -p "$LIBS.tmp"
  mvn -B -q -Dstyle.color=never -f "$HERE/kafka/pom.xml" package -Dkafka.libs="$LIBS.tmp" \
      -Dproject.build.directory="$CACHE_DIR/maven-build"
  rm -rf "$LIBS"; mv "$LIBS.tmp" "$LIBS"
}

node_port() { echo $((PORT + 10 * $1)); }
node_controller_port() { echo $((CONTROLLER_PORT + 10 * $1)); }
node_dir() { if [ "$NODES" = 1 ]; then echo "$DATA_DIR"; else echo "$DATA_DIR/node-$(($1 + 1))"; fi; }
bootstrap() {
  local n servers=""
  for n in $(seq 0 $((NODES - 1))); do servers="${servers:+$servers,}127.0.0.1:$(node_port "$n")"; done
  echo "$servers"
}

running_pid() {  # of node $1
  local pid
  pid=$(cat "$(node_dir "$1")/broker.pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

answers_metadata() {  # the cluster answers a metadata request naming all its brokers (one JVM for every node)
  java -cp "$LIBS/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=off $LOG_OPTS \
       "$HERE/kafka/Ready.java" "$(bootstrap)" "$NODES" 2>/dev/null | tail -n 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

write_properties() {  # of node $1
  local n=$1 dir voters="" m
  dir=$(node_dir "$n")
  for m in $(seq 0 $((NODES - 1))); do voters="${voters:+$voters,}$((m + 1))@127.0.0.1:$(node_controller_port "$m")"; done
  mkdir -p "$dir/logs"
  sed -e "s#@DATA_DIR@#$dir#g" -e "s#@PORT@#$(node_port "$n")#g" \
      -e "s#@CONTROLLER_PORT@#$(node_controller_port "$n")#g" -e "s#@NODE_ID@#$((n + 1))#g" \
      -e "s#@VOTERS@#$voters#g" "$HERE/kafka/server.properties.in" > "$dir/server.properties"
  if [ "$NODES" -gt 1 ]; then  # as in production (deploy/k8s/kafka.yaml): what a lost node must not lose
    local rf=$((NODES < 3 ? NODES : 3))
    cat >> "$dir/server.properties" <<PROPERTIES
# a cluster of $NODES nodes (kafka.sh)
default.replication.factor=$rf
min.insync.replicas=$((rf > 1 ? rf - 1 : 1))
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$((rf > 1 ? rf - 1 : 1))
share.coordinator.state.topic.replication.factor=$rf
auto.create.topics.enable=false
PROPERTIES
  fi
}

start() {
  resolve_jars
  local n first=""
  for n in $(seq 0 $((NODES - 1))); do
    if [ -n "$(running_pid "$n")" ]; then continue; fi
    if port_open "$(node_port "$n")"; then
      if [ "$NODES" = 1 ] && answers_metadata >/dev/null; then
        say "a broker already answers on 127.0.0.1:$PORT; re-using it"; exit 0
      fi
      say "port $(node_port "$n") is taken by something that is not this node; set KAFKA_PORT"; exit 1
    fi
  done
  if [ ! -f "$(node_dir 0)/data/meta.properties" ]; then
    first=$(java $LOG_OPTS -cp "$LIBS/*" kafka.tools.StorageTool random-uuid | tail -n 1)
  fi
  for n in $(seq 0 $((NODES - 1))); do
    local dir
    dir=$(node_dir "$n")
    write_properties "$n"
    if [ ! -f "$dir/data/meta.properties" ]; then
      say "formatting storage in $dir/data (cluster $first, node $((n + 1)))"
      java $LOG_OPTS -cp "$LIBS/*" kafka.tools.StorageTool format -t "$first" -c "$dir/server.properties" >/dev/null
    fi
    if [ -z "$(running_pid "$n")" ]; then
      say "starting Apache Kafka $KAFKA_VERSION node $((n + 1)) on 127.0.0.1:$(node_port "$n") (log: $dir/broker.log)"
      nohup java $JVM_OPTS $LOG_OPTS -Dkafka.logs.dir="$dir/logs" -cp "$LIBS/*" kafka.Kafka "$dir/server.properties" \
            >"$dir/broker.log" 2>&1 </dev/null &
      echo $! >"$dir/broker.pid"
    fi
  done
  local deadline=$((SECONDS + TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    for n in $(seq 0 $((NODES - 1))); do
      if [ -z "$(running_pid "$n")" ]; then
        say "node $((n + 1)) exited during start:"; tail -n 60 "$(node_dir "$n")/broker.log"; exit 1
      fi
    done
    local all=1 answer=""
    for n in $(seq 0 $((NODES - 1))); do port_open "$(node_port "$n")" || all=0; done
    if [ $all = 1 ] && answer=$(answers_metadata); then say "ready ($answer)"; exit 0; fi
    sleep 0.5
  done
  say "not ready after ${TIMEOUT}s; last log lines:"
  for n in $(seq 0 $((NODES - 1))); do tail -n 30 "$(node_dir "$n")/broker.log"; done
  exit 1
}

stop_node() {
  local n=$1 pid
  pid=$(running_pid "$n")
  if [ -z "$pid" ]; then rm -f "$(node_dir "$n")/broker.pid"; return 0; fi
  say "stopping node $((n + 1)), pid $pid (SIGTERM)"
  kill -TERM "$pid"
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then rm -f "$(node_dir "$n")/broker.pid"; return 0; fi
    sleep 0.5
  done
  say "node $((n + 1)) did not stop within 60s; killing it"; kill -KILL "$pid" 2>/dev/null || true
  rm -f "$(node_dir "$n")/broker.pid"
}

stop() {
  local n any=""
  for n in $(seq 0 $((NODES - 1))); do if [ -n "$(running_pid "$n")" ]; then any=1; fi; done
  if [ -z "$any" ]; then say "not running (no live pid under $DATA_DIR)"; return 0; fi
  # the other nodes first and together: a controller quorum that loses its majority holds the last ones' shutdown
  for n in $(seq $((NODES - 1)) -1 0); do stop_node "$n" & done
  wait
  say "stopped"
}

kill_node() {
  local n=$(($1 - 1)) pid
  pid=$(running_pid "$n")
  if [ -z "$pid" ]; then say "node $1 is not running"; exit 1; fi
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$(node_dir "$n")/broker.pid"
  say "node $1 killed (pid $pid)"
}

status() {
  local n
  for n in $(seq 0 $((NODES - 1))); do port_open "$(node_port "$n")" || return 1; done
  answers_metadata
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) resolve_jars; status ;;
  kill) kill_node "${2:?which node (1-based)}" ;;
  bootstrap) bootstrap ;;
  version) resolve_jars; echo "Apache Kafka $(java -cp "$LIBS/*" $LOG_OPTS kafka.Kafka --version 2>/dev/null | tail -n 1) (KRaft, Java $(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p'))" ;;
  *) echo "usage: $0 start|stop|status|kill N|bootstrap|version" >&2; exit 2 ;;
esac
