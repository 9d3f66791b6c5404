#!/usr/bin/env bash
# Builds Prometheus (the real server, its cmd/prometheus) from Go modules into
#   ${LATHE_CACHE:-$HOME/.cache/lathe}/prometheus/<version>/prometheus
# for the tests of the evaluation gate's Prometheus source. Without the web UI's
# assets (the builtinassets tag needs the npm-built UI, which no Go module
# carries): the HTTP API, which the gate queries, is all there.
#
# The version comes from go.mod / go.sum next to this script. When the binary is
# already in place the script prints a line and does nothing. See README.md for
# the measured build time and memory.
#
# Prints the directory holding the prometheus binary as its last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
source "$here/../scripts/measured-go-build.sh"

# Build exactly what go.mod/go.sum pin; never rewrite them during a build.
export GOFLAGS="-mod=readonly"
export CGO_ENABLED=0 # a static binary, as Prometheus' releases are

version="$(go list -m -f '{{.Version}}' github.com/prometheus/prometheus)"
version_time="$(go list -m -f '{{with .Time}}{{.UTC.Format "20060102-15:04:05"}}{{end}}' github.com/prometheus/prometheus)"

out="${LATHE_CACHE:-$HOME/.cache/lathe}/prometheus/${version}"

if [[ -x "$out/prometheus" ]]; then
  echo "Prometheus ${version} already built in $out: nothing to do" >&2
  echo "$out"
  exit 0
fi

measured_stage "$out"

echo "building Prometheus ${version} with $(go version | awk '{print $3}') on $(nproc) cores into $out" >&2

# The version variables Prometheus' own release build (promu) sets, so
# `prometheus --version` and /api/v1/status/buildinfo say what runs.
ldflags="-s -w"
ldflags+=" -X github.com/prometheus/common/version.Version=${version}"
ldflags+=" -X github.com/prometheus/common/version.Branch=go-module"
ldflags+=" -X github.com/prometheus/common/version.Revision=go-module-${version}"
ldflags+=" -X github.com/prometheus/common/version.BuildUser=lathe"
ldflags+=" -X github.com/prometheus/common/version.BuildDate=${version_time}"
# remove_all_sd: only the file, HTTP and static service discovery the tests use are linked, not
# the cloud providers' SDKs (Prometheus' own build tag; plugins/ in its module).
build=(go build -trimpath -buildvcs=false -tags remove_all_sd -ldflags "$ldflags" -o "$stage/prometheus"
  github.com/prometheus/prometheus/cmd/prometheus)

measured_build "$stage" "${build[@]}"

[[ -x "$stage/prometheus" ]] || { echo "error: prometheus was not built" >&2; exit 1; }
# Moved into place last, so an interrupted build never looks finished.
mv -f "$stage/prometheus" "$out/prometheus"

{
  echo "github.com/prometheus/prometheus ${version}"
  measured_build_info
} >"$out/BUILD-INFO"
du -sh "$out/prometheus" | awk '{print "binary: " $1 " " $2}' >&2
echo "$out"
