#!/usr/bin/env bash
# Builds the two Go tools the chart's tests run, from the Go module proxy (no release
# downloads), into ${LATHE_CACHE:-$HOME/.cache/lathe}:
#   helm/<helm-version>/helm                 the real helm CLI, helm.sh/helm/v3/cmd/helm
#   lua-health/<source-hash>/lua-health      Argo CD health scripts on gopher-lua (lua-health/)
# Versions come from go.mod / go.sum next to this script (GOFLAGS=-mod=readonly: a build never
# rewrites them). lua-health is keyed by the hash of its source and go.sum, so an edit rebuilds it.
# A tool already in place is not rebuilt. Prints the two binaries' paths as the last two lines.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
export GOFLAGS="-mod=readonly"
export CGO_ENABLED=0

cache="${LATHE_CACHE:-$HOME/.cache/lathe}"
helm_version="$(go list -m -f '{{.Version}}' helm.sh/helm/v3)"
lua_version="$(go list -m -f '{{.Version}}' github.com/yuin/gopher-lua)"
lua_hash="$(cat lua-health/*.go go.mod go.sum | sha256sum | cut -c1-16)"
helm_out="$cache/helm/$helm_version"
lua_out="$cache/lua-health/$lua_hash"

# Built into a temporary directory and moved into place last, so an interrupted build never looks
# finished and two builds racing each other both end with a complete binary.
build() { # name output-dir package ldflags
  local name="$1" out="$2" pkg="$3" ldflags="$4"
  if [[ -x "$out/$name" ]]; then
    echo "$name already built in $out: nothing to do" >&2
    return
  fi
  mkdir -p "$out"
  local stage start
  stage="$(mktemp -d "$out/.build.XXXXXX")"
  start=$(date +%s)
  echo "building $name ($pkg) with $(go version | awk '{print $3}') on $(nproc) cores" >&2
  go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$stage/$name" "$pkg"
  mv -f "$stage/$name" "$out/$name"
  rm -rf "$stage"
  echo "$name build time: $(($(date +%s) - start)) s" >&2
}

# Same -X flag as helm's Makefile, so `helm version` says v3.22.0 rather than the main branch's.
build helm "$helm_out" helm.sh/helm/v3/cmd/helm \
  "-s -w -X helm.sh/helm/v3/internal/version.version=${helm_version} -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
build lua-health "$lua_out" ./lua-health "-s -w"
echo "gopher-lua ${lua_version}" >"$lua_out/BUILD-INFO"
echo "$helm_out/helm"
echo "$lua_out/lua-health"
