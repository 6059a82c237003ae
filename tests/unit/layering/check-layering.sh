#!/usr/bin/env bash
# check-layering.sh ROOT: fails (exit 1, one line per violation) when an #include crosses the
# module layers of docs/architecture.md:
#   core/     includes nothing of ours above it
#   tuf/      core/ only (no keystore/, pkcs11/, remote/, no Cryptoki, curl, libp11)
#   pkcs11/   core/ only; the only module that includes pkcs11.h
#   remote/   core/ only; the only module that includes curl
#   keystore/ tuf/ and core/ (no pkcs11/, remote/)
#   cli/      no Cryptoki, libp11, curl or OpenSSL headers; no remote/ and no tuf/ updater,
#             trusted set or role walk (verification runs in ceremony/'s pipeline)
#   cli/commands/ no pkcs11/ headers either: commands parse, call one ceremony function and print
#   libp11 appears only in tests/.
# And one call rule: only cli/src/interaction.cc reads the environment or the terminal
# (getenv, isatty, termios, /dev/tty); every other module gets them through core/interaction.h.
set -uo pipefail
ROOT="${1:?usage: check-layering.sh ROOT}"
violations=0

# rule DIR REGEX WHY [EXEMPT]: any include line in DIR's C++ files matching REGEX is a
# violation, except in files whose path (relative to ROOT) matches the regex EXEMPT.
rule() {
    local dir="$ROOT/$1" regex="$2" why="$3" exempt="${4:-^$}"
    [[ -d "$dir" ]] || return 0
    while IFS= read -r hit; do
        [[ "${hit%%:*}" =~ $exempt ]] && continue
        echo "layering: $hit: $why"
        violations=$((violations + 1))
    done < <(grep -rnE --include='*.h' --include='*.hpp' --include='*.cc' --include='*.cpp' \
                 "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]($regex)" "$dir" | sed "s#^$ROOT/##")
}

# calls DIR REGEX WHY [EXEMPT]: any code line (not a comment) in DIR's C++ files matching REGEX.
calls() {
    local dir="$ROOT/$1" regex="$2" why="$3" exempt="${4:-^$}"
    [[ -d "$dir" ]] || return 0
    while IFS= read -r hit; do
        [[ "${hit%%:*}" =~ $exempt ]] && continue
        echo "layering: $hit: $why"
        violations=$((violations + 1))
    done < <(grep -rnE --include='*.h' --include='*.hpp' --include='*.cc' --include='*.cpp' "$regex" "$dir" |
                 grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' | sed "s#^$ROOT/##")
}

CRYPTOKI='([^>"]*/)?pkcs11(t|f)?\.h|p11-kit/'
rule core     'tufkey/(tuf|keystore|pkcs11|remote|ceremony)/' "core/ depends on nothing of ours"
rule core     "$CRYPTOKI|curl/|libp11" "core/ must not use Cryptoki, curl or libp11"
rule tuf      'tufkey/(keystore|pkcs11|remote|ceremony)/' "tuf/ depends on core/ only"
rule tuf      "$CRYPTOKI|curl/|libp11|openssl/" "tuf/ is pure metadata logic (crypto goes through core/)"
rule pkcs11   'tufkey/(tuf|keystore|remote|ceremony)/' "pkcs11/ knows nothing of TUF (core/ only)"
rule pkcs11   'curl/|libp11' "pkcs11/ uses Cryptoki directly, never curl or libp11"
rule remote   'tufkey/(tuf|keystore|pkcs11|ceremony)/' "remote/ moves bytes and knows no metadata (core/ only)"
rule remote   "$CRYPTOKI|libp11" "remote/ must not use Cryptoki or libp11"
rule keystore 'tufkey/(pkcs11|remote|ceremony)/' "keystore/ depends on tuf/ and core/ only"
rule keystore "$CRYPTOKI|curl/|libp11" "keystore/ must not use Cryptoki, curl or libp11"
rule ceremony "$CRYPTOKI|curl/|libp11" "ceremony/ reaches tokens and servers only through pkcs11/ and remote/"
rule cli      "$CRYPTOKI|curl/|libp11|openssl/|tufkey/core/openssl_handles\.h" "cli/ never includes Cryptoki, libp11, curl or OpenSSL headers"
rule cli      'tufkey/remote/|tufkey/tuf/(updater|trusted_set|role_walk)\.h' "cli/ never fetches or verifies itself: the verification pipeline is ceremony/'s"
rule cli/commands 'tufkey/pkcs11/' \
     "command files parse, call one ceremony function and print (no pkcs11/ headers)"
ENV_OR_TTY='getenv[[:space:]]*\(|isatty[[:space:]]*\(|tc[gs]etattr[[:space:]]*\(|<termios\.h>|/dev/tty'
for module in core tuf keystore pkcs11 remote ceremony cli; do
    calls "$module" "$ENV_OR_TTY" \
          "only the interaction object (cli/src/interaction.cc) reads the environment or the terminal" \
          '^cli/src/interaction\.cc$'
done

if ((violations)); then
    echo "layering: $violations violation(s)"
    exit 1
fi
echo "layering: ok"
