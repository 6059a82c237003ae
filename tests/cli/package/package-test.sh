#!/usr/bin/env bash
# package-test.sh CHECK SOURCE_DIR WORK_DIR: one test of scripts/package (see CMakeLists.txt).
set -euo pipefail
CHECK="$1"
ROOT="$2"
WORK="$3"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
finish() { ((fails == 0)) || { echo "$fails failure(s)" >&2; exit 1; }; }
minutes() { awk -v s="$1" 'BEGIN { printf "%.1f", s / 60 }'; }
mkdir -p "$WORK"
VERSION="$(sed -n 's/^project(tufkey VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")"
DEB_NAME="tufkey_${VERSION}_$(dpkg --print-architecture).deb"

# Drives bash's completion function from a completion script: COMPREPLY for `WORDS...`.
complete_with() {
    local script="$1"
    shift
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
             _tufkey; printf "%s\n" "${COMPREPLY[@]}"' complete "$script" "$@"
}

# The package built once per test run, in a build directory that later runs reuse.
build_package() {
    local out="$WORK/out"
    rm -rf "$out"
    local start=$SECONDS
    "$ROOT/scripts/package" --out "$out" --build-dir "$WORK/package-build" "$@" >"$WORK/package.sha256"
    echo "scripts/package $* took $(minutes $((SECONDS - start))) min" >&2
    DEB="$out/$DEB_NAME"
    [[ -f "$DEB" ]] || { echo "FAIL: scripts/package made no $DEB_NAME" >&2; exit 1; }
    [[ "$(cat "$WORK/package.sha256")" == "$(sha256sum "$DEB" | cut -d' ' -f1)" ]] ||
        fail "scripts/package printed $(cat "$WORK/package.sha256"), not the .deb's SHA-256"
}

