# shellcheck shell=bash
# Sourced by stack.sh in secure mode: a local CA and the server certificates it signs, made with openssl
# at the first secure start and kept under $tls_dir. Each server certificate names IP:127.0.0.1 and
# DNS:localhost; private keys are unencrypted PKCS#8 PEM files readable by their owner only.

tls_dir="$STACK_DIR/tls"
ca_cert="$tls_dir/ca.crt"
# The broker's certificate is also its identity towards the controller listener (mutual TLS).
broker_principal="User:CN=statewright-broker"

certificate_extensions() { # extended key usage
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
    "extendedKeyUsage=$1" 'subjectAltName=IP:127.0.0.1,DNS:localhost'
}

sign_certificate() { # name, common name, extended key usage → $tls_dir/<name>.key and <name>.crt
  local name=$1 cn=$2 usage=$3
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tls_dir/$name.key" 2>/dev/null &&
    openssl req -new -key "$tls_dir/$name.key" -subj "/CN=$cn" -out "$tls_dir/$name.csr" 2>/dev/null &&
    openssl x509 -req -in "$tls_dir/$name.csr" -CA "$ca_cert" -CAkey "$tls_dir/ca.key" -CAcreateserial \
      -days 825 -sha256 -extfile <(certificate_extensions "$usage") -out "$tls_dir/$name.crt" 2>/dev/null &&
    rm -f "$tls_dir/$name.csr"
}

# The CA; the broker's certificate (server, and client towards the controller) with its PEM keystore
# (key, then certificate); Redis's server certificate. Made again as a whole when any part is missing.
make_certificates() {
  [ -f "$tls_dir/broker.pem" ] && [ -f "$tls_dir/redis.crt" ] && return
  say "making a local CA and server certificates with openssl under $tls_dir"
  rm -rf "$tls_dir"
  (umask 077 && mkdir -p "$tls_dir")
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls_dir/ca.key" -out "$ca_cert" -days 825 -sha256 \
    -subj "/CN=statewright local CA" \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null ||
    die "openssl could not make the CA"
  sign_certificate redis statewright-redis serverAuth || die "openssl could not sign the Redis certificate"
  sign_certificate broker statewright-broker serverAuth,clientAuth || die "openssl could not sign the broker certificate"
  cat "$tls_dir/broker.key" "$tls_dir/broker.crt" >"$tls_dir/broker.pem"
  chmod 600 "$tls_dir"/*.key "$tls_dir/broker.pem"
}
