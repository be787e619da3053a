#!/usr/bin/env bash
# Print the path of a working Python >= 3.12 interpreter (first one that actually runs).
# Candidates on PATH may be pyenv shims that exist but fail, so each one is executed.
set -u

check() {
    "$1" -c 'import sys; assert sys.version_info >= (3, 12); import venv, ensurepip' \
        >/dev/null 2>&1
}

candidates=(python3.13 python3.12 python3)
shopt -s nullglob
if [ -n "${PYENV_ROOT:-}" ]; then
    candidates+=("$PYENV_ROOT"/versions/3.1[2-9]*/bin/python3)
fi
candidates+=(
    /root/.pyenv/versions/3.1[2-9]*/bin/python3
    /usr/bin/python3.1[2-9]
    /usr/local/bin/python3.1[2-9]
)
shopt -u nullglob

for c in "${candidates[@]}"; do
    path=$(command -v "$c" 2>/dev/null) || continue
    if check "$path"; then
        echo "$path"
        exit 0
    fi
done

echo "find_python.sh: no working Python >= 3.12 (with venv/ensurepip) found." >&2
echo "  tried: ${candidates[*]}" >&2
echo "  install one, e.g. 'pyenv install 3.12' or 'apt-get install python3.12 python3.12-venv'." >&2
exit 1
