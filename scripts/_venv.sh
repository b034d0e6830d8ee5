# Sourced by scripts/run, scripts/test and scripts/bench: create .venv on first use
# and (re)install the project whenever pyproject.toml changes. Needs only python3.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    echo "audioguide: creating $VENV" >&2
    "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.stamp-install"
WANT="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    echo "audioguide: installing the project and its test tools into .venv" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT[test,verify,cluster]" >&2
    echo "$WANT" > "$STAMP"
fi
# An editable install leaves the package's bytecode uncompiled, and where $PYTHONDONTWRITEBYTECODE
# is set no process writes it: each of the suite's ~200 Python processes compiled the modules it
# imported again (0.1-0.4 s each). compileall writes what is missing or stale, and nothing else.
"$VENV/bin/python" -m compileall -q -j 0 "$ROOT/audioguide" "$ROOT/tests" >/dev/null
export PATH="$VENV/bin:$PATH"
