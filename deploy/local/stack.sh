#!/usr/bin/env bash
# The local stack without Docker: Apache Kafka (KRaft, one combined node), Apicurio Registry
# (Confluent-compatible API) and Redis, each a process on 127.0.0.1 with its data, log and pid
# file under $STACK_DIR (.stack/ unless set). Usage: stack.sh deps | up | down | status | env | logs | acls,
# and `stop|start kafka|registry|redis` for one service of a running stack.
#
# BROKERS=3 (`make up BROKERS=3`) runs Kafka as a cluster of three combined KRaft nodes (kafka-1/, kafka-2/,
# kafka-3/ under $STACK_DIR, one cluster id, a static quorum of the three controllers) with replication factor
# 3 and min.insync.replicas 2, on ports 19092/19093, 19094/19095, 19096/19097 (client/controller) unless
# KAFKA_PORTS and KAFKA_CONTROLLER_PORTS list others (comma-separated, one per node). `up` records the count in
# $STACK_DIR/kafka.brokers, so `status`, `env` and `logs` need no BROKERS; `down` stops every node there is.
#
# The single node also listens on KAFKA_PORT + 10 and advertises that listener as KAFKA_PORT + 11, where nothing
# listens unless a test puts a TCP proxy there: clients bootstrapped on the proxy then reach the broker only
# through it, so the test can delay, stall or cut their connections (test/chaos/network-faults.test.ts).
#
# SECURE=1 (`make up SECURE=1`, `make down SECURE=1`, ...) runs the secure stack beside the plain one,
# under .stack-secure/ on ports 19192 (Kafka), 19193 (controller), 18181/18182 (registry), 16479 (Redis):
# Kafka on TLS + SASL/SCRAM-SHA-512 with ACLs, Redis on TLS + AUTH, certificates made by openssl at the
# first start (.stack-secure/tls/ca.crt is the CA clients trust); the registry stays plain HTTP on
# 127.0.0.1. The principals orchestrator, worker, gateway and admin (super user) get generated
# passwords; each principal's settings, credentials included, are in .stack-secure/clients/<name>.env
# (mode 600; `set -a; . .stack-secure/clients/orchestrator.env; set +a`), and `env` prints no secret.
# `acls` applies the ACLs (secure/acl-plan.sh) for the deployment that STATEWRIGHT_PREFIX,
# STATEWRIGHT_GROUP, WORKER_GROUP and STATEWRIGHT_PROJECTION_GROUP name (the services' defaults when
# unset); `up` applies them too.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
secure=${SECURE:-0}
case "$secure" in
  0 | false | '') secure= ;;
  1 | true) secure=1 ;;
  *) echo "[stack] SECURE must be 1 or 0, not $secure" >&2; exit 2 ;;
esac
if [ -n "$secure" ]; then
  STACK_DIR=${STACK_DIR:-$root/.stack-secure}
  KAFKA_PORT=${KAFKA_PORT:-19192}
  KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19193}
  REGISTRY_PORT=${REGISTRY_PORT:-18181}
  REGISTRY_MANAGEMENT_PORT=${REGISTRY_MANAGEMENT_PORT:-18182}
  REDIS_PORT=${REDIS_PORT:-16479}
fi
STACK_DIR=${STACK_DIR:-$root/.stack}
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
REGISTRY_PORT=${REGISTRY_PORT:-18081}
REGISTRY_MANAGEMENT_PORT=${REGISTRY_MANAGEMENT_PORT:-18082}
REDIS_PORT=${REDIS_PORT:-16379}
# The broker count: BROKERS when set, else what the last `up` here recorded, else one.
brokers_file="$STACK_DIR/kafka.brokers"
recorded_brokers=$(cat "$brokers_file" 2>/dev/null || true)
BROKERS=${BROKERS:-${recorded_brokers:-1}}
case "$BROKERS" in
  1 | 3) ;;
  *) echo "[stack] BROKERS must be 1 or 3, not $BROKERS" >&2; exit 2 ;;
esac
[ "$BROKERS" = 1 ] || [ -z "$secure" ] || { echo "[stack] the secure stack runs one broker: BROKERS=3 is for the plain one" >&2; exit 2; }
if [ "$BROKERS" = 1 ]; then
  KAFKA_HEAP=${KAFKA_HEAP:--Xms256m -Xmx768m}
  kafka_ports=("$KAFKA_PORT")
  controller_ports=("$KAFKA_CONTROLLER_PORT")
