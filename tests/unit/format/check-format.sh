#!/usr/bin/env bash
# check-format.sh ROOT: fails when a C++ source under ROOT differs from .clang-format's layout.
# Fix with: git ls-files '*.cc' '*.h' | xargs clang-format -i
set -uo pipefail
ROOT="${1:?usage: check-format.sh ROOT}"
command -v clang-format >/dev/null || { echo "format: clang-format is missing (scripts/setup installs it)"; exit 1; }
cd "$ROOT" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.cc' '*.h')
else
    mapfile -t files < <(find . -path './build*' -prune -o \( -name '*.cc' -o -name '*.h' \) -print)
fi
((${#files[@]})) || { echo "format: no sources found under $ROOT"; exit 1; }
if ! out="$(clang-format --dry-run --Werror "${files[@]}" 2>&1)"; then
    echo "$out" | grep 'error:' | cut -d: -f1 | sort -u | sed 's/^/format: not formatted: /'
    echo "format: run: git ls-files '*.cc' '*.h' | xargs clang-format -i"
    exit 1
fi
echo "format: ${#files[@]} files ok"
