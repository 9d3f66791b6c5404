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
venv="${LATHE_CACHE:-$HOME/.cache/lathe}/venv-interop"
req="$here/requirements.txt"
stamp="$venv/.lathe-requirements.sha256"
python="${PYTHON:-python3}"

want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  {
    echo "run-interop: preparing $venv"
    mkdir -p "$(dirname "$venv")"
    [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
      -r "$req"
  } >&2 || { echo "run-interop: venv setup failed" >&2; exit 2; }
  echo "$want" > "$stamp"
fi

exec "$venv/bin/python" "$here/verify_with_model_signing.py" "$@"