case "$CHECK" in
deb)
    build_package
    # The control file.
    [[ "$(dpkg-deb -f "$DEB" Package)" == tufkey ]] || fail "Package is not tufkey"
    [[ "$(dpkg-deb -f "$DEB" Version)" == "$VERSION" ]] || fail "Version is not $VERSION"
    [[ "$(dpkg-deb -f "$DEB" Architecture)" == amd64 ]] || fail "Architecture is not amd64"
    depends="$(dpkg-deb -f "$DEB" Depends)"
    for lib in libc6 libstdc++6 libssl3 libcurl4 libfmt9; do
        [[ ", $depends," == *", $lib "* || ", $depends," == *", $lib,"* ]] || fail "Depends lacks $lib: $depends"
    done
    echo "Depends: $depends"
    # Files: root-owned, 0755/0644, every date the commit's.
    listing="$(dpkg-deb -c "$DEB")"
    for f in ./usr/bin/tufkey ./usr/share/man/man1/tufkey.1.gz ./usr/share/man/man1/tufkey-sign.1.gz \
        ./usr/share/man/man1/tufkey-token-list.1.gz ./usr/share/bash-completion/completions/tufkey \
        ./usr/share/zsh/vendor-completions/_tufkey ./usr/share/doc/tufkey/install.md; do
        grep -q " $f\$" <<<"$listing" || fail "the package lacks $f"
    done
    awk '$2 != "root/root" { print "FAIL: not root/root: " $0; bad = 1 } END { exit bad }' <<<"$listing" >&2 || fails=$((fails + 1))
    awk '$1 !~ /^(drwxr-xr-x|-rw-r--r--|-rwxr-xr-x)$/ { print "FAIL: mode: " $0; bad = 1 } END { exit bad }' \
        <<<"$listing" >&2 || fails=$((fails + 1))
    grep -q '^-rwxr-xr-x .* ./usr/bin/tufkey$' <<<"$listing" || fail "usr/bin/tufkey is not 0755"
    if epoch="$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null)"; then
        day="$(date -u -d "@$epoch" +%Y-%m-%d)"
        awk -v d="$day" '$4 != d { print "FAIL: dated " $4 " not " d ": " $0; bad = 1 } END { exit bad }' \
            <<<"$listing" >&2 || fails=$((fails + 1))
    fi
    # The unpacked package: the binary runs, names no build path, pages render, completion works.
    x="$WORK/extracted"
    rm -rf "$x"
    dpkg -x "$DEB" "$x"
    [[ "$("$x/usr/bin/tufkey" --version)" == "tufkey $VERSION" ]] || fail "the packaged tufkey --version is wrong"
    for path in "$ROOT" "$WORK"; do
        grep -qaF "$path" "$x/usr/bin/tufkey" && fail "usr/bin/tufkey contains the build path $path"
    done
    if readelf -S "$x/usr/bin/tufkey" | grep -q '\.symtab'; then fail "usr/bin/tufkey is not stripped"; fi
    page="$(MANWIDTH=200 man -l "$x/usr/share/man/man1/tufkey-sign.1.gz")"
    grep -q -- '--digest' <<<"$page" || fail "the packaged tufkey-sign(1) does not name --digest"
    got="$(complete_with "$x/usr/share/bash-completion/completions/tufkey" tufkey sign --)"
    grep -qx -- --manifest <<<"$got" || fail "the packaged bash completion of 'tufkey sign --' lacks --manifest"

    # The real thing, as root only: dpkg -i, man and completion from the system, the demo's
    # ceremony with the installed tufkey, dpkg -r.
    if (($(id -u) != 0)); then
        echo "not root: dpkg -i / dpkg -r skipped (the checks on the unpacked package ran)"
    elif dpkg-query -W -f='${Status}' tufkey 2>/dev/null | grep -q 'installed'; then
        fail "a tufkey package is already installed on this machine: remove it (dpkg -r tufkey) to run this test"
    else
        trap 'dpkg -r tufkey >/dev/null 2>&1 || true' EXIT
        installed=0
        for _ in $(seq 60); do  # another apt or dpkg may hold the lock for a while
            if dpkg -i "$DEB" >"$WORK/dpkg.log" 2>&1; then installed=1; break; fi
            grep -q 'lock' "$WORK/dpkg.log" || break
            sleep 5
        done
        if ((installed == 0)); then
            fail "dpkg -i failed: $(cat "$WORK/dpkg.log")"
        else
            [[ "$(/usr/bin/tufkey --version)" == "tufkey $VERSION" ]] || fail "the installed tufkey --version is wrong"
            [[ "$(man -w tufkey-sign)" == /usr/share/man/man1/tufkey-sign.1.gz ]] ||
                fail "man -w tufkey-sign gives '$(man -w tufkey-sign 2>&1)'"
            MANWIDTH=200 man tufkey-sign 2>/dev/null | grep -q -- '--manifest' || fail "man tufkey-sign does not name --manifest"
            got="$(complete_with /usr/share/bash-completion/completions/tufkey tufkey sign --)"
            grep -qx -- --batch <<<"$got" || fail "the installed bash completion of 'tufkey sign --' lacks --batch"
            TUFKEY_DEMO_BINARY=/usr/bin/tufkey "$ROOT/scripts/demo" >"$WORK/demo.log" 2>&1 ||
                fail "the demo's ceremony failed with the installed tufkey: $(tail -n 5 "$WORK/demo.log")"
            grep -q '^\$ /usr/bin/tufkey init' "$WORK/demo.log" || fail "the demo did not run /usr/bin/tufkey"
            dpkg -r tufkey >"$WORK/dpkg.log" 2>&1 || fail "dpkg -r tufkey failed: $(cat "$WORK/dpkg.log")"
            [[ -e /usr/bin/tufkey || -e /usr/share/man/man1/tufkey-sign.1.gz ]] && fail "dpkg -r left tufkey's files"
            echo "dpkg -i, man tufkey-sign, completion, the demo's ceremony and dpkg -r: done"
        fi
        trap - EXIT
    fi
    ;;
