#!/usr/bin/env bash
# Runs openai_checks.py with the official OpenAI Python client in a venv under
# ${LATHE_CACHE:-~/.cache/lathe}/venv-openai, installing requirements.txt only when it changed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../../../scripts/python-venv.sh"
ensure_venv venv-openai "$here/requirements.txt"
exec "$venv_python" "$here/openai_checks.py" "$@"
