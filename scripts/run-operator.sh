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

# Stops what it started (the operator, the demo, the local control plane with its node's
# processes), last started first, however this script ends (Ctrl-C, SIGTERM, an error). The
# clean-up runs without errexit: a child killed by the signal exits 143, and under errexit that
# status would end the clean-up before the control plane is stopped. A second signal during the
# clean-up does not cut it short.
children=()
cleanup() {
  trap '' INT TERM
  set +e
  local i
  for ((i = ${#children[@]} - 1; i >= 0; i--)); do
    kill "${children[i]}" 2>/dev/null
    wait "${children[i]}" 2>/dev/null
  done
  return 0
}
# Runs a step in the background and waits for it, so that a signal is handled at once (bash runs
# a trap only after a foreground child ends) and the clean-up stops the step too.
run_step() {
  "$@" &
  children+=($!)
  wait "$!"
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
if [[ "${LATHE_SKIP_BUILD:-false}" == true ]]; then
  echo "    (LATHE_SKIP_BUILD=true: using what is built)"
elif $local_plane; then
  # Builds the control plane binaries on first use (about five minutes), then nothing.
  run_step mvn -B -ntp -q -DskipTests install -pl e2e/control-plane,operator,trainer-image,cli -am
else
  run_step mvn -B -ntp -q -DskipTests package -pl operator -am -Dlathe.controlplane.build.skip=true
fi

if $local_plane; then
  state="${LATHE_LOCAL_STATE:-${LATHE_CACHE:-$HOME/.cache/lathe}/local}"
  mkdir -p "$state"
  kubeconfig="$state/kubeconfig"
  rm -f "$kubeconfig"
  echo "==> no cluster in the current kubeconfig (or --local): starting a local control plane"
  run_step mvn -B -ntp -q -f e2e/control-plane/pom.xml dependency:build-classpath -Dmdep.outputFile="$state/classpath" >/dev/null
  # The local node runs the trainer image (fetch, train, verify) as a local JVM, and offers GPUs
  # to the scheduler (the tiny model trains on the CPU).
  trainer_jar="$PWD/trainer-image/target/lathe-trainer.jar"
  LATHE_LOCAL_IMAGES="lathe-trainer=$(command -v java) -Dai.djl.offline=true -jar $trainer_jar" \
  LATHE_LOCAL_GPUS="${LATHE_LOCAL_GPUS:-2}" \
  java -cp "e2e/control-plane/target/classes:$(cat "$state/classpath")" \
    dev.lathe.controlplane.LocalControlPlaneMain "$kubeconfig" >"$state/control-plane.log" 2>&1 &
  plane_pid=$!
  children+=("$plane_pid")

  for _ in $(seq 180); do
    [[ -f "$kubeconfig" ]] && break
    kill -0 "$plane_pid" 2>/dev/null || { echo "the local control plane failed; see $state/control-plane.log" >&2; tail -20 "$state/control-plane.log" >&2; exit 1; }
    sleep 1
  done
  [[ -f "$kubeconfig" ]] || { echo "the local control plane did not start in 3 minutes" >&2; exit 1; }
  export KUBECONFIG="$kubeconfig"
  echo "==> local control plane and node ready; KUBECONFIG=$kubeconfig (CRDs installed)"
  export LATHE_TRAINER_IMAGE="${LATHE_TRAINER_IMAGE:-lathe.local/lathe-trainer:dev}"
  export LATHE_OPERATOR_NAMESPACE=lathe-system
  export LATHE_VOLUME_ROOT="$state/kubelet/volumes"
  export LATHE_PROGRESS_SECONDS="${LATHE_PROGRESS_SECONDS:-2}"
  export LATHE_RECHECK_SECONDS="${LATHE_RECHECK_SECONDS:-5}"
  if $demo; then
    run_step ./scripts/local-demo.sh "$state"
  fi
else
  echo "==> installing the CRDs into $(kubectl config current-context)"
  kubectl apply --server-side --force-conflicts -f crds/
fi

echo "==> starting the operator (Ctrl-C stops it); health and metrics on :${LATHE_HTTP_PORT:-8080}"
export LATHE_LEADER_ELECTION="${LATHE_LEADER_ELECTION:-false}"
export LATHE_LOG_FORMAT="${LATHE_LOG_FORMAT:-text}"
# Not exec'd: the script stays to stop the local control plane when the operator ends.
run_step java -jar operator/target/lathe-operator.jar
