#!/usr/bin/env bash
# bench/compare-notary.sh [N...]: the real notary client (Debian's notary 0.7) and tufkey on the
# same work, wall time and peak RSS, printed as a Markdown table (medians of BENCH_REPS runs).
# Default N: 1000 10000. Results are recorded in bench/RESULTS.md.
#
# Work, per N and per run (a fresh GUN, trust dir / home, token key and server-side repository):
#   one-off   notary init GUN (root, targets, snapshot keys made in software, 2048-iteration key
#             files) + its first publish, vs tufkey init (root key generated ON the SoftHSM token,
#             root certificate signed there, targets/snapshot/timestamp keys encrypted with
#             600,000 PBKDF2 iterations) + its first publish to a directory
#   add N     notary addhash GUN TAG SIZE --sha256 HEX once per target (notary has no bulk add;
#             one process per target) then notary publish to the fixture notary-server, vs
#             tufkey sign GUN --batch FILE (the same N lines) then tufkey publish --to DIR.
#             Notary's best case is measured too, on a second GUN: the N changelist files that
#             `addhash` would write, written directly by Python (format checked against a real
#             `addhash` at start-up), then notary publish. For N > BENCH_NOTARY_ADDHASH_MAX
#             only that bulk form runs for notary (the table then extrapolates the loop).
#             tufkey's sign is also run on a third home whose key files were re-encrypted with
#             openssl at Notary's 2048 PBKDF2 iterations: the same sign minus most of the KDF cost.
#   server    the same add + publish with tufkey against the same notary-server: init --server
#             (the server holds the timestamp key), sign --batch, publish GUN (one multipart
#             upload, then fetch, verify and cache what the server serves), and a cold
#             pull --from SERVER --root ROOT into an empty home over TLS
#   read      notary list GUN right after the publish (warm cache; fetches timestamp, snapshot,
#             targets from the server over TLS and verifies them) vs tufkey verify GUN (full
#             client verification of the home's files, no network), tufkey inspect GUN (the
#             docker trust inspect JSON), and tufkey pull GUN --from DIR --root ROOT into an
#             empty home (fetch from the published directory + full verification).
#
# Hermetic: everything lives in one mktemp directory removed at exit; a throwaway SoftHSM2 token
# store and a throwaway notary-server on a kernel-chosen 127.0.0.1 port, always stopped (trap).
# Passphrases travel in the environment, the token PIN through --pin-file.
#
# Environment:
#   TUFKEY=PATH                    the tufkey binary (default: build-bench/cli/tufkey, else build/cli/tufkey)
#   BENCH_REPS=3                   runs per measurement (the table shows the median)
#   BENCH_NOTARY_ADDHASH_MAX=10000 largest N for which the notary addhash loop really runs
#   BENCH_RAW=FILE                 also write every sample (N, step, run, wall s, peak RSS KiB) here
#
# Timing: each command runs under `/usr/bin/time -f '%e %M'` (peak RSS in KiB; for a loop of
# processes, the largest single process); wall time is taken around that with bash's
# EPOCHREALTIME for millisecond resolution (time's own %e has 10 ms).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FIXTURES="$ROOT/tests/fixtures/notary"
if [[ -z "${TUFKEY:-}" ]]; then
    TUFKEY="$ROOT/build-bench/cli/tufkey"
    [[ -x "$TUFKEY" ]] || TUFKEY="$ROOT/build/cli/tufkey"
