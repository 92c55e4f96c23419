#!/usr/bin/env bash
# FerretDB (MongoDB wire protocol over SQLite) for the storage contract tests of the mongo driver.
#
#   scripts/ferretdb.sh build   build FerretDB once with Go into the cache folder (no-op when it is there);
#                               prints the binary's path
#   scripts/ferretdb.sh path    prints the binary's path if it is built (exit 1 otherwise)
#   scripts/ferretdb.sh start   starts it on a random free loopback port with a fresh SQLite folder, in
#                               the foreground; prints `MONGODB_URI=mongodb://127.0.0.1:PORT/` first
#
# Needs Go 1.24+. Environment: FERRETDB_CACHE (default $HOME/.cache/device-gateway/ferretdb), GO (default: go on PATH,
# else /usr/local/go/bin/go). The binary lands in $FERRETDB_CACHE/v1.24.2/ferretdb, so a fresh clone on
# the same machine (CI) reuses it; Go's own module and build caches make a rebuild cheap too.
set -euo pipefail

VERSION=v1.24.2
CACHE=${FERRETDB_CACHE:-${HOME:-/tmp}/.cache/device-gateway/ferretdb}
BIN_DIR="$CACHE/$VERSION"
BIN="$BIN_DIR/ferretdb"

find_go() {
  if [ -n "${GO:-}" ]; then echo "$GO"; return; fi
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  if [ -x /usr/local/go/bin/go ]; then echo /usr/local/go/bin/go; return; fi
  echo "ferretdb.sh: no Go toolchain (set GO=/path/to/go)" >&2
  exit 1
}

build() {
  if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "version: $VERSION"; then
    echo "$BIN"
    return
  fi
  local go
  go=$(find_go)
  mkdir -p "$BIN_DIR"
  echo "ferretdb.sh: building FerretDB $VERSION with $("$go" version)..." >&2
  local t0=$SECONDS src
  # Not `go install ...@$VERSION`: that binary panics at start ("Invalid build/version/version.txt"),
  # because the module as published lacks the generated build/version/version.txt. So: fetch the module
  # (Go module proxy), copy its source, write that one file, build its cmd/ferretdb.
  local dir
  dir=$("$go" mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { echo "ferretdb.sh: go mod download gave no source folder" >&2; exit 1; }
  src=$(mktemp -d "${TMPDIR:-/tmp}/ferretdb-src.XXXXXX")
  cp -R "$dir/." "$src/"
  chmod -R u+w "$src"
  echo "$VERSION" >"$src/build/version/version.txt"
  # CGO off: FerretDB's SQLite backend is pure Go (modernc.org/sqlite).
  (cd "$src" && CGO_ENABLED=0 "$go" build -buildvcs=false -trimpath -o "$BIN.tmp" ./cmd/ferretdb) >&2
  rm -rf "$src"
  mv "$BIN.tmp" "$BIN"
  "$BIN" --version >&2
  echo "ferretdb.sh: built in $((SECONDS - t0)) s: $BIN" >&2
  echo "$BIN"
}

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

start() {
  local bin=${FERRETDB_BIN:-$BIN}
  [ -x "$bin" ] || { echo "ferretdb.sh: $bin is not built; run: scripts/ferretdb.sh build" >&2; exit 1; }
  local port dir
  port=$(free_port)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/ferretdb.XXXXXX")
  echo "MONGODB_URI=mongodb://127.0.0.1:$port/"
  "$bin" --handler=sqlite --sqlite-url="file:$dir/" --listen-addr="127.0.0.1:$port" \
    --telemetry=disable --debug-addr=- --log-level=warn --state-dir="$dir" &
  local pid=$!
  # Stop FerretDB and remove its data with this script, on Ctrl-C or kill as much as on its own exit.
  trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  wait "$pid"
}

case "${1:-}" in
  build) build ;;
  path) [ -x "$BIN" ] && echo "$BIN" || exit 1 ;;
  start) start ;;
  *) echo "usage: $0 build|path|start" >&2; exit 2 ;;
esac
