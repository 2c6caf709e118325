#!/usr/bin/env bash
# Regenerates deploy/manifests/{base,overlays} from the Helm chart (see generate-manifests.ts).
# Builds helm from the Go module proxy on first use (cached like the test harness's binaries).
# Run it after every chart change; test/integration/deploy-manifests.test.ts fails while the
# committed manifests differ from a fresh rendering.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
helm_bin="$(test/harness/build-helm.sh | sed -n 's/^HELM_BIN=//p')"
# Node.js >= 24 runs the TypeScript file directly; prefer the project's own node.
node_bin="node"
[[ -x node_modules/.bin/node ]] && node_bin="node_modules/.bin/node"
exec "$node_bin" deploy/generate-manifests.ts "$helm_bin"
