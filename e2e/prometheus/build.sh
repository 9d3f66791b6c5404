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

if [[ ! -x /usr/bin/time ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "installing GNU time (apt-get install -y time)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1; } ||
    echo "warning: could not install GNU time; peak RSS and CPU time will not be reported" >&2
fi

mkdir -p "$out"
stage="$(mktemp -d "$out/.build.XXXXXX")"
sampler_pid=""
cleanup() {
  if [[ -n "$sampler_pid" ]]; then kill "$sampler_pid" 2>/dev/null || true; fi
  rm -rf "$stage"
}
trap cleanup EXIT

# Machine-wide memory in use, sampled every second (GNU time sees one process only).
mem_used_kib() { awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{print t-a}' /proc/meminfo; }
mem_before=$(mem_used_kib)
(
  peak=0
  while :; do
    m=$(mem_used_kib)
    (( m > peak )) && { peak=$m; echo "$peak" >"$stage/mem-peak"; }
    sleep 1
  done
) &
sampler_pid=$!

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

start=$(date +%s)
if [[ -x /usr/bin/time ]]; then
  /usr/bin/time -v -o "$stage/time.txt" "${build[@]}"
else
  "${build[@]}"
fi
end=$(date +%s)

kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""

[[ -x "$stage/prometheus" ]] || { echo "error: prometheus was not built" >&2; exit 1; }
# Moved into place last, so an interrupted build never looks finished.
mv -f "$stage/prometheus" "$out/prometheus"

secs=$((end - start))
echo "build time: ${secs} s (wall)" >&2
cpu=""
if [[ -f "$stage/time.txt" ]]; then
  user=$(awk -F': ' '/User time \(seconds\)/{print $2}' "$stage/time.txt")
  sys=$(awk -F': ' '/System time \(seconds\)/{print $2}' "$stage/time.txt")
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.0f", u + s}')
  echo "CPU time: ${cpu} s (user ${user} s, system ${sys} s)" >&2
  rss_kib=$(awk -F': ' '/Maximum resident set size/{print $2}' "$stage/time.txt")
  echo "peak memory (largest single process, GNU time max RSS): $((rss_kib / 1024)) MiB" >&2
fi
if [[ -f "$stage/mem-peak" ]]; then
  echo "peak memory (whole machine, above what was in use before the build): $((($(cat "$stage/mem-peak") - mem_before) / 1024)) MiB" >&2
fi
{
  echo "github.com/prometheus/prometheus ${version}"
  echo "go $(go env GOVERSION)"
  echo "build_seconds ${secs}"
  [[ -n "$cpu" ]] && echo "cpu_seconds ${cpu}"
} >"$out/BUILD-INFO"
du -sh "$out/prometheus" | awk '{print "binary: " $1 " " $2}' >&2
echo "$out"
