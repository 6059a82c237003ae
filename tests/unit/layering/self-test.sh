#!/usr/bin/env bash
# Proves check-layering.sh can fail: a synthetic tree with one violation per rule family.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
mkdir -p "$T/cli/commands" "$T/cli/src" "$T/tuf/src" "$T/pkcs11/src" "$T/core/src" "$T/keystore/src"
echo '#include <openssl/evp.h>' > "$T/cli/main.cc"
echo '#include "tufkey/tuf/updater.h"' > "$T/cli/client.cc"
echo '#include "tufkey/pkcs11/module.h"' > "$T/cli/commands/token.cc"
echo 'const char* v = std::getenv("HOME");' > "$T/keystore/src/env.cc"
echo 'bool t = ::isatty(0);' > "$T/cli/src/interaction.cc"  # the one place allowed
echo '#include "tufkey/keystore/home.h"' > "$T/tuf/src/model.cc"
echo '#include "tufkey/tuf/json.h"' > "$T/pkcs11/src/token.cc"
echo '#include <p11-kit/pkcs11.h>' > "$T/core/src/x.cc"
out="$("$HERE/check-layering.sh" "$T")"; rc=$?
[[ $rc -eq 1 ]] || { echo "self-test: expected exit 1, got $rc"; exit 1; }
for f in cli/main.cc cli/client.cc cli/commands/token.cc tuf/src/model.cc pkcs11/src/token.cc core/src/x.cc keystore/src/env.cc; do
    grep -q "^layering: $f:" <<<"$out" || { echo "self-test: $f not reported"; echo "$out"; exit 1; }
done
for f in cli/src/interaction.cc; do
    if grep -q "^layering: $f:" <<<"$out"; then echo "self-test: exempt $f reported"; echo "$out"; exit 1; fi
done
# And a clean tree passes.
rm -rf "$T"/*; mkdir -p "$T/cli"; echo '#include "tufkey/core/result.h"' > "$T/cli/main.cc"
"$HERE/check-layering.sh" "$T" >/dev/null || { echo "self-test: clean tree reported"; exit 1; }
echo "self-test: ok"
