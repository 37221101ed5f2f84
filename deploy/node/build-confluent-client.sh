#!/usr/bin/env bash
# Builds the native part of the second Kafka client @confluentinc/kafka-javascript (STATEWRIGHT_KAFKA_CLIENT=
# confluent). `npm ci` installs its JavaScript only (package.json's allowScripts denies its install script), so a
# clean clone never compiles librdkafka. Here its install script runs: a prebuilt binary from GitHub when one
# downloads, else librdkafka from the bundled source, linked against Debian's libraries (CKJS_LINKING=dynamic;
# the static default downloads zlib, OpenSSL, zstd and curl sources, which fails offline).
# Usage: build-confluent-client.sh   (from the repository root, Node on PATH)
set -euo pipefail
pkg=node_modules/@confluentinc/kafka-javascript
debs=(g++ make python3 pkg-config libssl-dev zlib1g-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev)
[ -d "$pkg" ] || { echo "build-confluent-client: $pkg is missing; run npm ci first" >&2; exit 1; }
if [ -f "$pkg/build/Release/confluent-kafka-javascript.node" ]; then
  node -e 'require("@confluentinc/kafka-javascript")' && exit 0
fi
missing=()
for deb in "${debs[@]}"; do dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb"); done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "install Debian's ${missing[*]} (librdkafka's build needs them)" >&2; exit 1; }
  apt-get update -qq >/dev/null
  RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# node-gyp compiles against the headers of the Node that runs it, when that Node ships them (an npmrc may name
# another Node's headers with `nodedir`).
node_dir=$(dirname "$(dirname "$(command -v node)")")
if [ -f "$node_dir/include/node/node.h" ]; then export npm_config_nodedir=$node_dir; fi
(cd "$pkg" && CKJS_LINKING=dynamic npm run install --foreground-scripts)
node -e 'require("@confluentinc/kafka-javascript")'
echo "built $pkg ($(node -p 'require("@confluentinc/kafka-javascript").librdkafkaVersion'))"
