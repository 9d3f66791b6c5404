#!/usr/bin/env bash
# Lathe's main job: builds Lathe and runs its operator.
#   ./scripts/run-operator.sh           # against the cluster of the current kubeconfig when one is
#                                       # reachable, else locally (below)
#   ./scripts/run-operator.sh --local   # always locally
# Locally, on one machine with no cluster: a control plane built from the Kubernetes Go modules
# (etcd, kube-apiserver, controller-manager, scheduler), a node whose pods run Lathe's trainer
# image as local processes, and a demo in namespace "demo": the tiny base model, signed and
# imported as a ModelVersion, and a LoRA FineTuneJob that trains it, publishes a signed
# ModelVersion, and has it verified. From another terminal:
#   export KUBECONFIG=~/.cache/lathe/local/kubeconfig
#   kubectl get ftj,mv -n demo -w
# --no-demo starts the local cluster and the operator without the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null && command -v mvn >/dev/null || {
  echo "Lathe needs Java 17 and Maven 3.8+: apt-get install -y openjdk-17-jdk-headless maven" >&2
  exit 1
}

# Stops the operator, then the local control plane and its node's processes, however this script
# ends (Ctrl-C, SIGTERM, an error); a second signal during the clean-up does not cut it short.
operator_pid=""
plane_pid=""
cleanup() {
  trap '' INT TERM
  [[ -n "$operator_pid" ]] && kill "$operator_pid" 2>/dev/null && wait "$operator_pid" 2>/dev/null
  [[ -n "$plane_pid" ]] && kill "$plane_pid" 2>/dev/null && wait "$plane_pid" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

local_plane=false
demo=true
for arg in "$@"; do
  case "$arg" in
    --local) local_plane=true ;;
    --no-demo) demo=false ;;
    *) echo "usage: $0 [--local] [--no-demo]" >&2; exit 2 ;;
  esac
done
if ! $local_plane && ! kubectl version --request-timeout=5s >/dev/null 2>&1; then
  local_plane=true
fi

echo "==> building (tests skipped; run 'mvn -B -ntp verify' for them)"
if $local_plane; then
  # Builds the control plane binaries on first use (about five minutes), then nothing.
  mvn -B -ntp -q -DskipTests install -pl e2e/control-plane,operator,trainer-image,runtime-image,cli -am
else
  mvn -B -ntp -q -DskipTests package -pl operator -am -Dlathe.controlplane.build.skip=true
fi

if $local_plane; then
  state="${LATHE_CACHE:-$HOME/.cache/lathe}/local"
  mkdir -p "$state"
  kubeconfig="$state/kubeconfig"
  rm -f "$kubeconfig" "$state/gateway-url"
  echo "==> no cluster in the current kubeconfig (or --local): starting a local control plane"
  (cd e2e/control-plane && mvn -B -ntp -q dependency:build-classpath -Dmdep.outputFile="$state/classpath" >/dev/null)
  # The local node runs the trainer image (fetch, train, verify) and the runtime image
  # (fetch-and-verify, serve) as local JVMs, and offers GPUs to the scheduler (the tiny model
  # trains on the CPU). The runtime mapping sets what the runtime image's ENV sets that a local
  # process needs (DJL's usage tracking off). The local gateway (Traefik) routes HTTPRoutes to
  # the node's pods; its URL is written to $state/gateway-url.
  trainer_jar="$PWD/trainer-image/target/lathe-trainer.jar"
  runtime_jar="$PWD/runtime-image/target/lathe-runtime.jar"
  java_bin="$(command -v java)"
  LATHE_LOCAL_IMAGES="lathe-trainer=$java_bin -Dai.djl.offline=true -jar $trainer_jar;lathe-runtime=env OPT_OUT_TRACKING=true $java_bin -Dai.djl.offline=true -jar $runtime_jar" \
  LATHE_LOCAL_GPUS="${LATHE_LOCAL_GPUS:-2}" \
  LATHE_LOCAL_GATEWAY="${LATHE_LOCAL_GATEWAY:-true}" \
  java -cp "e2e/control-plane/target/classes:$(cat "$state/classpath")" \
    dev.lathe.controlplane.LocalControlPlaneMain "$kubeconfig" >"$state/control-plane.log" 2>&1 &
  plane_pid=$!

  for _ in $(seq 180); do
    [[ -f "$kubeconfig" ]] && break
    kill -0 "$plane_pid" 2>/dev/null || { echo "the local control plane failed; see $state/control-plane.log" >&2; tail -20 "$state/control-plane.log" >&2; exit 1; }
    sleep 1
  done
  [[ -f "$kubeconfig" ]] || { echo "the local control plane did not start in 3 minutes" >&2; exit 1; }
  export KUBECONFIG="$kubeconfig"
  echo "==> local control plane and node ready; KUBECONFIG=$kubeconfig (CRDs installed)"
  if [[ -f "$state/gateway-url" ]]; then
    export LATHE_GATEWAY_URL="$(cat "$state/gateway-url")"
    echo "==> local gateway (Traefik, Gateway lathe-gateway/lathe) at $LATHE_GATEWAY_URL"
  fi
  export LATHE_TRAINER_IMAGE="${LATHE_TRAINER_IMAGE:-lathe.local/lathe-trainer:dev}"
  export LATHE_OPERATOR_NAMESPACE=lathe-system
  export LATHE_VOLUME_ROOT="$state/kubelet/volumes"
  export LATHE_PROGRESS_SECONDS="${LATHE_PROGRESS_SECONDS:-2}"
  export LATHE_RECHECK_SECONDS="${LATHE_RECHECK_SECONDS:-5}"
  if $demo; then
    ./scripts/local-demo.sh "$state"
  fi
else
  echo "==> installing the CRDs into $(kubectl config current-context)"
  kubectl apply --server-side --force-conflicts -f crds/
fi

echo "==> starting the operator (Ctrl-C stops it); health and metrics on :${LATHE_HTTP_PORT:-8080}"
export LATHE_LEADER_ELECTION="${LATHE_LEADER_ELECTION:-false}"
export LATHE_LOG_FORMAT="${LATHE_LOG_FORMAT:-text}"
# Not exec'd: the script stays to stop the local control plane when the operator ends.
java -jar operator/target/lathe-operator.jar &
operator_pid=$!
wait "$operator_pid"
