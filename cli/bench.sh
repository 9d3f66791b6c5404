#!/usr/bin/env bash
# Hashing benchmark: `lathe bench` beside OpenSSF model_signing (the interop venv, prepared here)
# and the machine's SHA-256 limit, in one run. Arguments go to `lathe bench` (e.g. --size-gb 8).
# Build the CLI first: mvn -B -ntp -DskipTests package -pl cli -am
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../scripts/python-venv.sh"
ensure_venv venv-interop "$here/../artifact/interop/requirements.txt"
exec "$here/bin/lathe" bench --model-signing "$(dirname "$venv_python")/model_signing" "$@"
