#!/usr/bin/env bash
# Builds Lathe and runs its operator against the cluster of the current kubeconfig
# (KUBECONFIG or ~/.kube/config). It installs the CRDs first when kubectl can reach the cluster.
# Until the local sandbox exists this is Lathe's "main job": it needs a cluster to talk to.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null && command -v mvn >/dev/null || {
  echo "Lathe needs Java 17 and Maven 3.8+: apt-get install -y openjdk-17-jdk-headless maven" >&2
  exit 1
}

echo "==> building (tests skipped; run 'mvn -B verify' for them)"
mvn -B -ntp -q -DskipTests package

if ! kubectl version --request-timeout=5s >/dev/null 2>&1; then
  echo "No Kubernetes cluster is reachable through the current kubeconfig." >&2
  echo "Point KUBECONFIG at a cluster (kind, k3d, minikube or a real one) and run this again." >&2
  exit 1
fi

echo "==> installing the CRDs into $(kubectl config current-context)"
kubectl apply --server-side --force-conflicts -f crds/

echo "==> starting the operator (Ctrl-C stops it); health and metrics on :${LATHE_HTTP_PORT:-8080}"
export LATHE_LEADER_ELECTION="${LATHE_LEADER_ELECTION:-false}"
export LATHE_LOG_FORMAT="${LATHE_LOG_FORMAT:-text}"
exec java -jar operator/target/lathe-operator.jar
