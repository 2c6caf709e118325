#!/usr/bin/env bash
# Builds helm (and kustomize, which checks the generated overlays) from the Go module proxy
# into a per-version cache directory outside the repository, like build-k8s.sh. Reuses
# binaries that are already there.
#
#   test/harness/build-helm.sh            # prints the two binary paths when done
#
# Environment:
#   VRS_CACHE_DIR       cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/vpc-route-sync)
#   HELM_VERSION        helm.sh/helm/v4 tag (default below; needs Go >= 1.26)
#   KUSTOMIZE_VERSION   sigs.k8s.io/kustomize/kustomize/v5 tag (default below; v5.8.3 needs Go 1.27)
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v4.3.1}"
KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-v5.8.2}"
CACHE_ROOT="${VRS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vpc-route-sync}"
HELM_DIR="$CACHE_ROOT/helm-$HELM_VERSION"
KUSTOMIZE_DIR="$CACHE_ROOT/kustomize-$KUSTOMIZE_VERSION"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

log() { printf '[build-helm] %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  log "go is not on PATH; install Go >= 1.26 (the helm build needs it)"
  exit 1
fi

# go install <module>/cmd/<tool>@<version> into $dir, through a temporary GOBIN so that a
# half-built binary is never mistaken for a cached one.
build() {
  local name="$1" package="$2" version="$3" dir="$4" ldflags="$5"
  if [[ -x "$dir/$name" ]]; then
    log "$name $version cached at $dir/$name"
    return
  fi
  local started=$SECONDS work
  work="$(mktemp -d)"
  mkdir -p "$dir"
  log "building $name $version ($package); a cold build takes up to several minutes"
  GOBIN="$work" go install -trimpath -ldflags="$ldflags" "$package@$version"
  mv "$work/$name" "$dir/$name"
  rm -rf "$work"
  log "$name built in $((SECONDS - started)) s: $dir/$name"
}

build helm helm.sh/helm/v4/cmd/helm "$HELM_VERSION" "$HELM_DIR" \
  "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION"
build kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION" "$KUSTOMIZE_DIR" "-s -w"
echo "HELM_BIN=$HELM_DIR/helm"
echo "KUSTOMIZE_BIN=$KUSTOMIZE_DIR/kustomize"
