#!/usr/bin/env bash
# Verify a model signature with the reference OpenSSF model_signing tool.
#
#   run-interop.sh MODEL_DIR SIGNATURE PUBLIC_KEY [--ignore-paths P ...] [--cli]
#
# Creates (or reuses) a venv at ${LATHE_CACHE:-$HOME/.cache/lathe}/venv-interop,
# installs requirements.txt into it only when the file changed since the last
# install, then runs verify_with_model_signing.py with the given arguments.
# Exit status is the script's: 0 verified, 1 verification failed, 2 usage/setup.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../scripts/python-venv.sh"
ensure_venv venv-interop "$here/requirements.txt"
exec "$venv_python" "$here/verify_with_model_signing.py" "$@"
