#!/usr/bin/env bash
# Starts LocalStack (EC2 only) in host mode on 127.0.0.1, without Docker and fully offline,
# then waits until its health endpoint reports EC2 available. Installs the venv first if needed.
#
#   LOCALSTACK_PORT=4566 localstack/start.sh     # prints LOCALSTACK_ENDPOINT=http://127.0.0.1:4566
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=localstack/env.sh
source "$HERE/env.sh"
log() { printf '[localstack] %s\n' "$*" >&2; }

"$HERE/install.sh"

if [[ -f "$LS_STATE_DIR/pid" ]] && kill -0 "$(cat "$LS_STATE_DIR/pid")" 2>/dev/null; then
  log "already running on port $LS_PORT (pid $(cat "$LS_STATE_DIR/pid"))"
  echo "LOCALSTACK_ENDPOINT=$LS_ENDPOINT"
  exit 0
fi
rm -rf "$LS_STATE_DIR"
mkdir -p "$LS_STATE_DIR/fs" "$LS_STATE_DIR/tmp"

# Offline, loopback-only settings: no DNS server, no certificate or infra downloads,
# no analytics, no persistence; EC2 instances are plain records (mock VM manager).
# Hypercorn, because the Twisted gateway ignores the host part of GATEWAY_LISTEN and binds 0.0.0.0.
env \
  GATEWAY_LISTEN="127.0.0.1:$LS_PORT" \
  LOCALSTACK_HOST="127.0.0.1:$LS_PORT" \
  SERVICES=ec2 \
  GATEWAY_SERVER=hypercorn \
  EAGER_SERVICE_LOADING=1 \
  DNS_ADDRESS=0 \
  SKIP_SSL_CERT_DOWNLOAD=1 \
  DISABLE_EVENTS=1 \
  LOCALSTACK_TELEMETRY_DISABLED=1 \
  PERSISTENCE=0 \
  EC2_VM_MANAGER=mock \
  FILESYSTEM_ROOT="$LS_STATE_DIR/fs" \
  LS_LOG="${LS_LOG:-warn}" \
  setsid "$LS_VENV/bin/python" -m localstack.runtime.main >"$LS_STATE_DIR/localstack.log" 2>&1 </dev/null &
echo $! >"$LS_STATE_DIR/pid"
log "started pid $(cat "$LS_STATE_DIR/pid"), log $LS_STATE_DIR/localstack.log; waiting for EC2"

deadline=$((SECONDS + ${LOCALSTACK_START_TIMEOUT:-120}))
until curl -sf "$LS_ENDPOINT/_localstack/health" 2>/dev/null | grep -Eq '"ec2": *"(available|running)"'; do
  if ! kill -0 "$(cat "$LS_STATE_DIR/pid")" 2>/dev/null; then
    log "LocalStack exited during start-up; last lines of its log:"
    tail -n 30 "$LS_STATE_DIR/localstack.log" >&2
    exit 1
  fi
  if ((SECONDS > deadline)); then
    log "EC2 not healthy after ${LOCALSTACK_START_TIMEOUT:-120}s; last lines of its log:"
    tail -n 30 "$LS_STATE_DIR/localstack.log" >&2
    "$HERE/stop.sh" || true
    exit 1
  fi
  sleep 0.5
done
log "EC2 ready at $LS_ENDPOINT"
echo "LOCALSTACK_ENDPOINT=$LS_ENDPOINT"
