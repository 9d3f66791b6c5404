#!/usr/bin/env bash
# Runs logits.py (Hugging Face transformers + PEFT on CPU) in a venv under
# ${LATHE_CACHE:-~/.cache/lathe}/venv-referee, installing requirements.txt only when it changed.
# The first install downloads torch from PyPI with its CUDA libraries (a few GB, minutes);
# later runs start in seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${LATHE_CACHE:-$HOME/.cache/lathe}/venv-referee"
req="$here/requirements.txt"
stamp="$venv/.lathe-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  {
    echo "run-referee: preparing $venv"
    mkdir -p "$(dirname "$venv")"
    [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
  } >&2 || { echo "run-referee: venv setup failed" >&2; exit 2; }
  echo "$want" > "$stamp"
fi
export OMP_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec "$venv/bin/python" "$here/logits.py" "$@"
