#!/usr/bin/env bash
# Lathe's main job, until the full sandbox lands: builds Lathe and runs its operator.
#   ./scripts/run-operator.sh           # against the cluster of the current kubeconfig when one is
#                                       # reachable, else against a local control plane (etcd,
#                                       # kube-apiserver, controller-manager, scheduler built from
#                                       # the Kubernetes Go modules; no pods run: there is no kubelet)
#   ./scripts/run-operator.sh --local   # always the local control plane
# With the local control plane, another terminal can use it:
#   export KUBECONFIG=~/.cache/lathe/local/kubeconfig
#   kubectl create namespace ml-platform && kubectl apply -f examples/ && kubectl get lathe -n ml-platform
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null && command -v mvn >/dev/null || {
  echo "Lathe needs Java 17 and Maven 3.8+: apt-get install -y openjdk-17-jdk-headless maven" >&2
  exit 1
}

local_plane=false
if [[ "${1:-}" == "--local" ]] || ! kubectl version --request-timeout=5s >/dev/null 2>&1; then
  local_plane=true
fi

echo "==> building (tests skipped; run 'mvn -B -ntp verify' for them)"
if $local_plane; then
  # Builds the control plane binaries on first use (about five minutes), then nothing.
  mvn -B -ntp -q -DskipTests install -pl e2e/control-plane,operator -am
else
  mvn -B -ntp -q -DskipTests package -pl operator -am -Dlathe.controlplane.build.skip=true
fi

if $local_plane; then
  state="${LATHE_CACHE:-$HOME/.cache/lathe}/local"
  mkdir -p "$state"
  kubeconfig="$state/kubeconfig"
  rm -f "$kubeconfig"
  echo "==> no cluster in the current kubeconfig (or --local): starting a local control plane"
  (cd e2e/control-plane && mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$state/classpath" >/dev/null)
  java -cp "e2e/control-plane/target/classes:$(cat "$state/classpath")" \
    dev.lathe.controlplane.LocalControlPlaneMain "$kubeconfig" >"$state/control-plane.log" 2>&1 &
  plane_pid=$!
  trap 'kill "$plane_pid" 2>/dev/null; wait "$plane_pid" 2>/dev/null || true' EXIT
  for _ in $(seq 180); do
    [[ -f "$kubeconfig" ]] && break
    kill -0 "$plane_pid" 2>/dev/null || { echo "the local control plane failed; see $state/control-plane.log" >&2; tail -20 "$state/control-plane.log" >&2; exit 1; }
    sleep 1
  done
  [[ -f "$kubeconfig" ]] || { echo "the local control plane did not start in 3 minutes" >&2; exit 1; }
  export KUBECONFIG="$kubeconfig"
  echo "==> local control plane ready; KUBECONFIG=$kubeconfig (CRDs installed)"
else
  echo "==> installing the CRDs into $(kubectl config current-context)"
  kubectl apply --server-side --force-conflicts -f crds/
fi

echo "==> starting the operator (Ctrl-C stops it); health and metrics on :${LATHE_HTTP_PORT:-8080}"
export LATHE_LEADER_ELECTION="${LATHE_LEADER_ELECTION:-false}"
export LATHE_LOG_FORMAT="${LATHE_LOG_FORMAT:-text}"
java -jar operator/target/lathe-operator.jar
