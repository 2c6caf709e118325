#!/usr/bin/env bash
# Stops the LocalStack started by start.sh on LOCALSTACK_PORT and removes its state directory.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=localstack/env.sh
source "$HERE/env.sh"
log() { printf '[localstack] %s\n' "$*" >&2; }

if [[ ! -f "$LS_STATE_DIR/pid" ]]; then
  log "not running on port $LS_PORT"
  exit 0
fi
pid="$(cat "$LS_STATE_DIR/pid")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for 10s; killing"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
fi
rm -rf "$LS_STATE_DIR"
log "stopped (port $LS_PORT)"
