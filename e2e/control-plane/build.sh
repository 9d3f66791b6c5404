#!/usr/bin/env bash
# Builds a real Kubernetes control plane from Go modules (no Docker, no release
# downloads): kube-apiserver, kube-controller-manager, kube-scheduler and etcd,
# into ${LATHE_CACHE:-$HOME/.cache/lathe}/k8s/<k8s-version>/.
#
# Versions come from go.mod / go.sum next to this script. When all four
# binaries are already in place the script prints a line and does nothing.
# The first build takes about 5 minutes on 2 cores (see README.md).
#
# Prints the directory holding the binaries as its last line of stdout.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
source "$here/../scripts/measured-go-build.sh"

# Build exactly what go.mod/go.sum pin; never rewrite them during a build.
export GOFLAGS="-mod=readonly"
export CGO_ENABLED=0 # static binaries, as the upstream release builds them

k8s_version="$(go list -m -f '{{.Version}}' k8s.io/kubernetes)"
k8s_time="$(go list -m -f '{{with .Time}}{{.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' k8s.io/kubernetes)"
etcd_version="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)"

out="${LATHE_CACHE:-$HOME/.cache/lathe}/k8s/${k8s_version}"
binaries=(kube-apiserver kube-controller-manager kube-scheduler etcd)

all_there=true
for b in "${binaries[@]}"; do
  [[ -x "$out/$b" ]] || all_there=false
done
if $all_there; then
  echo "Kubernetes ${k8s_version} control plane already built in $out: nothing to do" >&2
  echo "$out"
  exit 0
fi

# Same -X flags as kubernetes' hack/lib/version.sh, so that /version reports
# the real version (without them it says v0.0.0-master, which kubectl and
# client libraries treat as a very old server).
minor="${k8s_version#v*.}"; minor="${minor%%.*}"
major="${k8s_version#v}"; major="${major%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X ${pkg}.gitVersion=${k8s_version}"
  ldflags+=" -X ${pkg}.gitMajor=${major}"
  ldflags+=" -X ${pkg}.gitMinor=${minor}"
  ldflags+=" -X ${pkg}.gitTreeState=clean"
  ldflags+=" -X ${pkg}.buildDate=${k8s_time}"
done
ldflags+=" -X go.etcd.io/etcd/api/v3/version.GitSHA=go-module-${etcd_version}"

measured_stage "$out"

echo "building Kubernetes ${k8s_version} (kube-apiserver, kube-controller-manager, kube-scheduler) and etcd ${etcd_version} with $(go version | awk '{print $3}') on $(nproc) cores into $out" >&2
echo "(about 5 minutes on 2 cores when nothing is cached; seconds with a warm Go build cache)" >&2

build=(go build -trimpath -buildvcs=false -ldflags "$ldflags" -o "$stage/"
  k8s.io/kubernetes/cmd/kube-apiserver
  k8s.io/kubernetes/cmd/kube-controller-manager
  k8s.io/kubernetes/cmd/kube-scheduler
  ./etcd)

measured_build "$stage" "${build[@]}"

for b in "${binaries[@]}"; do
  [[ -x "$stage/$b" ]] || { echo "error: $b was not built" >&2; exit 1; }
done
# Move into place last, so an interrupted build never looks finished.
for b in "${binaries[@]}"; do
  mv -f "$stage/$b" "$out/$b"
done

{
  echo "k8s.io/kubernetes ${k8s_version}"
  echo "go.etcd.io/etcd/server/v3 ${etcd_version}"
  measured_build_info
} >"$out/BUILD-INFO"
du -sh "$out" | awk '{print "binaries: " $1 " in " $2}' >&2
echo "$out"
