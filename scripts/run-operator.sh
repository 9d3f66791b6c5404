#!/usr/bin/env bash
# Runs Lathe's operator.
#   ./scripts/run-operator.sh           # against the cluster of the current kubeconfig when one is
#                                       # reachable, else on this machine: ./scripts/sandbox.sh
#   ./scripts/run-operator.sh --local   # always on this machine (./scripts/sandbox.sh)
#   ./scripts/run-operator.sh --no-demo # locally: the cluster and the operator, without the story
# Other options go to lathe sandbox (./scripts/sandbox.sh --help).
set -euo pipefail
cd "$(dirname "$0")/.."

local_plane=false
sandbox_args=()
for arg in "$@"; do
  case "$arg" in
    --local) local_plane=true ;;
    *) sandbox_args+=("$arg") ;;
  esac
done
if $local_plane || ! kubectl version --request-timeout=5s >/dev/null 2>&1; then
  exec ./scripts/sandbox.sh "${sandbox_args[@]}"
fi
if ((${#sandbox_args[@]})); then
  echo "usage: $0 [--local] [lathe sandbox options]; against a cluster it takes none" >&2
  exit 2
fi

command -v java >/dev/null && command -v mvn >/dev/null || {
  echo "Lathe needs Java 17 and Maven 3.8+: apt-get install -y openjdk-17-jdk-headless maven" >&2
  exit 1
}
echo "==> building the operator (tests skipped; run 'mvn -B -ntp verify' for them)"
mvn -B -ntp -q -DskipTests package -pl operator -am -Dlathe.controlplane.build.skip=true
echo "==> installing the CRDs into $(kubectl config current-context)"
kubectl apply --server-side --force-conflicts -f crds/
echo "==> starting the operator (Ctrl-C stops it); health and metrics on :${LATHE_HTTP_PORT:-8080}"
export LATHE_LEADER_ELECTION="${LATHE_LEADER_ELECTION:-false}"
export LATHE_LOG_FORMAT="${LATHE_LOG_FORMAT:-text}"
# exec: nothing else to stop, so the operator gets the signals itself.
exec java -jar operator/target/lathe-operator.jar
