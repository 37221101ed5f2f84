# shellcheck shell=bash
# Sourced by stack.sh when SECURE=1: replaces the functions whose secure form differs. Kafka listens
# for clients on SASL_SSL only (SCRAM-SHA-512 users, StandardAuthorizer, ACLs from acl-plan.sh); its
# controller listener takes mutual TLS from the broker's certificate only. Redis takes TLS and AUTH
# only. The schema registry stays plain HTTP on 127.0.0.1.
# shellcheck source=certificates.sh
. "$here/secure/certificates.sh"
# shellcheck source=credentials.sh
. "$here/secure/credentials.sh"
# shellcheck source=acl-plan.sh
. "$here/secure/acl-plan.sh"

kafka_brokers="127.0.0.1:$KAFKA_PORT"
redis_url="rediss://127.0.0.1:$REDIS_PORT"

# The deployment the ACLs are for: the variables and defaults the services read.
acl_prefix=${STATEWRIGHT_PREFIX:-statewright}
orchestrator_group=${STATEWRIGHT_GROUP:-statewright-orchestrator}
worker_group=${WORKER_GROUP:-statewright-example-workers}
gateway_group=${STATEWRIGHT_PROJECTION_GROUP:-$acl_prefix.gateway-projection}

# A TLS handshake the CA vouches for. Not kcat: Debian's librdkafka 2.0 fails SCRAM against this broker.
# Applying the ACLs, which waits for the broker to answer the admin, is the full readiness check.
kafka_ready() {
  openssl s_client -connect "$kafka_brokers" -CAfile "$ca_cert" -verify_return_error -brief </dev/null >/dev/null 2>&1
}

redis_ready() {
  [ "$(REDISCLI_AUTH=$(secret_of redis 2>/dev/null) redis-cli --tls --cacert "$ca_cert" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]
}

# Replace the plain listeners; the rest of the plain broker configuration stays as it is.
secure_kafka_properties() {
  kafka_properties | grep -Ev '^(listeners|advertised\.listeners|inter\.broker\.listener\.name|listener\.security\.protocol\.map)='
  cat <<EOF
listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=$(scram_jaas admin)
listener.name.controller.ssl.client.auth=required
ssl.keystore.type=PEM
ssl.keystore.location=$tls_dir/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$ca_cert
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;$broker_principal
allow.everyone.if.no.acl.found=false
EOF
}

scram_users() {
  local name
  for name in "${principals[@]}"; do
    printf -- '--add-scram\nSCRAM-SHA-512=[name=%s,password=%s]\n' "$name" "$(secret_of "$name")"
  done
}

start_kafka() {
  if alive kafka; then say "kafka already running (pid $(pid_of kafka))"; return; fi
  local dir="$STACK_DIR/kafka" cp="$STACK_DIR/kafka/libs/*"
  mkdir -p "$dir/data"
  (umask 077 && secure_kafka_properties >"$dir/server.properties")
  if [ ! -f "$dir/data/meta.properties" ]; then
    local id users
    id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    mapfile -t users < <(scram_users)
    java -cp "$cp" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" "${users[@]}" \
      >"$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; die "kafka storage format failed"; }
  fi
  # shellcheck disable=SC2086
  nohup java $KAFKA_HEAP -XX:+UseG1GC -Djava.awt.headless=true \
    -Dorg.apache.logging.log4j.level=INFO -Dlog4j2.level=INFO \
    -cp "$cp" kafka.Kafka "$dir/server.properties" >"$dir/kafka.log" 2>&1 </dev/null &
  echo $! >"$dir/kafka.pid"
  say "kafka starting (pid $!)"
}

start_redis() {
  if alive redis; then say "redis already running (pid $(pid_of redis))"; return; fi
  launch_redis "bind 127.0.0.1
port 0
tls-port $REDIS_PORT
tls-cert-file $tls_dir/redis.crt
tls-key-file $tls_dir/redis.key
tls-ca-cert-file $ca_cert
tls-auth-clients no
requirepass $(secret_of redis)"
}

apply_acls() {
  acl_plan "$acl_prefix" "$orchestrator_group" "$worker_group" "$gateway_group" |
    java -cp "$STACK_DIR/kafka/libs/*" "$here/secure/ApplyAcls.java" "$clients_dir/admin.properties" >&2 ||
    die "applying the ACLs failed (ApplyAcls.java runs from source: it needs a JDK, not only a JRE)"
  say "ACLs of topics $acl_prefix.*, groups $orchestrator_group*, $worker_group*, $gateway_group* applied"
}

# No secrets here: each principal's settings, passwords included, are in its env file.
print_env() {
  echo "KAFKA_BROKERS=$kafka_brokers"
  echo "KAFKA_TLS=true"
  echo "KAFKA_TLS_CA_FILE=$ca_cert"
  echo "KAFKA_SASL_MECHANISM=scram-sha-512"
  echo "SCHEMA_REGISTRY_URL=$registry_url"
  echo "REDIS_URL=$redis_url"
  echo "REDIS_TLS_CA_FILE=$ca_cert"
  echo "# each principal's settings with its credentials (mode 600): set -a; . <file>; set +a"
  local name
  for name in "${principals[@]}"; do echo "#   $name: $clients_dir/$name.env"; done
}

# The state directory holds keys, passwords and Kafka's SCRAM records: its owner's only.
cmd_up() {
  require_tools
  mkdir -p "$STACK_DIR"
  chmod 700 "$STACK_DIR"
  fetch_artifacts
  make_certificates
  make_secrets
  write_client_settings
  start_redis
  start_kafka
  start_registry
  wait_until redis redis_ready
  wait_until kafka kafka_ready
  wait_until apicurio registry_ready
  apply_acls
  say "ready (secure): data, logs, pid files, certificates and credentials under $STACK_DIR"
  print_env
}

cmd_acls() {
  alive kafka && kafka_ready || die "the secure stack is not running: make up SECURE=1"
  apply_acls
}