else
  # Three JVMs beside Apicurio and the tests on a small machine: a smaller heap each.
  KAFKA_HEAP=${KAFKA_HEAP:--Xms128m -Xmx512m}
  IFS=, read -r -a kafka_ports <<<"${KAFKA_PORTS:-$KAFKA_PORT,$((KAFKA_PORT + 2)),$((KAFKA_PORT + 4))}"
  IFS=, read -r -a controller_ports <<<"${KAFKA_CONTROLLER_PORTS:-$KAFKA_CONTROLLER_PORT,$((KAFKA_CONTROLLER_PORT + 2)),$((KAFKA_CONTROLLER_PORT + 4))}"
  if ((${#kafka_ports[@]} != BROKERS || ${#controller_ports[@]} != BROKERS)); then
    echo "[stack] KAFKA_PORTS and KAFKA_CONTROLLER_PORTS must each list $BROKERS ports" >&2
    exit 2
  fi
fi
REGISTRY_HEAP=${REGISTRY_HEAP:--Xmx384m}
READY_TIMEOUT_S=${READY_TIMEOUT_S:-120}

kafka_brokers=$(printf '127.0.0.1:%s,' "${kafka_ports[@]}")
kafka_brokers=${kafka_brokers%,}
registry_url="http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
redis_url="redis://127.0.0.1:$REDIS_PORT"

say() { printf '[stack] %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

pid_of() { cat "$STACK_DIR/$1/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# The Temurin JDK beside the system one runs Apicurio (compiled for Java 21 from 3.2 on).
java_for_registry() {
  if [ -n "${REGISTRY_JAVA:-}" ]; then echo "$REGISTRY_JAVA"; return; fi
  local candidate
  for candidate in /usr/lib/jvm/temurin-2[1-9]*/bin/java /usr/lib/jvm/java-2[1-9]*/bin/java; do
    [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  [ "${major:-0}" -ge 21 ] 2>/dev/null && { echo java; return; }
  die "Apicurio Registry needs Java 21 or newer: install one, or set REGISTRY_JAVA to its java binary"
}

require_tools() {
  command -v java >/dev/null || die "java is missing: install Java 17+ (Kafka) and 21+ (Apicurio)"
  command -v mvn >/dev/null || die "mvn is missing: install Maven (it fetches Kafka and Apicurio from Maven Central)"
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v kcat >/dev/null || missing+=(kcat)
  command -v curl >/dev/null || missing+=(curl)
  [ -z "$secure" ] || command -v openssl >/dev/null || missing+=(openssl)
  if ((${#missing[@]})); then
    [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]})"
    say "installing ${missing[*]} from Debian"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

fetch_artifacts() {
  local stamp="$STACK_DIR/.artifacts"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$here/pom.xml" ] && [ -f "$STACK_DIR/apicurio/quarkus-run.jar" ]; then
    return
  fi
  say "resolving Kafka and Apicurio Registry from Maven Central (first run only)"
  rm -rf "$STACK_DIR/kafka/libs" "$STACK_DIR/apicurio"
  mvn -q -B -f "$here/pom.xml" package -Dstack.dir="$STACK_DIR" || die "maven could not resolve the stack's artifacts"
  touch "$stamp"
}

wait_until() { # name, check command...
  local name=$1; shift
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then
      say "$name exited during start; last lines of $STACK_DIR/$name/$name.log:"
      tail -n 40 "$STACK_DIR/$name/$name.log" >&2 || true
      exit 1
    fi
    if ((SECONDS > deadline)); then
      say "$name not ready after ${READY_TIMEOUT_S}s; last lines of $STACK_DIR/$name/$name.log:"
      tail -n 40 "$STACK_DIR/$name/$name.log" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
}

kafka_ready() { kcat -b "$kafka_brokers" -L -m 3 -J 2>/dev/null | grep -q '"brokers"'; }
registry_ready() { curl -sf "$registry_url/subjects" >/dev/null; }
redis_ready() { [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

kafka_properties() {
  cat <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,PROXIED://127.0.0.1:$((KAFKA_PORT + 10))
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,PROXIED://127.0.0.1:$((KAFKA_PORT + 11))
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT
log.dirs=$STACK_DIR/kafka/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.segment.bytes=67108864
EOF
}

start_kafka() {
  if alive kafka; then say "kafka already running (pid $(pid_of kafka))"; return; fi
  local dir="$STACK_DIR/kafka" cp="$STACK_DIR/kafka/libs/*"
  mkdir -p "$dir/data"
  kafka_properties >"$dir/server.properties"
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id
    id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    java -cp "$cp" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; die "kafka storage format failed"; }
  fi
  # shellcheck disable=SC2086
  nohup java $KAFKA_HEAP -XX:+UseG1GC -Djava.awt.headless=true \
    -Dorg.apache.logging.log4j.level=INFO -Dlog4j2.level=INFO \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
  say "kafka starting (pid $!)"
}

# A node of the cluster: the single node's settings with its own id, ports and log dir, the static quorum of
# all nodes, and the replication that makes the loss of one node harmless (acks=all needs two in sync).
cluster_node_properties() { # node id, 1-based
  local id=$1 voters='' n
  for ((n = 1; n <= BROKERS; n++)); do voters+="${voters:+,}$n@127.0.0.1:${controller_ports[n - 1]}"; done
  kafka_properties | grep -Ev '^(node\.id|controller\.quorum\.voters|listeners|advertised\.listeners|log\.dirs|[a-z.]+\.replication\.factor|[a-z.]+\.min\.isr)='
  cat <<EOF
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${kafka_ports[id - 1]},CONTROLLER://127.0.0.1:${controller_ports[id - 1]}
advertised.listeners=PLAINTEXT://127.0.0.1:${kafka_ports[id - 1]}
log.dirs=$STACK_DIR/kafka-$id/data
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
EOF
}

# One cluster id for every node, made at the first start and kept beside the nodes' log dirs.
cluster_id() {
  local file="$STACK_DIR/kafka.cluster-id"
  if [ ! -s "$file" ]; then
    java -cp "$STACK_DIR/kafka/libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 >"$file"
  fi
  cat "$file"
}

start_cluster_node() { # node id, cluster id
  local name="kafka-$1" dir="$STACK_DIR/kafka-$1" cp="$STACK_DIR/kafka/libs/*"
  if alive "$name"; then say "$name already running (pid $(pid_of "$name"))"; return; fi
  mkdir -p "$dir/data"
  cluster_node_properties "$1" >"$dir/server.properties"
  if [ ! -f "$dir/data/meta.properties" ]; then
    java -cp "$cp" kafka.tools.StorageTool format -t "$2" -c "$dir/server.properties" >"$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; die "$name storage format failed"; }
  fi
  # Appended: a node started again after a crash keeps the log of its previous run.
  # shellcheck disable=SC2086
  nohup java $KAFKA_HEAP -XX:+UseG1GC -Djava.awt.headless=true \
    -Dorg.apache.logging.log4j.level=INFO -Dlog4j2.level=INFO \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >>"$dir/$name.log" 2>&1 </dev/null &
  echo $! >"$dir/$name.pid"
  say "$name starting (pid $!)"
}

# A node is ready when it answers metadata naming every node of the cluster.
cluster_node_ready() { # client port
  kcat -b "127.0.0.1:$1" -L -m 3 2>/dev/null | grep -q "^ $BROKERS brokers:"
}

# The Kafka processes of this state directory, whatever the count the last `up` had.
kafka_nodes() {
  local dir
  for dir in "$STACK_DIR"/kafka "$STACK_DIR"/kafka-[0-9]*; do
    [ -d "$dir" ] && basename "$dir"
  done
  return 0
}

start_kafka_nodes() {
  if [ "$BROKERS" = 1 ]; then start_kafka; return; fi
  local id n
  id=$(cluster_id)
  for ((n = 1; n <= BROKERS; n++)); do start_cluster_node "$n" "$id"; done
}

wait_kafka_nodes() {
  if [ "$BROKERS" = 1 ]; then wait_until kafka kafka_ready; return; fi
  local n
  for ((n = 1; n <= BROKERS; n++)); do wait_until "kafka-$n" cluster_node_ready "${kafka_ports[n - 1]}"; done
}

# Non-zero, naming each, when a node is down.
kafka_status() {
  if [ "$BROKERS" = 1 ]; then
    alive kafka && kafka_ready || { say "kafka is down"; return 1; }
    return 0
  fi
  local n down=0
  for ((n = 1; n <= BROKERS; n++)); do
    alive "kafka-$n" && cluster_node_ready "${kafka_ports[n - 1]}" || { say "kafka-$n is down"; down=1; }
  done
  return $down
}

# Every node at once: stopped one after the other, the last ones would wait for a quorum that is gone.
stop_kafka_nodes() {
  local name
  for name in $(kafka_nodes); do stop_one "$name" & done
  wait
}

# `up` with a broker count other than the one running here would fight it for its ports.
check_broker_count() {
  [ -n "$recorded_brokers" ] && [ "$recorded_brokers" != "$BROKERS" ] || return 0
  local name
  for name in $(kafka_nodes); do
    alive "$name" && die "Kafka runs here with $recorded_brokers broker(s) ($STACK_DIR): stop it first (make down)"
  done
  return 0
}

start_registry() {
  if alive apicurio; then say "apicurio already running (pid $(pid_of apicurio))"; return; fi
  local dir="$STACK_DIR/apicurio" java_bin
  java_bin=$(java_for_registry)
  # shellcheck disable=SC2086
  nohup "$java_bin" $REGISTRY_HEAP \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MANAGEMENT_PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.url="jdbc:h2:file:$dir/data/registry" \
    -Dapicurio.rules.global.compatibility=BACKWARD \
    -Dapicurio.ccompat.use-canonical-hash=true \
    -Dquarkus.log.level=WARN \
    -jar "$dir/quarkus-run.jar" >"$dir/apicurio.log" 2>&1 </dev/null &
  echo $! >"$dir/apicurio.pid"
  say "apicurio starting (pid $(pid_of apicurio))"
}

# Writes redis.conf (the caller's listener lines, then AOF persistence; private, it may hold a password) and
# starts Redis daemonised, waiting for its pid file.
launch_redis() { # listener lines
  local dir="$STACK_DIR/redis"
  mkdir -p "$dir/data"
  (
    umask 077
    {
      printf '%s\n' "$1"
      cat <<EOF
dir $dir/data
appendonly yes
appendfsync everysec
save ""
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
EOF
    } >"$dir/redis.conf"
  )
  redis-server "$dir/redis.conf" || die "redis-server failed to start; see $dir/redis.log"
  local deadline=$((SECONDS + 10))
  until [ -s "$dir/redis.pid" ] || ((SECONDS > deadline)); do sleep 0.1; done
  say "redis starting (pid $(pid_of redis))"
}

start_redis() {
  if alive redis; then say "redis already running (pid $(pid_of redis))"; return; fi
  launch_redis "bind 127.0.0.1
port $REDIS_PORT"
}

stop_one() {
  local name=$1 pid
  pid=$(pid_of "$name")
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then rm -f "$STACK_DIR/$name/$name.pid"; return; fi
  kill "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then say "$name (pid $pid) did not stop in 30s; killing it"; kill -9 "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$STACK_DIR/$name/$name.pid"
  say "$name stopped"
}

print_env() {
  echo "KAFKA_BROKERS=$kafka_brokers"
  echo "SCHEMA_REGISTRY_URL=$registry_url"
  echo "REDIS_URL=$redis_url"
}

cmd_up() {
  require_tools
  mkdir -p "$STACK_DIR"
  check_broker_count
  fetch_artifacts
  echo "$BROKERS" >"$brokers_file"
  start_redis
  start_kafka_nodes
  start_registry
  wait_until redis redis_ready
  wait_kafka_nodes
  wait_until apicurio registry_ready
  say "ready: data, logs and pid files under $STACK_DIR"
  print_env
}

cmd_down() {
  stop_one apicurio
  stop_kafka_nodes
  stop_one redis
  rm -f "$brokers_file"
}

# One service of a running stack stopped or started again (Kafka on the single-node stack only): what a test
# of a broker restart or a registry outage needs. Data stays: the broker and the registry keep what they held.
cmd_service() { # stop | start, kafka | registry | redis
  local action=$1 service=${2:-}
  case "$service" in
    kafka) [ "$BROKERS" = 1 ] || die "$action kafka is for the single-node stack; a cluster's nodes are kafka-1..$BROKERS" ;;
    registry | redis) ;;
    *) echo "usage: [SECURE=1] $0 $action kafka | registry | redis" >&2; exit 2 ;;
  esac
  local name=$service
  [ "$service" = registry ] && name=apicurio
  if [ "$action" = stop ]; then stop_one "$name"; return; fi
  case "$service" in
    kafka) start_kafka; wait_until kafka kafka_ready ;;
    registry) start_registry; wait_until apicurio registry_ready ;;
    redis) start_redis; wait_until redis redis_ready ;;
  esac
}

cmd_status() {
  local down=0
  kafka_status || down=1
  alive apicurio && registry_ready || { say "apicurio is down"; down=1; }
  alive redis && redis_ready || { say "redis is down"; down=1; }
  print_env
  return $down
}

# shellcheck source=secure/secure-mode.sh
[ -z "$secure" ] || . "$here/secure/secure-mode.sh"

case "${1:-}" in
  deps) require_tools; mkdir -p "$STACK_DIR"; fetch_artifacts ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) print_env ;;
  stop | start) cmd_service "$1" "${2:-}" ;;
  logs) tail -n "${2:-40}" "$STACK_DIR"/*/*.log ;;
  acls) [ -n "$secure" ] || die "acls is for the secure stack: SECURE=1 $0 acls"; cmd_acls ;;
  *) echo "usage: [SECURE=1] $0 deps | up | down | status | env | logs [lines] | acls | stop|start kafka|registry|redis" >&2; exit 2 ;;
esac
