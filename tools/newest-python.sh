#!/bin/sh
# Print the newest Python >= 3.12 on this machine (python3.14/3.13/3.12 on PATH, or one of pyenv's
# installed versions), or nothing. `make test` runs the current stack on it.
for v in 3.14 3.13 3.12; do
    if command -v "python$v" >/dev/null 2>&1 && "python$v" -c 'import sys' >/dev/null 2>&1; then
        command -v "python$v"
        exit 0
    fi
    root="${PYENV_ROOT:-$HOME/.pyenv}"
    for exe in $(ls -d "$root"/versions/"$v"*/bin/"python$v" 2>/dev/null | sort -rV); do
        if "$exe" -c 'import sys' >/dev/null 2>&1; then
            echo "$exe"
            exit 0
        fi
    done
done
exit 0
