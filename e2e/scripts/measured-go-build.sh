# Sourced by the e2e build scripts (control plane, gateway, Prometheus): runs one `go build` in a
# staging folder and reports what it cost, so each first build on a fresh machine states its wall
# time, CPU time and memory the same way.
#
#   source "$here/../scripts/measured-go-build.sh"
#   measured_stage "$out"                     # sets stage: a folder under $out, removed on exit
#   measured_build "$stage" go build ...      # sets build_seconds and build_cpu_seconds
#
# Peak memory is reported twice: GNU time's max RSS (the largest single process) and a machine-wide
# sample every second (GNU time sees one process at a time; the go command runs several).

# GNU time gives CPU time and the largest process's peak RSS; installed when it can be.
ensure_gnu_time() {
  if [[ ! -x /usr/bin/time ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "installing GNU time (apt-get install -y time)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1; } ||
      echo "warning: could not install GNU time; CPU time and peak RSS will not be reported" >&2
  fi
}

_measured_stage=""
_measured_sampler=""
_measured_cleanup() {
  if [[ -n "$_measured_sampler" ]]; then kill "$_measured_sampler" 2>/dev/null || true; fi
  if [[ -n "$_measured_stage" ]]; then rm -rf "$_measured_stage"; fi
}

# Sets stage to a new staging folder under $1, removed when the script exits: binaries are moved
# out of it into place last, so an interrupted build never looks finished. Not in a subshell.
measured_stage() {
  mkdir -p "$1"
  _measured_stage="$(mktemp -d "$1/.build.XXXXXX")"
  stage="$_measured_stage"
  trap _measured_cleanup EXIT
}

_mem_used_kib() { awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END{print t-a}' /proc/meminfo; }

# measured_build STAGE COMMAND...: runs COMMAND, prints its costs to stderr, sets build_seconds and
# build_cpu_seconds (empty without GNU time). Must not run in a subshell: it sets the variables.
measured_build() {
  local stage="$1"
  shift
  ensure_gnu_time
  local mem_before
  mem_before=$(_mem_used_kib)
  (
    peak=0
    while :; do
      m=$(_mem_used_kib)
      ((m > peak)) && { peak=$m; echo "$peak" >"$stage/mem-peak"; }
      sleep 1
    done
  ) &
  _measured_sampler=$!
  local start end
  start=$(date +%s)
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v -o "$stage/time.txt" "$@"
  else
    "$@"
  fi
  end=$(date +%s)
  kill "$_measured_sampler" 2>/dev/null || true
  wait "$_measured_sampler" 2>/dev/null || true
  _measured_sampler=""

  build_seconds=$((end - start))
  build_cpu_seconds=""
  echo "build time: ${build_seconds} s (wall)" >&2
  if [[ -f "$stage/time.txt" ]]; then
    local user sys rss_kib
    user=$(awk -F': ' '/User time \(seconds\)/{print $2}' "$stage/time.txt")
    sys=$(awk -F': ' '/System time \(seconds\)/{print $2}' "$stage/time.txt")
    build_cpu_seconds=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.0f", u + s}')
    echo "CPU time: ${build_cpu_seconds} s (user ${user} s, system ${sys} s)" >&2
    rss_kib=$(awk -F': ' '/Maximum resident set size/{print $2}' "$stage/time.txt")
    echo "peak memory (largest single process, GNU time max RSS): $((rss_kib / 1024)) MiB" >&2
  fi
  if [[ -f "$stage/mem-peak" ]]; then
    echo "peak memory (whole machine, above what was in use before the build): $((($(cat "$stage/mem-peak") - mem_before) / 1024)) MiB" >&2
  fi
}

# The BUILD-INFO lines of the build's cost, after the caller's own module lines.
measured_build_info() {
  echo "go $(go env GOVERSION)"
  echo "build_seconds ${build_seconds}"
  if [[ -n "${build_cpu_seconds:-}" ]]; then echo "cpu_seconds ${build_cpu_seconds}"; fi
}
