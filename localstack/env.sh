# Shared settings for the LocalStack scripts; sourced, not executed.
# Pinned runtime version (constraints.txt holds the caps on its dependencies).
LOCALSTACK_VERSION="${LOCALSTACK_VERSION:-4.14.0}"
LS_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LS_VENV="${LS_VENV:-$LS_HOME/.venv}"
LS_PORT="${LOCALSTACK_PORT:-4566}"
LS_STATE_DIR="${LS_STATE_DIR:-$LS_HOME/.state-$LS_PORT}"
LS_ENDPOINT="http://127.0.0.1:$LS_PORT"
