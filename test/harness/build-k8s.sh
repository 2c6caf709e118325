#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy into a per-version cache
# directory outside the repository. Reuses binaries that are already there.
#
#   test/harness/build-k8s.sh            # prints the two binary paths when done
#
# Environment:
#   VRS_CACHE_DIR     cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/vpc-route-sync)
#   KUBE_VERSION      k8s.io/kubernetes tag (default below)
#   ETCD_VERSION      go.etcd.io/etcd tag (default below)
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
CACHE_ROOT="${VRS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vpc-route-sync}"
KUBE_DIR="$CACHE_ROOT/kube-apiserver-$KUBE_VERSION"
ETCD_DIR="$CACHE_ROOT/etcd-$ETCD_VERSION"
export GOFLAGS="-mod=mod"
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export CGO_ENABLED=0

log() { printf '[build-k8s] %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
  log "go is not on PATH; install Go >= 1.26 (the kube-apiserver build needs it)"
  exit 1
fi

build_etcd() {
  if [[ -x "$ETCD_DIR/etcd" ]]; then
    log "etcd $ETCD_VERSION cached at $ETCD_DIR/etcd"
    return
  fi
  log "building etcd $ETCD_VERSION (go.etcd.io/etcd/server/v3) ..."
  local work
  work="$(mktemp -d)"
  mkdir -p "$ETCD_DIR"
  (
    cd "$work"
    go mod init vrs-etcd-build >/dev/null 2>&1
    go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2
    go build -trimpath -ldflags="-s -w" -o "$ETCD_DIR/etcd.tmp" go.etcd.io/etcd/server/v3
  )
  mv "$ETCD_DIR/etcd.tmp" "$ETCD_DIR/etcd"
  rm -rf "$work"
  log "etcd built: $ETCD_DIR/etcd"
}

build_kube() {
  if [[ -x "$KUBE_DIR/kube-apiserver" ]]; then
    log "kube-apiserver $KUBE_VERSION cached at $KUBE_DIR/kube-apiserver"
    return
  fi
  local staging="v0.${KUBE_VERSION#v1.}"
  local work
  work="$(mktemp -d)"
  mkdir -p "$KUBE_DIR"
  log "building kube-apiserver $KUBE_VERSION (staging modules at $staging); a cold build takes several minutes"
  (
    cd "$work"
    go mod init vrs-kube-build >/dev/null 2>&1
    local gomod
    gomod="$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
    # Replace every staging module (./staging/src/k8s.io/X in kubernetes' go.mod)
    # with its published tag, which is what makes k8s.io/kubernetes buildable as a dependency.
    grep -oE 'k8s.io/[a-z0-9-]+ => ./staging/src/k8s.io/[a-z0-9-]+' "$gomod" | awk '{print $1}' | sort -u |
      while read -r mod; do
        go mod edit -replace "$mod=$mod@$staging"
      done
    go mod edit -require "k8s.io/kubernetes@$KUBE_VERSION"
    log "resolving modules ..."
    go mod download -x k8s.io/kubernetes 2>&1 | grep -c '^# get' >/dev/null || true
    local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2)"
    log "compiling k8s.io/kubernetes/cmd/kube-apiserver ..."
    go build -trimpath -ldflags="$ldflags" -o "$KUBE_DIR/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  )
  mv "$KUBE_DIR/kube-apiserver.tmp" "$KUBE_DIR/kube-apiserver"
  rm -rf "$work"
  log "kube-apiserver built: $KUBE_DIR/kube-apiserver"
}

build_etcd
build_kube
echo "ETCD_BIN=$ETCD_DIR/etcd"
echo "KUBE_APISERVER_BIN=$KUBE_DIR/kube-apiserver"
