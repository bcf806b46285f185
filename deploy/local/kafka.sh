#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker + controller) on 127.0.0.1,
# resolved from Maven Central and run with Java 17.
#
#   deploy/local/kafka.sh start    resolve jars once, format storage on first start, start, wait for metadata
#   deploy/local/kafka.sh stop     SIGTERM and wait for a clean exit
#   deploy/local/kafka.sh status   exit 0 when a broker answers on KAFKA_PORT
#   deploy/local/kafka.sh version  print the broker version
#
# Environment (defaults): KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093),
# KAFKA_DATA_DIR (<repo>/.local/kafka), BANGKOM_CACHE_DIR (~/.cache/bangkom: jars, outside git),
# KAFKA_HEAP_OPTS (-Xms128m -Xmx512m), KAFKA_START_TIMEOUT seconds (90).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")
PORT=${KAFKA_PORT:-19092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
DATA_DIR=${KAFKA_DATA_DIR:-$REPO/.local/kafka}
CACHE_DIR=${BANGKOM_CACHE_DIR:-$HOME/.cache/bangkom}
LIBS=$CACHE_DIR/kafka-$KAFKA_VERSION/libs
PID_FILE=$DATA_DIR/broker.pid
LOG_FILE=$DATA_DIR/broker.log
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

running_pid() {
  local pid
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$pid"; fi
}

answers_metadata() {
  java -cp "$LIBS/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=off $LOG_OPTS \
       "$HERE/kafka/Ready.java" "127.0.0.1:$PORT" 2>/dev/null | tail -n 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  resolve_jars
  if port_open "$PORT"; then
    if answers_metadata >/dev/null; then say "a broker already answers on 127.0.0.1:$PORT; re-using it"; exit 0; fi
    say "port $PORT is taken by something that is not a Kafka broker; set KAFKA_PORT"; exit 1
  fi
  mkdir -p "$DATA_DIR/logs"
  sed -e "s#@DATA_DIR@#$DATA_DIR#g" -e "s#@PORT@#$PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" \
      "$HERE/kafka/server.properties.in" > "$DATA_DIR/server.properties"
  if [ ! -f "$DATA_DIR/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java $LOG_OPTS -cp "$LIBS/*" kafka.tools.StorageTool random-uuid | tail -n 1)
    say "formatting storage in $DATA_DIR/data (cluster $cluster_id)"
    java $LOG_OPTS -cp "$LIBS/*" kafka.tools.StorageTool format -t "$cluster_id" \
         -c "$DATA_DIR/server.properties" >/dev/null
  fi
  say "starting Apache Kafka $KAFKA_VERSION on 127.0.0.1:$PORT (log: $LOG_FILE)"
  nohup java $JVM_OPTS $LOG_OPTS -cp "$LIBS/*" kafka.Kafka "$DATA_DIR/server.properties" \
        >"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if [ -z "$(running_pid)" ]; then say "the broker exited during start:"; tail -n 60 "$LOG_FILE"; exit 1; fi
    if port_open "$PORT"; then
      local answer
      if answer=$(answers_metadata); then say "ready ($answer)"; exit 0; fi
    fi
    sleep 0.5
  done
  say "not ready after ${TIMEOUT}s; last log lines:"; tail -n 60 "$LOG_FILE"; exit 1
}

stop() {
  local pid
  pid=$(running_pid)
  if [ -z "$pid" ]; then say "not running (no live pid in $PID_FILE)"; rm -f "$PID_FILE"; return 0; fi
  say "stopping broker $pid (SIGTERM)"
  kill -TERM "$pid"
  for _ in $(seq 1 120); do
    if ! kill -0 "$pid" 2>/dev/null; then rm -f "$PID_FILE"; say "stopped"; return 0; fi
    sleep 0.5
  done
  say "broker $pid did not stop within 60s; killing it"; kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) resolve_jars; port_open "$PORT" && answers_metadata ;;
  version) resolve_jars; echo "Apache Kafka $(java -cp "$LIBS/*" $LOG_OPTS kafka.Kafka --version 2>/dev/null | tail -n 1) (KRaft, Java $(java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p'))" ;;
  *) echo "usage: $0 start|stop|status|version" >&2; exit 2 ;;
esac
