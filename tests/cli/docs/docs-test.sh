#!/usr/bin/env bash
# docs-test.sh CHECK TUFKEY GENERATED_DIR BUILD_DIR: one check of the generated man pages or completion.
# The commands and options expected are read from `tufkey ... --help` (CLI11's own help text),
# not from the tree the generator used, so a command or flag missing from a page fails here.
#   man_pages        every command and subcommand has tufkey-CMD[-SUB].1, and man renders it
#   sign_page        tufkey-sign.1 names each option of `tufkey sign --help` and its example
#   bash_completion  _tufkey completes commands, `tufkey sign --` to sign's options, values to files
#   zsh_completion   _tufkey loads in zsh (compinit) and lists sign's options
#   cmake_install    cmake --install puts the binary, every page and both completions in place
set -euo pipefail
CHECK="$1"
TUFKEY="$2"
GEN="$3"
BUILD="${4:-}"
MAN="$GEN/man/man1"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# The names under "Subcommands:" in a help text.
subcommands() { awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1; next } on { on = 0 }'; }
# The long options of a help text (an option line starts with spaces and a dash).
long_options() { grep -E '^ +-' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u; }
# Every command path: "sign", "token list", ...
command_paths() {
    local top sub
    for top in $("$TUFKEY" --help | subcommands); do
        echo "$top"
        for sub in $("$TUFKEY" "$top" --help | subcommands); do echo "$top $sub"; done
    done
}

case "$CHECK" in
man_pages)
    paths="$(command_paths)"
    (($(wc -l <<<"$paths") >= 20)) || fail "only $(wc -l <<<"$paths") commands found in --help"
    pages=("$MAN/tufkey.1")
    while read -r path; do pages+=("$MAN/tufkey-${path// /-}.1"); done <<<"$paths"
    for page in "${pages[@]}"; do
        [[ -f "$page" ]] || { fail "no man page $(basename "$page")"; continue; }
        text="$(MANWIDTH=100 man -l "$page" 2>&1)" || fail "man -l $(basename "$page") failed: $text"
        grep -q '^NAME' <<<"$text" || fail "$(basename "$page") renders without NAME"
        grep -q '^SYNOPSIS' <<<"$text" || fail "$(basename "$page") renders without SYNOPSIS"
    done
    # No page for a command that does not exist.
    for page in "$MAN"/*.1; do
        [[ " ${pages[*]} " == *" $page "* ]] || fail "$(basename "$page") names no command of --help"
    done
    top="$(MANWIDTH=200 man -l "$MAN/tufkey.1")"
    while read -r path; do
        grep -qF "tufkey $path" <<<"$top" || fail "tufkey(1) does not list 'tufkey $path'"
    done <<<"$paths"
    for opt in $("$TUFKEY" --help | long_options); do
        [[ "$opt" == --help ]] && continue
        grep -qe "$opt" <<<"$top" || fail "tufkey(1) does not name the global option $opt"
    done
    echo "checked ${#pages[@]} pages"
    ;;
sign_page)
    text="$(MANWIDTH=200 man -l "$MAN/tufkey-sign.1")"
    help="$("$TUFKEY" sign --help)"
    opts="$(long_options <<<"$help")"
    [[ "$opts" == *--digest* && "$opts" == *--batch* ]] || fail "sign --help lists no --digest/--batch: $help"
    for opt in $opts; do
        grep -qe "$opt" <<<"$text" || fail "tufkey-sign(1) does not name $opt"
    done
    grep -q '^EXAMPLES' <<<"$text" || fail "tufkey-sign(1) has no EXAMPLES"
    example="$(sed -n '/^Example:/{n;p;q}' <<<"$help" | sed 's/^ *//')"
    grep -qF "$example" <<<"$text" || fail "tufkey-sign(1) lacks the example of --help: $example"
    grep -q 'tufkey-sign - ' <<<"$text" || fail "tufkey-sign(1) has no NAME line"
    # A page for a command group lists its subcommands.
    token="$(MANWIDTH=200 man -l "$MAN/tufkey-token.1")"
    for sub in $("$TUFKEY" token --help | subcommands); do
        grep -q "tufkey-token-$sub" <<<"$token" || fail "tufkey-token(1) does not point to tufkey-token-$sub(1)"
    done
    echo "tufkey-sign(1) names: $(echo $opts)"
    ;;
