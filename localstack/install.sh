#!/usr/bin/env bash
# Creates the project-local Python venv for LocalStack (localstack/.venv, ignored by git)
# and installs the pinned localstack-core runtime into it. Reuses a venv that already
# has the pinned version.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=localstack/env.sh
source "$HERE/env.sh"

log() { printf '[localstack] %s\n' "$*" >&2; }

if [[ -x "$LS_VENV/bin/python" ]] && "$LS_VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('localstack-core') != '$LOCALSTACK_VERSION')" 2>/dev/null; then
  log "venv ready: localstack-core $LOCALSTACK_VERSION in $LS_VENV"
  exit 0
fi

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  log "$PY is older than 3.10; LocalStack $LOCALSTACK_VERSION needs Python >= 3.10 (set PYTHON=...)"
  exit 1
fi
log "creating venv $LS_VENV and installing localstack-core[runtime]==$LOCALSTACK_VERSION (first time takes a minute or two)"
rm -rf "$LS_VENV"
"$PY" -m venv "$LS_VENV"
"$LS_VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip
# constraints.txt caps transitive releases that break this runtime.
"$LS_VENV/bin/pip" install --quiet --disable-pip-version-check \
  -c "$HERE/constraints.txt" "localstack-core[runtime]==$LOCALSTACK_VERSION"
log "installed localstack-core $LOCALSTACK_VERSION"
