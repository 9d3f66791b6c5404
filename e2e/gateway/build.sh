#!/usr/bin/env bash
# Builds Traefik (the local cluster's Gateway API implementation) from Go modules
# and copies the Gateway API standard-channel CRDs out of the pinned
# sigs.k8s.io/gateway-api module, into
#   ${LATHE_CACHE:-$HOME/.cache/lathe}/gateway/traefik-<version>/traefik
#   ${LATHE_CACHE:-$HOME/.cache/lathe}/gateway/gateway-api-<version>/standard/*.yaml
#
# Versions come from go.mod / go.sum next to this script. When both are already
# in place the script prints a line and does nothing. See README.md for the
# measured build time and memory.
#
# Prints the directory holding the traefik binary as its last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
source "$here/../scripts/measured-go-build.sh"

# Build exactly what go.mod/go.sum pin; never rewrite them during a build.
export GOFLAGS="-mod=readonly"
export CGO_ENABLED=0 # a static binary, as Traefik's releases are

traefik_version="$(go list -m -f '{{.Version}}' github.com/traefik/traefik/v3)"
traefik_time="$(go list -m -f '{{with .Time}}{{.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' github.com/traefik/traefik/v3)"
gateway_api_version="$(go list -m -f '{{.Version}}' sigs.k8s.io/gateway-api)"

cache="${LATHE_CACHE:-$HOME/.cache/lathe}/gateway"
out="$cache/traefik-${traefik_version}"
crds="$cache/gateway-api-${gateway_api_version}/standard"

if [[ ! -f "$crds/.complete" ]]; then
  # `go mod download` checks the module zip against go.sum before it is used.
  module_dir="$(go mod download -json sigs.k8s.io/gateway-api | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$module_dir/config/crd/standard" ]] || { echo "error: no config/crd/standard in $module_dir" >&2; exit 1; }
  mkdir -p "$(dirname "$crds")"
  crd_stage="$(mktemp -d "$(dirname "$crds")/.crds.XXXXXX")"
  # CustomResourceDefinitions only: the folder also holds a ValidatingAdmissionPolicy
  # (vap_safeupgrades) that guards upgrades of a shared cluster, not needed here.
  for f in "$module_dir"/config/crd/standard/gateway.networking.k8s.io_*.yaml; do
    if grep -q '^kind: CustomResourceDefinition' "$f"; then
      cp "$f" "$crd_stage/"
    fi
  done
  touch "$crd_stage/.complete"
  rm -rf "$crds"
  mv "$crd_stage" "$crds"
  echo "Gateway API ${gateway_api_version} standard-channel CRDs copied from $module_dir into $crds" >&2
fi

if [[ -x "$out/traefik" ]]; then
  echo "Traefik ${traefik_version} already built in $out: nothing to do" >&2
  echo "$out"
  exit 0
fi

measured_stage "$out"

echo "building Traefik ${traefik_version} with $(go version | awk '{print $3}') on $(nproc) cores into $out" >&2

# The version variables Traefik's own release build sets, so `traefik version`
# and the logs say what runs.
ldflags="-s -w"
ldflags+=" -X github.com/traefik/traefik/v3/pkg/version.Version=${traefik_version}"
ldflags+=" -X github.com/traefik/traefik/v3/pkg/version.BuildDate=${traefik_time}"
build=(go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$stage/traefik"
  github.com/traefik/traefik/v3/cmd/traefik)

measured_build "$stage" "${build[@]}"

[[ -x "$stage/traefik" ]] || { echo "error: traefik was not built" >&2; exit 1; }
# Moved into place last, so an interrupted build never looks finished.
mv -f "$stage/traefik" "$out/traefik"

{
  echo "github.com/traefik/traefik/v3 ${traefik_version}"
  echo "sigs.k8s.io/gateway-api ${gateway_api_version}"
  measured_build_info
} >"$out/BUILD-INFO"
du -sh "$out/traefik" | awk '{print "binary: " $1 " " $2}' >&2
echo "$out"
