#!/usr/bin/env bash
# bench/hashed-bins.sh [BINS [TARGETS]]: a hashed-bin layout at scale (issue #12), wall time and
# peak RSS of each whole command, printed as a Markdown table. Default: 16384 bins, 100000
# targets. Results are recorded in bench/RESULTS.md.
#
# Work, in one fresh tuf-dialect home (root key generated on a throwaway SoftHSM2 token):
#   add       tufkey delegation add GUN bins --hash-bins BINS --key bins.pub   (the bin key is
#             held in the same home, as an owner who signs the bins does)
#   sign      tufkey sign GUN --batch FILE: TARGETS lines, no --role, so each target is routed
#             to its bin by sha256(path); every bin that receives a target gets its first
#             version; all bins, targets-less snapshot and timestamp in one home transaction
#   verify    tufkey verify GUN in a new process (the full client pipeline over the home:
#             root, timestamp, snapshot, targets and every bin, signatures and hashes)
#   verify1   tufkey verify GUN:TAG for one target (the same pipeline, then the lookup)
#   sign100   tufkey sign GUN --batch of 100 more targets: only their bins are re-signed
#   publish   tufkey publish GUN --to DIR (a static tuf layout)
# It checks that every target went to the bin python-tuf's convention names for it (a sample
# of 1000, recomputed here in Python) and prints file counts and sizes.
#
# Hermetic: everything lives in one mktemp directory removed at exit; passphrases travel in the
# environment, the token PIN through --pin-file.
#
# Environment:
#   TUFKEY=PATH      the tufkey binary (default: build-bench/cli/tufkey, else build/cli/tufkey)
#   BENCH_KEEP=1     keep the work directory (its path is printed)
#
# Timing: each command runs under `/usr/bin/time -f '%e %M'` (peak RSS in KiB); wall time is
# taken around it with bash's EPOCHREALTIME.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${TUFKEY:-}" ]]; then
    TUFKEY="$ROOT/build-bench/cli/tufkey"
    [[ -x "$TUFKEY" ]] || TUFKEY="$ROOT/build/cli/tufkey"
fi
BINS="${1:-16384}"
TARGETS="${2:-100000}"

die() { echo "hashed-bins.sh: $*" >&2; exit 1; }
[[ -x "$TUFKEY" ]] || die "no tufkey binary at $TUFKEY (build it, or set TUFKEY=PATH)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (Debian package: time)"
for tool in python3 softhsm2-util; do command -v "$tool" >/dev/null || die "$tool not found"; done
[[ "$BINS" =~ ^[1-9][0-9]*$ && "$TARGETS" =~ ^[1-9][0-9]*$ ]] || die "usage: hashed-bins.sh [BINS [TARGETS]]"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tufkey-bins.XXXXXX")"
if [[ "${BENCH_KEEP:-}" == 1 ]]; then
    echo "hashed-bins.sh: keeping $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi

eval "$("$ROOT/softhsm-fixtures/make-token-store" "$WORK/tokens" bench-root)"
export TUFKEY_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
unset TUFKEY_PKCS11_PIN
PIN_FILE="$WORK/user.pin"
( umask 077; printf '%s\n' "${TUFKEY_FIXTURE_USER_PIN:-24681357}" > "$PIN_FILE" )
rand() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
for role in TARGETS SNAPSHOT TIMESTAMP DELEGATION; do
    var="TUFKEY_${role}_PASSPHRASE"
    export "$var=${!var:-bench-$(rand)}"  # given ones are kept (to use a BENCH_KEEP home afterwards)
done
export TUFKEY_HOME="$WORK/home"
GUN="bench.example/bins"

ROWS=()
# measure STEP CMD...: runs CMD once under /usr/bin/time; stdout to $WORK/out.
measure() {
    local step="$1"; shift
    local start end
    start=$EPOCHREALTIME
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" \
        || { echo "hashed-bins.sh: $step failed: $*" >&2; tail -n 20 "$WORK/err" >&2; exit 1; }
    end=$EPOCHREALTIME
    local rss
    rss="$(awk '{print $2}' "$WORK/time")"
    ROWS+=("$(printf '| %s | %.2f s | %d MiB |' "$step" "$(echo "$end - $start" | bc -l)" "$((rss / 1024))")")
}