bash_completion)
    # shellcheck source=/dev/null
    source "$GEN/completion/bash/tufkey"
    [[ "$(complete -p tufkey)" == *"-F _tufkey"* ]] || fail "the script does not register _tufkey for tufkey"
    complete_line() {  # complete_line WORD...: COMPREPLY for the last word
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="${COMP_WORDS[*]}"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        _tufkey tufkey "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf '%s\n' "${COMPREPLY[@]}" | sort
    }
    got="$(complete_line tufkey sign --)"
    want="$("$TUFKEY" sign --help | long_options)"
    for opt in $want; do grep -qxe "$opt" <<<"$got" || fail "tufkey sign --<TAB> lacks $opt (got: $(echo $got))"; done
    grep -qx -- --home <<<"$got" || fail "tufkey sign --<TAB> lacks the global --home"
    grep -qx -- --root-key <<<"$got" && fail "tufkey sign --<TAB> offers init's --root-key"
    got="$(complete_line tufkey sign --ma)"
    [[ "$got" == "--manifest" ]] || fail "tufkey sign --ma<TAB> gives '$got', expected --manifest"
    # Commands, subcommands, and options after global options that take a value.
    got="$(complete_line tufkey si)"
    [[ "$got" == "sign" || "$got" == $'sign\nsigner' ]] || fail "tufkey si<TAB> gives '$got'"
    want="$("$TUFKEY" token --help | subcommands | sort)"
    got="$(complete_line tufkey --home /tmp/h token '')"
    [[ "$got" == "$want" ]] || fail "tufkey --home DIR token <TAB> gives '$got', expected '$want'"
    got="$(complete_line tufkey token generate --t)"
    grep -qx -- --type <<<"$got" || fail "tufkey token generate --t<TAB> lacks --type (got: $(echo $got))"
    # A value: file names.
    dir="$(mktemp -d)"
    trap 'rm -rf "$dir"' EXIT
    touch "$dir/manifest-one.json"
    got="$(complete_line tufkey sign --manifest "$dir/manifest-")"
    [[ "$got" == "$dir/manifest-one.json" ]] || fail "tufkey sign --manifest <TAB> gives '$got', expected the file"
    echo "tufkey sign --<TAB>: $(complete_line tufkey sign -- | tr '\n' ' ')"
    ;;
zsh_completion)
    if ! command -v zsh >/dev/null; then
        echo "zsh is not installed (scripts/setup installs it from scripts/dependencies.txt)" >&2
        exit 1
    fi
    want="$("$TUFKEY" sign --help | long_options)"
    out="$(cd "$GEN/completion/zsh" && zsh -fc '
        fpath=("$PWD" $fpath)
        autoload -Uz compinit && compinit -u -d "${TMPDIR:-/tmp}/tufkey-zcompdump-$$"
        rm -f "${TMPDIR:-/tmp}/tufkey-zcompdump-$$"
        [[ ${_comps[tufkey]} == _tufkey ]] || { print -u2 "compinit did not bind _tufkey to tufkey"; exit 1 }
        source ./_tufkey
        (( $+functions[_tufkey_options] )) || { print -u2 "_tufkey_options is not defined"; exit 1 }
        _tufkey_options sign; print -l -- ${reply%%:*}
        print -- ---
        _tufkey_command_names token; print -l -- $reply
    ' 2>&1)" || fail "zsh could not load _tufkey: $out"
    opts="${out%%---*}"
    for opt in $want; do grep -qxe "$opt" <<<"$opts" || fail "zsh: sign's options lack $opt"; done
    subs="$(sed -n '/^---$/,$p' <<<"$out" | sed 1d | sort)"
    [[ "$subs" == "$("$TUFKEY" token --help | subcommands | sort)" ]] || fail "zsh: token's subcommands are '$subs'"
    echo "zsh: _tufkey loads; sign's options: $(echo $opts)"
    ;;
cmake_install)
    prefix="$(mktemp -d)"
    trap 'rm -rf "$prefix"' EXIT
    cmake --install "$BUILD" --prefix "$prefix" >/dev/null || fail "cmake --install failed"
    [[ "$("$prefix/bin/tufkey" --version)" == "$("$TUFKEY" --version)" ]] || fail "no bin/tufkey installed"
    for page in "$MAN"/*.1; do
        [[ -f "$prefix/share/man/man1/$(basename "$page")" ]] || fail "$(basename "$page") is not installed"
    done
    [[ -f "$prefix/share/bash-completion/completions/tufkey" ]] || fail "no bash completion installed"
    [[ -f "$prefix/share/zsh/site-functions/_tufkey" ]] || fail "no zsh completion installed"
    MANPATH="$prefix/share/man" MANWIDTH=200 man tufkey-sign 2>/dev/null | grep -q -- --manifest ||
        fail "man tufkey-sign from the installed tree does not name --manifest"
    echo "installed: $(cd "$prefix" && find . -type f | wc -l) files"
    ;;
*)
    echo "docs-test.sh: unknown check $CHECK" >&2
    exit 2
    ;;
esac
((fails == 0)) || { echo "$fails failure(s)" >&2; exit 1; }
