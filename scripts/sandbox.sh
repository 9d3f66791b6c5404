#!/usr/bin/env bash
# Lathe's main job: its whole story on this machine, with no cluster (lathe sandbox).
#   ./scripts/sandbox.sh            # builds what is missing, then plays the story and keeps the
#                                   # local cluster running for kubectl until Ctrl-C
#   ./scripts/sandbox.sh --exit     # the same, exiting when the story is done (scripts, CI)
#   ./scripts/sandbox.sh --no-demo  # the local cluster and the operator only
# Every option: ./scripts/sandbox.sh --help. LATHE_SKIP_BUILD=true uses what is built.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v java >/dev/null && command -v mvn >/dev/null || {
  echo "Lathe needs Java 17 and Maven 3.8+: apt-get install -y openjdk-17-jdk-headless maven" >&2
  exit 1
}

if [[ "${LATHE_SKIP_BUILD:-false}" != true ]]; then
  echo "==> building Lathe (tests skipped; 'mvn -B -ntp verify' runs them); the first time this"
  echo "    also builds the Kubernetes control plane and the Traefik gateway from their Go modules"
  mvn -B -ntp -q -DskipTests install -pl e2e/control-plane,operator,trainer-image,runtime-image,cli -am
fi
# exec: the sandbox itself gets Ctrl-C and SIGTERM, and stops everything it started.
exec java -jar cli/target/lathe-cli.jar sandbox "$@"
