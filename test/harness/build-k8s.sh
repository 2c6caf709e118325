#!/usr/bin/env bash
# Builds the control plane (kube-apiserver, kube-controller-manager, kube-scheduler and kubectl
# in one `go build`), etcd and kwok from the Go module proxy into per-version cache directories
# outside the repository. Reuses binaries that are already there.
#
#   test/harness/build-k8s.sh            # prints the binary paths when done
#
# Environment:
#   VRS_CACHE_DIR     cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/vpc-route-sync)
#   KUBE_VERSION      k8s.io/kubernetes tag (default below)
#   ETCD_VERSION      go.etcd.io/etcd tag (default below)
#   KWOK_VERSION      sigs.k8s.io/kwok tag (default below)
set -euo pipefail

KUBE_VERSION="${KUBE_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
CACHE_ROOT="${VRS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vpc-route-sync}"
KUBE_DIR="$CACHE_ROOT/kube-$KUBE_VERSION"
KWOK_DIR="$CACHE_ROOT/kwok-$KWOK_VERSION"
KUBE_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl)
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
  local missing=0 cmd
  for cmd in "${KUBE_COMMANDS[@]}"; do [[ -x "$KUBE_DIR/$cmd" ]] || missing=1; done
  if ((missing == 0)); then
    log "control plane $KUBE_VERSION cached in $KUBE_DIR"
    return
  fi
  local staging="v0.${KUBE_VERSION#v1.}"
  local work
  work="$(mktemp -d)"
  mkdir -p "$KUBE_DIR"
  log "building ${KUBE_COMMANDS[*]} $KUBE_VERSION (staging modules at $staging); a cold build takes about 8 minutes"
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
    local pkgs=() out="$KUBE_DIR/.tmp"
    for cmd in "${KUBE_COMMANDS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$cmd"); done
    log "compiling ${pkgs[*]} (one go build) ..."
    rm -rf "$out" && mkdir -p "$out"
    go build -trimpath -ldflags="$ldflags" -o "$out/" "${pkgs[@]}"
  )
  for cmd in "${KUBE_COMMANDS[@]}"; do mv "$KUBE_DIR/.tmp/$cmd" "$KUBE_DIR/$cmd"; done
  rm -rf "$work" "$KUBE_DIR/.tmp"
  log "control plane built in $KUBE_DIR"
}

build_kwok() {
  if [[ -x "$KWOK_DIR/kwok" ]]; then
    log "kwok $KWOK_VERSION cached at $KWOK_DIR/kwok"
    return
  fi
  log "building kwok $KWOK_VERSION (sigs.k8s.io/kwok/cmd/kwok) ..."
  mkdir -p "$KWOK_DIR"
  GOBIN="$KWOK_DIR/.tmp" go install -trimpath -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  mv "$KWOK_DIR/.tmp/kwok" "$KWOK_DIR/kwok"
  rm -rf "$KWOK_DIR/.tmp"
  log "kwok built: $KWOK_DIR/kwok"
}

build_etcd
build_kube
build_kwok
echo "ETCD_BIN=$ETCD_DIR/etcd"
echo "KUBE_APISERVER_BIN=$KUBE_DIR/kube-apiserver"
echo "KUBE_CONTROLLER_MANAGER_BIN=$KUBE_DIR/kube-controller-manager"
echo "KUBE_SCHEDULER_BIN=$KUBE_DIR/kube-scheduler"
echo "KUBECTL_BIN=$KUBE_DIR/kubectl"
echo "KWOK_BIN=$KWOK_DIR/kwok"