offline_kit)
    build_package --offline-kit --with softhsm2
    kit="$WORK/out/tufkey-kit_${VERSION}_$(dpkg --print-architecture)"
    [[ -f "$kit/SHA256SUMS" ]] || { echo "FAIL: no SHA256SUMS in $kit" >&2; exit 1; }
    (cd "$kit" && sha256sum --quiet -c SHA256SUMS) || fail "sha256sum -c SHA256SUMS failed"
    [[ "$(ls "$kit"/*.deb | wc -l)" == "$(wc -l <"$kit/SHA256SUMS")" ]] || fail "SHA256SUMS does not cover every .deb"
    cmp -s "$DEB" "$kit/$DEB_NAME" || fail "the kit's tufkey .deb is not the one built"
    names="$(for d in "$kit"/*.deb; do dpkg-deb -f "$d" Package; done | sort)"
    echo "kit: $(echo $names)"
    # What a minimal Debian 12 lacks: the libraries tufkey links (libc6 and the like are there).
    for pkg in libfmt9 libcurl4 libssl3 softhsm2; do
        grep -qx "$pkg" <<<"$names" || fail "the kit lacks $pkg"
    done
    for pkg in libc6 dpkg bash; do
        grep -qx "$pkg" <<<"$names" && fail "the kit carries $pkg, which every Debian 12 has"
    done
    # `dpkg -i *.deb` alone on a minimal Debian 12: apt, with no archive at all (no sources, no
    # lists), as if only debootstrap's minbase were installed, must be able to install every
    # package of the kit, and must not without libfmt9 (so the check can fail).
    a="$WORK/apt-minimal"
    rm -rf "$a"
    mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/empty/lists/partial"
    : >"$a/empty-status"
    base="$(apt-cache dumpavail | awk -v RS= '/\nPriority: required\n/ || /\nEssential: yes\n/' |
        sed -n 's/^Package: //p' | sort -u)"
    installs() { awk '$1 == "Inst" { v = $3; if (v ~ /^\[/) v = $4; sub(/^\(/, "", v); print $2 "=" v }'; }
    # shellcheck disable=SC2086
    minimal="$(apt-get -s -o "Dir::State::status=$a/empty-status" -o "Dir::Cache=$a/cache" -o Debug::NoLocking=1 \
        -o APT::Install-Recommends=false install $base | installs)"
    # shellcheck disable=SC2086
    apt-cache show $minimal | sed 's/^Package: .*/&\nStatus: install ok installed/' >"$a/status"
    echo "a minimal Debian 12: $(grep -c '^Package:' "$a/status") packages"
    offline_apt() {
        apt-get -s -o "Dir::State::status=$a/status" -o Dir::Etc::SourceList=/dev/null \
            -o "Dir::Etc::SourceParts=$a/lists" -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/empty" \
            -o Debug::NoLocking=1 -o APT::Install-Recommends=false install "$@"
    }
    debs=("$kit"/*.deb)
    out="$(offline_apt "${debs[@]}" 2>&1)" || fail "the kit does not install on a minimal Debian 12 alone: $out"
    [[ "$(grep -c '^Inst' <<<"$out")" == "${#debs[@]}" ]] || fail "apt would not install every .deb of the kit: $out"
    without=()
    for d in "${debs[@]}"; do [[ "$d" == */libfmt9_* ]] || without+=("$d"); done
    offline_apt "${without[@]}" >/dev/null 2>&1 && fail "the check accepts a kit without libfmt9"
    ;;
reproducible)
    # HEAD built from scratch without a compiler cache in a fresh directory of another name and
    # length, as a second keyholder would, against the checkout's own package build (the one
    # package.deb uses: no second full build when it ran first). A checkout with uncommitted
    # changes is not HEAD: then two fresh copies are built.
    epoch="$(git -C "$ROOT" log -1 --format=%ct)"
    base="$(mktemp -d "${TMPDIR:-/tmp}/tufkey-repro.XXXXXX")"
    trap 'rm -rf "$base"' EXIT
    declare -A built
    dirs=("$base/second-keyholder/checkout")
    if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]]; then
        dirs+=("$base/a")
    else
        dirs+=("$ROOT")
    fi
    for dir in "${dirs[@]}"; do
        if [[ "$dir" == "$ROOT" ]]; then
            out="$WORK/out" bld="$WORK/package-build"
        else
            mkdir -p "$dir"
            git -C "$ROOT" archive HEAD | tar -x -C "$dir"
            out="$dir/out" bld="$dir/bld"
        fi
        rm -rf "$out"
        start=$SECONDS
        SOURCE_DATE_EPOCH="$epoch" "$dir/scripts/package" --out "$out" --build-dir "$bld" >"$base/sum"
        built[$dir]="$out/$DEB_NAME"
        echo "build in $dir: $(minutes $((SECONDS - start))) min, sha256 $(cat "$base/sum")"
    done
    a="${built[${dirs[0]}]}" b="${built[${dirs[1]}]}"
    if ! cmp -s "$a" "$b"; then
        fail "two builds of HEAD differ: $(sha256sum "$a" "$b" | cut -c1-64 | tr '\n' ' ')"
        dpkg-deb -R "$a" "$base/x1"
        dpkg-deb -R "$b" "$base/x2"
        diff -r "$base/x1" "$base/x2" >&2 || true
    fi
    ;;
*)
    echo "package-test.sh: unknown check $CHECK" >&2
    exit 2
    ;;
esac
finish
