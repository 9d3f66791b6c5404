#!/usr/bin/env bash
# Runs logits.py (Hugging Face transformers + PEFT on CPU) in a venv under
# ${LATHE_CACHE:-~/.cache/lathe}/venv-referee, installing requirements.txt only when it changed.
# The first install downloads torch from PyPI with its CUDA libraries (a few GB, minutes);
# later runs start in seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../scripts/python-venv.sh"
ensure_venv venv-referee "$here/requirements.txt"
export OMP_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec "$venv_python" "$here/logits.py" "$@"
