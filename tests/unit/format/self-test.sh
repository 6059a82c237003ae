#!/usr/bin/env bash
# Proves check-format.sh can fail: a badly laid out file is reported, a formatted one passes.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
cp "$HERE/../../../.clang-format" "$T/"
printf 'int   main( ) {return 0 ;}\n' > "$T/bad.cc"
out="$("$HERE/check-format.sh" "$T")" && { echo "self-test: a badly formatted file passed"; exit 1; }
grep -q "not formatted: ./bad.cc" <<<"$out" || { echo "self-test: bad.cc not named"; echo "$out"; exit 1; }
clang-format -i "$T/bad.cc"
"$HERE/check-format.sh" "$T" >/dev/null || { echo "self-test: a formatted file failed"; exit 1; }
echo "self-test: ok"
