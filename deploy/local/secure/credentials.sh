# shellcheck shell=bash
# Sourced by stack.sh in secure mode: the principals' passwords and the client settings made from them.
# Passwords come from openssl rand at the first secure start, live in $secrets_dir (mode 600) and are
# never printed; Kafka learns them as SCRAM-SHA-512 users when its storage is formatted. Each principal
# gets $clients_dir/<principal>.env with every KAFKA_* and REDIS_* variable the services read.

secrets_dir="$STACK_DIR/secrets"
clients_dir="$STACK_DIR/clients"
principals=(orchestrator worker gateway admin)

secret_of() { cat "$secrets_dir/$1.password"; }

make_secrets() {
  (umask 077 && mkdir -p "$secrets_dir")
  local name
  for name in "${principals[@]}" redis; do
    [ -s "$secrets_dir/$name.password" ] && continue
    if [ "$name" != redis ] && [ -f "$STACK_DIR/kafka/data/meta.properties" ]; then
      die "$secrets_dir/$name.password is missing but Kafka's users exist: remove $STACK_DIR/kafka/data to make them again"
    fi
    (umask 077 && openssl rand -hex 24 >"$secrets_dir/$name.password") || die "openssl could not make a password"
  done
}

scram_jaas() { # principal
  printf 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";' \
    "$1" "$(secret_of "$1")"
}

client_env() { # principal
  cat <<EOF
KAFKA_BROKERS=$kafka_brokers
KAFKA_TLS=true
KAFKA_TLS_CA_FILE=$ca_cert
KAFKA_SASL_MECHANISM=scram-sha-512
KAFKA_SASL_USERNAME=$1
KAFKA_SASL_PASSWORD=$(secret_of "$1")
SCHEMA_REGISTRY_URL=$registry_url
REDIS_URL=$redis_url
REDIS_TLS_CA_FILE=$ca_cert
REDIS_PASSWORD=$(secret_of redis)
EOF
}

# The admin's settings also as a Java client properties file, for ApplyAcls.java and other Java clients.
admin_properties() {
  cat <<EOF
bootstrap.servers=$kafka_brokers
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=$(scram_jaas admin)
ssl.truststore.type=PEM
ssl.truststore.location=$ca_cert
EOF
}

# Written at every start (the ports may have changed), readable by their owner only.
write_client_settings() {
  (
    umask 077
    mkdir -p "$clients_dir"
    local name
    for name in "${principals[@]}"; do client_env "$name" >"$clients_dir/$name.env"; done
    admin_properties >"$clients_dir/admin.properties"
  )
}