fi
REPS="${BENCH_REPS:-3}"
ADDHASH_MAX="${BENCH_NOTARY_ADDHASH_MAX:-10000}"
SIZES=("$@")
((${#SIZES[@]})) || SIZES=(1000 10000)

die() { echo "compare-notary.sh: $*" >&2; exit 1; }
[[ -x "$TUFKEY" ]] || die "no tufkey binary at $TUFKEY (build it, or set TUFKEY=PATH)"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found (Debian package: time)"
for tool in notary notary-server python3 softhsm2-util; do
    command -v "$tool" >/dev/null || die "$tool not found (scripts/setup installs it)"
done
for n in "${SIZES[@]}"; do [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, not '$n'"; done
[[ "$REPS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPS must be a positive integer"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tufkey-bench.XXXXXX")"
SERVER="$WORK/server"
cleanup() {
    "$FIXTURES/stop-notary.sh" "$SERVER" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

SAMPLES="$WORK/samples.tsv"
: > "$SAMPLES"
LOADS="$WORK/loads.txt"
: > "$LOADS"

# measure N STEP RUN CMD...: run CMD (stdout to $WORK/out, stderr to $WORK/err), record a sample.
measure() {
    local n="$1" step="$2" run="$3"
    shift 3
    local t0 t1 rc=0
    t0="$EPOCHREALTIME"
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
    t1="$EPOCHREALTIME"
    if ((rc != 0)); then
        echo "compare-notary.sh: '$step' (N=$n, run $run) failed with exit $rc:" >&2
        tail -n 20 "$WORK/err" >&2
        exit 1
    fi
    local rss
    rss="$(tail -n 1 "$WORK/time" | cut -d' ' -f2)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$step" "$run" \
        "$(python3 -c "print(f'{$t1 - $t0:.3f}')")" "$rss" >> "$SAMPLES"
}

quiet() {  # quiet CMD...: an untimed set-up step; its output is shown only if it fails
    "$@" >"$WORK/out" 2>"$WORK/err" || { echo "compare-notary.sh: set-up step failed: $*" >&2; tail -n 20 "$WORK/err" >&2; exit 1; }
}

# reencrypt_keys HOME ITERATIONS: rewrite every key file under HOME/private with openssl at
# PBKDF2-HMAC-SHA1 x ITERATIONS / AES-256-CBC, same passphrase (chosen by the role: header) and
# headers. The plain key only passes through a pipe.
reencrypt_keys() {
    local file role var body headers
    for file in "$1"/private/*.key; do
        role="$(sed -n 's/^role: //p' "$file")"
        case "$role" in
            targets) var=TUFKEY_TARGETS_PASSPHRASE ;;
            snapshot) var=TUFKEY_SNAPSHOT_PASSPHRASE ;;
            timestamp) var=TUFKEY_TIMESTAMP_PASSPHRASE ;;
            *) die "unexpected key role '$role' in $file" ;;
        esac
        headers="$(sed -n '/^[a-z]*: /p' "$file")"
        body="$(grep -v -e '^[a-z]*: ' -e '^$' "$file" \
            | openssl pkcs8 -passin "env:$var" \
            | openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA1 -iter "$2" -passout "env:$var")" \
            || die "could not re-encrypt $file"
        { printf '%s\n' "$body" | head -n 1; printf '%s\n\n' "$headers"; printf '%s\n' "$body" | tail -n +2; } > "$file.new"
        chmod 600 "$file.new"
        mv "$file.new" "$file"
    done
}

expect_out() {  # expect_out PATTERN WHAT: the last command's stdout must match PATTERN
    grep -Eq "$1" "$WORK/out" || { echo "compare-notary.sh: $2: unexpected output:" >&2; head -n 5 "$WORK/out" >&2; exit 1; }
}

load() { uptime | sed 's/.*load average/load average/'; }

# --- fixtures --------------------------------------------------------------------------------
echo "compare-notary.sh: starting a throwaway notary-server and SoftHSM2 token in $WORK" >&2
"$FIXTURES/start-notary.sh" "$SERVER" >/dev/null
# shellcheck disable=SC1091
. "$SERVER/env.sh"

eval "$("$ROOT/softhsm-fixtures/make-token-store" "$WORK/tokens" bench-root)"
export TUFKEY_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
unset TUFKEY_PKCS11_PIN
PIN_FILE="$WORK/user.pin"
( umask 077; printf '%s\n' "${TUFKEY_FIXTURE_USER_PIN:-24681357}" > "$PIN_FILE" )

rand() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
for role in TARGETS SNAPSHOT TIMESTAMP; do export "TUFKEY_${role}_PASSPHRASE=bench-$(rand)"; done
for role in ROOT TARGETS SNAPSHOT; do export "NOTARY_${role}_PASSPHRASE=bench-$(rand)"; done

NOTARY_CONFIG="$SERVER/client-config.json"

# The N targets, once per N: "TAG sha256:HEX SIZE" lines (tufkey's --batch format).
make_targets() {
    python3 - "$1" "$2" <<'EOF'
import hashlib, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        digest = hashlib.sha256(b"bench manifest %d" % i).hexdigest()
        f.write("tag%06d sha256:%s %d\n" % (i, digest, 1000 + 37 * i))
EOF
}

# The notary addhash loop, as its own script so /usr/bin/time sees one process tree.
cat > "$WORK/addhash-loop.sh" <<'EOF'
#!/usr/bin/env bash
# addhash-loop.sh CONFIG TRUSTDIR GUN BATCH: one `notary addhash` per line of BATCH.
set -euo pipefail
while read -r tag digest size; do
    notary -c "$1" -d "$2" addhash "$3" "$tag" "$size" --sha256 "${digest#sha256:}" >/dev/null
done < "$4"
EOF
# The bulk alternative: the changelist files `notary addhash` writes (checked against a real
# one in this run), one per target, under TRUSTDIR/tuf/GUN/changelist/.
cat > "$WORK/bulk-changelist.py" <<'EOF'
import base64, json, os, sys, time, uuid
trust, gun, batch = sys.argv[1:4]
d = os.path.join(trust, "tuf", gun, "changelist")
os.makedirs(d, mode=0o700, exist_ok=True)
base = time.time_ns()
with open(batch) as f:
    for i, line in enumerate(f):
        tag, digest, size = line.split()
        meta = {"length": int(size), "hashes": {"sha256": base64.b64encode(bytes.fromhex(digest[7:])).decode()}}
        change = {"action": "create", "role": "targets", "type": "target", "path": tag,
                  "data": base64.b64encode(json.dumps(meta, separators=(",", ":")).encode()).decode()}
        name = os.path.join(d, "%020d_%s.change" % (base + i, uuid.uuid4()))
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(json.dumps(change, separators=(",", ":")))
EOF

# Check once that the bulk writer writes what notary addhash writes (same bytes but the name).
check_bulk_format() {
    local t="$WORK/format-check" gun="bench.example.com/format/check"
    printf 'tagX sha256:%s 123\n' "$(printf x | sha256sum | cut -c1-64)" > "$WORK/one.txt"
    notary -c "$NOTARY_CONFIG" -d "$t/real" addhash "$gun" tagX 123 \
        --sha256 "$(printf x | sha256sum | cut -c1-64)" >/dev/null
    python3 "$WORK/bulk-changelist.py" "$t/bulk" "$gun" "$WORK/one.txt"
    cmp -s "$t"/real/tuf/"$gun"/changelist/*.change "$t"/bulk/tuf/"$gun"/changelist/*.change \
        || die "the bulk changelist writer no longer matches notary addhash's change files"
}
check_bulk_format

echo "host: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" >> "$LOADS"
echo "$(openssl version); notary $(dpkg-query -W -f '${Version}' notary 2>/dev/null || echo '?') (Debian package, $(notary version 2>/dev/null | grep -m1 'Go version' | tr -s ' \t' ' ' | sed 's/^ //'))" >> "$LOADS"
echo "tufkey: $TUFKEY ($("$TUFKEY" --version 2>/dev/null || echo '?'))" >> "$LOADS"
echo "before all runs: $(load)" >> "$LOADS"

for n in "${SIZES[@]}"; do
    batch="$WORK/targets-$n.txt"
    make_targets "$n" "$batch"
    echo "N=$n: before: $(load)" >> "$LOADS"
    for run in $(seq 1 "$REPS"); do
        echo "compare-notary.sh: N=$n run $run/$REPS" >&2
        # --- notary ------------------------------------------------------------------------
        gun="bench.example.com/notary/n$n-r$run"
        trust="$WORK/notary-$n-$run"
        nt=(notary -c "$NOTARY_CONFIG" -d "$trust")
        measure "$n" notary.init "$run" "${nt[@]}" init "$gun"
        measure "$n" notary.publish0 "$run" "${nt[@]}" publish "$gun"
        if ((n <= ADDHASH_MAX)); then
            measure "$n" notary.add "$run" bash "$WORK/addhash-loop.sh" "$NOTARY_CONFIG" "$trust" "$gun" "$batch"
            measure "$n" notary.publish "$run" "${nt[@]}" publish "$gun"
            measure "$n" notary.list "$run" "${nt[@]}" list "$gun"
            got="$(($(wc -l < "$WORK/out") - 2))"
            ((got == n)) || die "notary list showed $got targets, expected $n"
            rm -rf "$trust"
        fi
        # notary's best case: the changelist written in bulk, on its own GUN and trust dir
        gun="bench.example.com/notary-bulk/n$n-r$run"
        trust="$WORK/notary-bulk-$n-$run"
        nt=(notary -c "$NOTARY_CONFIG" -d "$trust")
        quiet "${nt[@]}" init "$gun"
        quiet "${nt[@]}" publish "$gun"
        measure "$n" notary.bulk "$run" python3 "$WORK/bulk-changelist.py" "$trust" "$gun" "$batch"
        measure "$n" notary.bulkpublish "$run" "${nt[@]}" publish "$gun"
        measure "$n" notary.bulklist "$run" "${nt[@]}" list "$gun"
        got="$(($(wc -l < "$WORK/out") - 2))"
        ((got == n)) || die "notary list (bulk GUN) showed $got targets, expected $n"
        # a cold read: a fresh trust dir fetches root (trust on first use), timestamp, snapshot
        # and targets from the server and verifies them
        measure "$n" notary.coldlist "$run" notary -c "$NOTARY_CONFIG" -d "$WORK/notary-cold-$n-$run" list "$gun"
        got="$(($(wc -l < "$WORK/out") - 2))"
        ((got == n)) || die "notary list (fresh trust dir) showed $got targets, expected $n"
        rm -rf "$trust" "$WORK/notary-cold-$n-$run"
        # --- tufkey ------------------------------------------------------------------------
        gun="bench.example.com/tufkey/n$n-r$run"
        export TUFKEY_HOME="$WORK/tufkey-$n-$run"
        pub="$WORK/published-$n-$run"
        measure "$n" tufkey.init "$run" "$TUFKEY" init "$gun" \
            --root-key "pkcs11:token=bench-root;object=root-n$n-r$run" --pin-file "$PIN_FILE" -y
        measure "$n" tufkey.publish0 "$run" "$TUFKEY" publish "$gun" --to "$pub"
        measure "$n" tufkey.sign "$run" "$TUFKEY" sign "$gun" --batch "$batch"
        measure "$n" tufkey.publish "$run" "$TUFKEY" publish "$gun" --to "$pub"
        measure "$n" tufkey.verify "$run" "$TUFKEY" verify "$gun"
        expect_out "; $n signed targets" "tufkey verify"
        measure "$n" tufkey.inspect "$run" "$TUFKEY" inspect "$gun"
        got="$(grep -c '"SignedTag"' "$WORK/out" || true)"
        ((got == n)) || die "tufkey inspect showed $got tags, expected $n"
        root_copy="$WORK/root-$n-$run.json"
        cp "$pub/v2/$gun/_trust/tuf/root.json" "$root_copy"
        TUFKEY_HOME="$WORK/pulled-$n-$run" \
            measure "$n" tufkey.pull "$run" "$TUFKEY" pull "$gun" --from "$pub" --root "$root_copy"
        TUFKEY_HOME="$WORK/pulled-$n-$run" "$TUFKEY" verify "$gun" > "$WORK/out"
        expect_out "; $n signed targets" "tufkey verify after pull"
        rm -rf "$TUFKEY_HOME" "$WORK/pulled-$n-$run" "$pub"
        # the server path: the same work against the same notary-server notary publishes to
        # (init --server: timestamp key held by the server; sign --batch; publish GUN uploads
        # one multipart POST, then fetches, verifies and caches what the server serves), and a
        # cold pull from the server into an empty home (fetch over TLS + full verification)
        gun="bench.example.com/tufkey-server/n$n-r$run"
        export TUFKEY_HOME="$WORK/tufkey-server-$n-$run"
        measure "$n" tufkey.srvinit "$run" "$TUFKEY" --tls-ca "$NOTARY_FIXTURE_CA" init "$gun" \
            --server "$NOTARY_FIXTURE_URL" \
            --root-key "pkcs11:token=bench-root;object=root-srv-n$n-r$run" --pin-file "$PIN_FILE" -y
        measure "$n" tufkey.srvpublish0 "$run" "$TUFKEY" publish "$gun"
        measure "$n" tufkey.srvsign "$run" "$TUFKEY" sign "$gun" --batch "$batch"
        measure "$n" tufkey.srvpublish "$run" "$TUFKEY" publish "$gun"
        root_copy="$WORK/root-srv-$n-$run.json"
        cp "$TUFKEY_HOME/tuf/$gun/metadata/root.json" "$root_copy"
        TUFKEY_HOME="$WORK/pulled-srv-$n-$run" measure "$n" tufkey.srvpull "$run" "$TUFKEY" \
            --tls-ca "$NOTARY_FIXTURE_CA" pull "$gun" --from "$NOTARY_FIXTURE_URL" --root "$root_copy"
        TUFKEY_HOME="$WORK/pulled-srv-$n-$run" "$TUFKEY" --offline verify "$gun" > "$WORK/out"
        expect_out "; $n signed targets" "tufkey verify after a pull from the server"
        rm -rf "$TUFKEY_HOME" "$WORK/pulled-srv-$n-$run"
        # the same sign with key files at Notary's 2048 iterations (re-encrypted by openssl)
        gun="bench.example.com/tufkey-kdf2048/n$n-r$run"
        export TUFKEY_HOME="$WORK/tufkey-kdf2048-$n-$run"
        quiet "$TUFKEY" init "$gun" --root-key "pkcs11:token=bench-root;object=root-kdf2048-n$n-r$run" \
            --pin-file "$PIN_FILE" -y
        reencrypt_keys "$TUFKEY_HOME" 2048
        measure "$n" tufkey.sign2048 "$run" "$TUFKEY" sign "$gun" --batch "$batch"
        measure "$n" tufkey.verify2048 "$run" "$TUFKEY" verify "$gun"
        expect_out "; $n signed targets" "tufkey verify (2048-iteration home)"
        rm -rf "$TUFKEY_HOME"
    done
    echo "N=$n: after:  $(load)" >> "$LOADS"
done

[[ -n "${BENCH_RAW:-}" ]] && cp "$SAMPLES" "$BENCH_RAW"

# --- the table -----------------------------------------------------------------------------
python3 - "$SAMPLES" "$LOADS" "$REPS" "$ADDHASH_MAX" <<'EOF'
import collections, statistics, sys
samples, loads, reps, addhash_max = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = collections.defaultdict(list)
for line in open(samples):
    n, step, run, wall, rss = line.split("\t")
    data[(int(n), step)].append((float(wall), int(rss)))

def cell(n, step):
    s = data.get((n, step))
    if not s:
        return "—", "—"
    walls = sorted(w for w, _ in s)
    wall = statistics.median(walls)
    spread = f" ({walls[0]:.3f}–{walls[-1]:.3f})" if len(walls) > 1 else ""
    rss = statistics.median(r for _, r in s) / 1024
    return f"{wall:.3f}{spread}", f"{rss:.1f}"

def total(n, steps):
    # per-run sums, then the median
    runs = [sum(x) for x in zip(*[[w for w, _ in data[(n, st)]] for st in steps if (n, st) in data])]
    return f"**{statistics.median(runs):.3f}**" if runs else "—"

print("```")
print(open(loads).read().rstrip())
print("```")
print()
print(f"Wall time in seconds, median of {reps} runs (min–max); peak RSS in MiB (median; for a loop, the largest single process).")
print()
print("| N | work | notary 0.7 | s | MiB | tufkey | s | MiB |")
print("| ---: | --- | --- | ---: | ---: | --- | ---: | ---: |")
per_add = {}
for n in sorted({k[0] for k in data}):
    def row(work, nstep, ncmd, tstep, tcmd):
        ns, nm = cell(n, nstep) if nstep else ("", "")
        ns, nm = ("", "") if not ncmd else (ns, nm)
        ts, tm = cell(n, tstep) if tstep else ("", "")
        print(f"| {n:,} | {work} | {ncmd} | {ns} | {nm} | {tcmd} | {ts} | {tm} |")
    row("one-off: new repository", "notary.init", "`init` (software root key)", "tufkey.init",
        "`init` (token root key + 3 × 600k-iteration key files)")
    row("one-off: first publish", "notary.publish0", "`publish` (empty, to server)", "tufkey.publish0",
        "`publish --to DIR` (empty)")
    if (n, "notary.add") in data:
        row(f"add {n:,} targets", "notary.add", f"`addhash` × {n:,} (one process each)", "tufkey.sign",
            f"`sign --batch` ({n:,} lines)")
        per_add[n] = statistics.median(w for w, _ in data[(n, "notary.add")]) / n
        row("publish them", "notary.publish", "`publish` (to server)", "tufkey.publish", "`publish --to DIR`")
        print(f"| {n:,} | add + publish, total | | {total(n, ['notary.add', 'notary.publish'])} | | "
              f"| {total(n, ['tufkey.sign', 'tufkey.publish'])} | |")
    else:
        row(f"add {n:,} targets", None, f"(`addhash` loop not run, see below)", "tufkey.sign",
            f"`sign --batch` ({n:,} lines)")
        row("publish them", None, "", "tufkey.publish", "`publish --to DIR`")
    row(f"add {n:,} targets, other form", "notary.bulk", f"{n:,} changelist files written by Python, no `addhash`",
        "tufkey.sign2048", "`sign --batch`, key files re-encrypted at 2048 iterations")
    row("publish them", "notary.bulkpublish", "`publish` (to server)", None, "")
    print(f"| {n:,} | add + publish, total | | {total(n, ['notary.bulk', 'notary.bulkpublish'])} | | "
          f"| {total(n, ['tufkey.sign2048', 'tufkey.publish'])} | |")
    row("server: new repository", "notary.init", "`init`", "tufkey.srvinit", "`init --server URL`")
    row("server: first publish", "notary.publish0", "`publish` (empty)", "tufkey.srvpublish0", "`publish GUN` (empty)")
    for add, publish, how in (("notary.add", "notary.publish", f"`addhash` × {n:,}"),
                              ("notary.bulk", "notary.bulkpublish", "changelist files written by Python")):
        if (n, add) not in data:
            continue
        row(f"server: add {n:,} targets", add, how, "tufkey.srvsign", f"`sign --batch` ({n:,} lines)")
        row("server: publish them", publish, "`publish`", "tufkey.srvpublish", "`publish GUN` (upload, fetch, verify)")
        print(f"| {n:,} | server: add + publish, total | | {total(n, [add, publish])} | | "
              f"| {total(n, ['tufkey.srvsign', 'tufkey.srvpublish'])} | |")
    row("server: fetch + verify all, cold", "notary.coldlist", "`list` (fresh trust dir)", "tufkey.srvpull",
        "`pull --from URL --root` (empty home)")
    row("read + verify all", "notary.list", "`list` (warm cache, from server)", "tufkey.verify",
        "`verify` (home, no network)")
    row("read + verify all", "notary.bulklist", "`list` (bulk GUN)", "tufkey.verify2048", "`verify` (2048-iteration home)")
    row("read all", None, "", "tufkey.inspect", "`inspect` (docker trust inspect JSON)")
    row("fetch + verify all", None, "", "tufkey.pull", "`pull --from DIR --root` (empty home)")
if per_add:
    print()
    for n, cost in sorted(per_add.items()):
        print(f"notary `addhash`: {cost * 1000:.1f} ms per target at N={n:,}.", end=" ")
    big = sorted(n for n, _ in data if n > addhash_max)
    if big and per_add:
        cost = statistics.median(per_add.values())
        for n in sorted(set(big)):
            print(f"At N={n:,} the loop was not run; at that rate it would take about {cost * n:.0f} s.", end=" ")
    print()
EOF