# "TAG sha256:HEX SIZE" lines (the --batch format): pkg-FIRST ... pkg-(FIRST+N-1).
make_targets() {
    python3 - "$1" "$2" "$3" <<'EOF'
import hashlib, sys
first, n, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    for i in range(first, first + n):
        tag = f"pkg-{i:07d}.tar.gz"
        f.write(f"{tag} sha256:{hashlib.sha256(tag.encode() + b' content').hexdigest()} {1000 + i % 5000}\n")
EOF
}

echo "hashed-bins.sh: $BINS bins, $TARGETS targets, in $WORK ($(uptime | sed 's/.*load average/load average/'))" >&2
"$TUFKEY" init "$GUN" --dialect tuf --root-key "pkcs11:token=bench-root;object=root" --pin-file "$PIN_FILE" -y \
    >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; die "init failed"; }
mkdir -p "$WORK/keys"
"$TUFKEY" key generate bins --dir "$WORK/keys" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; die "key generate failed"; }
make_targets 0 "$TARGETS" "$WORK/batch.txt"
make_targets "$TARGETS" 100 "$WORK/batch100.txt"

measure "delegation add --hash-bins $BINS" "$TUFKEY" delegation add "$GUN" bins --hash-bins "$BINS" --key "$WORK/keys/bins.pub"
measure "sign --batch ($TARGETS targets)" "$TUFKEY" sign "$GUN" --batch "$WORK/batch.txt"
measure "verify GUN (every role)" "$TUFKEY" verify "$GUN"
grep -q "trust data verified" "$WORK/out" || die "verify printed: $(head -c 300 "$WORK/out")"
VERIFIED="$(sed 's/.*; \([0-9]* signed targets.*\)/\1/' "$WORK/out")"
measure "verify GUN:TAG (one target)" "$TUFKEY" verify "$GUN:pkg-0000042.tar.gz"
grep -q "@sha256:" "$WORK/out" || die "verify GUN:TAG printed: $(head -c 300 "$WORK/out")"
measure "sign --batch (100 more targets)" "$TUFKEY" sign "$GUN" --batch "$WORK/batch100.txt"
measure "publish --to DIR" "$TUFKEY" publish "$GUN" --to "$WORK/site"

# Every sampled target sits in the bin python-tuf's convention names for it, and nowhere else.
META="$TUFKEY_HOME/tuf/$GUN/metadata"
python3 - "$META" "$BINS" "$WORK/batch.txt" <<'EOF' || die "a target is not in its bin"
import hashlib, json, sys, os, random
meta, bins, batch = sys.argv[1], int(sys.argv[2]), sys.argv[3]
length = len(f"{bins - 1:x}")
size = 16 ** length // bins
def name(low, high):
    return f"bins-{low:0{length}x}" if low == high else f"bins-{low:0{length}x}-{high:0{length}x}"
tags = [line.split()[0] for line in open(batch)]
random.seed(12)
for tag in random.sample(tags, min(1000, len(tags))):
    p = int(hashlib.sha256(tag.encode()).hexdigest()[:length], 16)
    low = p - p % size
    role = name(low, low + size - 1)
    signed = json.load(open(os.path.join(meta, role + ".json")))["signed"]
    assert tag in signed["targets"], (tag, role)
top = json.load(open(os.path.join(meta, "targets.json")))["signed"]
assert not top["targets"], "targets.json lists targets"
assert len(top["delegations"]["roles"]) == bins
EOF

bin_files=$(find "$META" -maxdepth 1 -name 'bins-*.json' | wc -l)
size_of() { stat -c %s "$1"; }
echo
echo "$BINS bins, $TARGETS targets (+100): $bin_files bin files signed; verify: $VERIFIED"
echo "targets.json $(size_of "$META/targets.json") B, snapshot.json $(size_of "$META/snapshot.json") B," \
     "bins $(du -sb --apparent-size "$META" | awk '{print $1}') B in the metadata directory in all"
echo
echo "| step | wall | peak RSS |"
echo "| --- | ---: | ---: |"
printf '%s\n' "${ROWS[@]}"
echo
echo "load after: $(uptime | sed 's/.*load average/load average/')"
