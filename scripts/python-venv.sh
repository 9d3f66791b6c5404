# Sourced by scripts that run Python referees: `ensure_venv NAME REQUIREMENTS` creates or updates
# ${LATHE_CACHE:-~/.cache/lathe}/NAME from the pinned requirements file, reinstalling only when
# that file changed, and sets $venv_python. Setup output goes to stderr; failure exits 2.
ensure_venv() {
  local name=$1 requirements=$2
  local venv="${LATHE_CACHE:-$HOME/.cache/lathe}/$name"
  local stamp="$venv/.lathe-requirements.sha256"
  local want
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [[ ! -x "$venv/bin/python" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    {
      echo "preparing $venv from $requirements"
      mkdir -p "$(dirname "$venv")"
      [[ -x "$venv/bin/python" ]] || "${PYTHON:-python3}" -m venv "$venv"
      "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    } >&2 || { echo "venv setup failed: $venv" >&2; exit 2; }
    echo "$want" > "$stamp"
  fi
  venv_python="$venv/bin/python"
}
