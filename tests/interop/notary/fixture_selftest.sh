#!/usr/bin/env bash
# fixture_selftest.sh FIXTURES_DIR: the notary fixture (both topologies: notary-server alone, and
# notary-server with notary-signer over mutual TLS) and the static server behave as the later
# interop tests rely on. One line per check; exit 1 if any check failed.
set -uo pipefail

fixtures="${1:?usage: fixture_selftest.sh FIXTURES_DIR}"
notary_fixture="$fixtures/notary"
source "$notary_fixture/lib.sh"
work="$(mktemp -d "${TMPDIR:-/tmp}/tufkey-fixture-selftest.XXXXXX")"
failed=0
own_pids=()
cleanup() {
    for d in "$work"/srv-*; do [[ -d "$d" ]] && "$notary_fixture/stop-notary.sh" "$d" 2>/dev/null; done
    for pid in "${own_pids[@]}"; do kill "$pid" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT

check() {  # DESCRIPTION COMMAND...
    local what="$1"; shift
    if "$@" >>"$work/log" 2>&1; then echo "ok   $what"; else echo "FAIL $what"; failed=1; fi
}
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }

# Two servers at once, one HTTPS and one HTTP, each on its own kernel-chosen port.
NOTARY_FIXTURE_TLS=1 "$notary_fixture/start-notary.sh" "$work/srv-tls" >"$work/tls.url" 2>>"$work/log" &
a=$!
NOTARY_FIXTURE_TLS=0 "$notary_fixture/start-notary.sh" "$work/srv-http" >"$work/http.url" 2>>"$work/log" &
b=$!
NOTARY_FIXTURE_TOPOLOGY=signer "$notary_fixture/start-notary.sh" "$work/srv-signer" >"$work/signer.url" 2>>"$work/log" &
c=$!
NOTARY_FIXTURE_TOPOLOGY=signer NOTARY_FIXTURE_CLIENT_AUTH=1 "$notary_fixture/start-notary.sh" "$work/srv-mtls" \
    >"$work/mtls.url" 2>>"$work/log" &
d=$!
check "parallel start (https)" wait "$a"
check "parallel start (http)" wait "$b"
check "parallel start (signer topology)" wait "$c"
check "parallel start (signer topology, client certificates)" wait "$d"
tls_url="$(cat "$work/tls.url")"
http_url="$(cat "$work/http.url")"
check "https URL printed" grep -Eq '^https://127\.0\.0\.1:[0-9]+$' "$work/tls.url"
check "http URL printed" grep -Eq '^http://127\.0\.0\.1:[0-9]+$' "$work/http.url"
check "different ports" test "$tls_url" != "${http_url/http:/https:}"
check "env.sh describes the server" bash -c \
    ". '$work/srv-tls/env.sh' && test \"\$NOTARY_FIXTURE_URL\" = '$tls_url' && test -f \"\$NOTARY_FIXTURE_CA\" \
     && test \"\$NOTARY_FIXTURE_PID\" = \"\$(cat '$work/srv-tls/notary-server.pid')\""
check "https health with the fixture CA" test "$(http_code --cacert "$work/srv-tls/ca.crt" "$tls_url/_notary_server/health")" = 200
check "https refused without the CA" test "$(http_code "$tls_url/_notary_server/health")" = 000
check "http health" test "$(http_code "$http_url/_notary_server/health")" = 200
check "the real client reaches the server" bash -c \
    "notary -c '$work/srv-tls/client-config.json' -d '$work/trust' list tufkey.test/none 2>&1 \
     | grep -q 'does not have trust data'"

# The signer topology: notary-server signs through notary-signer, over mutual TLS only.
signer_url="$(cat "$work/signer.url")"
check "signer topology URL printed" grep -Eq '^https://127\.0\.0\.1:[0-9]+$' "$work/signer.url"
check "env.sh describes server and signer" bash -c \
    ". '$work/srv-signer/env.sh' && test \"\$NOTARY_FIXTURE_TOPOLOGY\" = signer \
     && test \"\$NOTARY_FIXTURE_SIGNER_PID\" = \"\$(cat '$work/srv-signer/notary-signer.pid')\" \
     && test \"\$NOTARY_FIXTURE_SIGNER_PORT\" != \"\$NOTARY_FIXTURE_PORT\" && test -s \"\$NOTARY_FIXTURE_SIGNER_LOG\" \
     && test -f \"\$NOTARY_FIXTURE_CLIENT_CERT\" && test -f \"\$NOTARY_FIXTURE_CLIENT_KEY\""
check "local topology has no signer" bash -c ". '$work/srv-tls/env.sh' && test -z \"\$NOTARY_FIXTURE_SIGNER_PID\" \
     && test ! -e '$work/srv-tls/notary-signer.pid'"
check "the server uses the remote signer" grep -q 'Using remote signing service' "$work/srv-signer/notary-server.log"
check "the local server does not" bash -c "! grep -q 'Using remote signing service' '$work/srv-tls/notary-server.log'"
signer_port="$(. "$work/srv-signer/env.sh" && echo "$NOTARY_FIXTURE_SIGNER_PORT")"
# gRPC is HTTP/2 over TLS. TLS 1.2, because under 1.3 the server's alert may come after curl has
# finished its side of the handshake. Without a client certificate of the fixture CA the handshake
# ends in an alert (curl exit 35); with one it gets through (curl then fails on gRPC framing).
signer_tls() {  # OUTFILE CURL-ARGS...: curl's messages and exit status into OUTFILE
    local out="$1"; shift
    curl -sS --http2 --tls-max 1.2 --max-time 5 --cacert "$work/srv-signer/ca.crt" "$@" \
        "https://127.0.0.1:$signer_port/" >"$out" 2>&1
    echo "exit $?" >>"$out"
}
"$notary_fixture/gen-certs.sh" "$work/other-ca" 2>>"$work/log"
signer_tls "$work/tls-none"
signer_tls "$work/tls-other" --cert "$work/other-ca/signer-client.crt" --key "$work/other-ca/signer-client.key"
signer_tls "$work/tls-ours" --cert "$work/srv-signer/signer-client.crt" --key "$work/srv-signer/signer-client.key"
check "signer refuses a client without a certificate" grep -Eq 'alert (bad certificate|certificate required)' "$work/tls-none"
check "signer refuses a client certificate of another CA" grep -Eq 'alert (bad certificate|unknown ca)' "$work/tls-other"
check "signer accepts the fixture's client certificate" bash -c "! grep -Eq 'alert|exit 35' '$work/tls-ours'"

export NOTARY_ROOT_PASSPHRASE=selftest-root NOTARY_TARGETS_PASSPHRASE=selftest-targets \
       NOTARY_SNAPSHOT_PASSPHRASE=selftest-snapshot
printf 'fixture payload\n' > "$work/payload"
payload_sha="$(sha256sum "$work/payload" | cut -d' ' -f1)"
sn=(notary -c "$work/srv-signer/client-config.json" -d "$work/trust-signer")
check "notary init -p (signer topology)" "${sn[@]}" init -p tufkey.test/signer
check "notary add -p (signer topology)" "${sn[@]}" add -p tufkey.test/signer v1 "$work/payload"
check "notary list shows the target" bash -c \
    "'${sn[0]}' ${sn[*]:1} list tufkey.test/signer | grep -Eq '^v1 +$payload_sha +16 +targets'"
curl -s --cacert "$work/srv-signer/ca.crt" "$signer_url/v2/tufkey.test/signer/_trust/tuf/timestamp.json" \
    >"$work/timestamp.json" 2>>"$work/log"
check "the timestamp is version 2 with one signature" /usr/bin/python3 -c \
    "import json,sys; t=json.load(open(sys.argv[1])); assert t['signed']['version']==2 and len(t['signatures'])==1" \
    "$work/timestamp.json"
ts_keyid="$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['signatures'][0]['keyid'])" \
    "$work/timestamp.json" 2>>"$work/log")"
check "notary-signer created the timestamp key" grep -q "CreateKey: Created KeyID $ts_keyid" "$work/srv-signer/notary-signer.log"
check "notary-signer signed the published timestamp with it" /usr/bin/python3 -c '
import json, sys
keyid, log, ts = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
signed = [json.loads(l)["msg"] for l in open(log) if "Sign: Signed" in l]
assert any("\"_type\":\"Timestamp\"" in m and "\"version\":2" in m and m.endswith("with KeyID " + keyid)
           for m in signed), signed
' "$ts_keyid" "$work/srv-signer/notary-signer.log" "$work/timestamp.json"
check "signer topology: server-managed keys are ecdsa" bash -c \
    "curl -s --cacert '$work/srv-signer/ca.crt' '$signer_url/v2/tufkey.test/signer/_trust/tuf/timestamp.key' \
     | grep -q '\"keytype\":\"ecdsa\"'"
check "local topology: server-managed keys are ed25519" bash -c \
    "curl -s --cacert '$work/srv-tls/ca.crt' '$tls_url/v2/tufkey.test/local/_trust/tuf/timestamp.key' \
     | grep -q '\"keytype\":\"ed25519\"'"

# NOTARY_FIXTURE_CLIENT_AUTH=1: the server itself asks for a client certificate.
mtls_url="$(cat "$work/mtls.url")"
mtls_dir="$work/srv-mtls"
check "client auth: refused without a certificate" test "$(http_code --cacert "$mtls_dir/ca.crt" "$mtls_url/_notary_server/health")" = 000
check "client auth: health with the client certificate" test "$(http_code --cacert "$mtls_dir/ca.crt" \
    --cert "$mtls_dir/client.crt" --key "$mtls_dir/client.key" "$mtls_url/_notary_server/health")" = 200
check "client auth: the real client with client-config.json" bash -c \
    "notary -c '$mtls_dir/client-config.json' -d '$work/trust-mtls' list tufkey.test/none 2>&1 \
     | grep -q 'does not have trust data'"
check "client auth: the real client without a certificate fails" bash -c \
    "! notary -s '$mtls_url' --tlscacert '$mtls_dir/ca.crt' -d '$work/trust-mtls' list tufkey.test/none 2>&1 \
     | grep -q 'does not have trust data'"

# Stopping the signer topology stops both processes.
server_pid="$(cat "$work/srv-signer/notary-server.pid")"
signer_pid="$(cat "$work/srv-signer/notary-signer.pid")"
check "stop (signer topology)" "$notary_fixture/stop-notary.sh" "$work/srv-signer"
check "server and signer are gone" bash -c \
    "source '$notary_fixture/lib.sh'; ! fixture_process_alive $server_pid && ! fixture_process_alive $signer_pid"
check "both PID files removed" bash -c "test ! -e '$work/srv-signer/notary-server.pid' && test ! -e '$work/srv-signer/notary-signer.pid'"
check "a signer that dies at once is reported" bash -c \
    "! NOTARY_FIXTURE_TOPOLOGY=signer NOTARY_SIGNER_BIN=/bin/false '$notary_fixture/start-notary.sh' '$work/srv-nosigner'"
check "no server started without its signer" test ! -e "$work/srv-nosigner/notary-server.pid"
check "client auth without TLS is refused" bash -c \
    "! NOTARY_FIXTURE_TLS=0 NOTARY_FIXTURE_CLIENT_AUTH=1 '$notary_fixture/start-notary.sh' '$work/srv-bad'"

# NOTARY_FIXTURE_WATCH_PID: the fixture goes when the process that started it goes.
sleep 60 & watched=$!
own_pids+=("$watched")
NOTARY_FIXTURE_TOPOLOGY=signer NOTARY_FIXTURE_WATCH_PID=$watched "$notary_fixture/start-notary.sh" "$work/srv-watched" \
    >/dev/null 2>>"$work/log"
watched_server="$(cat "$work/srv-watched/notary-server.pid" 2>/dev/null)"
watched_signer="$(cat "$work/srv-watched/notary-signer.pid" 2>/dev/null)"
check "watched fixture runs while its watched process does" bash -c \
    "sleep 1.5; source '$notary_fixture/lib.sh'; fixture_process_alive '$watched_server' && fixture_process_alive '$watched_signer'"
kill "$watched"
check "watched fixture stops after its watched process ended" bash -c \
    "source '$notary_fixture/lib.sh'; for i in \$(seq 100); do
       fixture_process_alive '$watched_server' || fixture_process_alive '$watched_signer' || exit 0; sleep 0.1; done; exit 1"
check "watched fixture's PID files removed" bash -c \
    "sleep 0.5; test ! -e '$work/srv-watched/notary-server.pid' && test ! -e '$work/srv-watched/notary-signer.pid'"

# A second server on a port in use fails and leaves nothing behind.
port="${http_url##*:}"
check "busy port refused" bash -c "! NOTARY_FIXTURE_TLS=0 NOTARY_FIXTURE_PORT=$port '$notary_fixture/start-notary.sh' '$work/srv-busy'"
check "no PID file after a failed start" test ! -e "$work/srv-busy/notary-server.pid"
check "a server that dies at once is reported" bash -c "! NOTARY_SERVER_BIN=/bin/false '$notary_fixture/start-notary.sh' '$work/srv-false'"

# Stop: by PID, idempotent, never someone else's process.
tls_pid="$(cat "$work/srv-tls/notary-server.pid")"
check "stop (https)" "$notary_fixture/stop-notary.sh" "$work/srv-tls"
check "stopped process is gone" bash -c "! (source '$notary_fixture/lib.sh'; fixture_process_alive $tls_pid)"
check "PID file removed" test ! -e "$work/srv-tls/notary-server.pid"
check "second stop is a no-op" "$notary_fixture/stop-notary.sh" "$work/srv-tls"
check "stop (http)" "$notary_fixture/stop-notary.sh" "$work/srv-http"
check "stop (client auth)" "$notary_fixture/stop-notary.sh" "$work/srv-mtls"
sleep 30 & decoy=$!
own_pids+=("$decoy")
mkdir -p "$work/srv-decoy" && echo "$decoy" > "$work/srv-decoy/notary-server.pid"
check "stop refuses a foreign PID" bash -c "! '$notary_fixture/stop-notary.sh' '$work/srv-decoy'"
check "the foreign process survived" fixture_process_alive "$decoy"

# The static server: URL on stdout, files served, requests logged, stops on SIGTERM.
mkdir -p "$work/site/v2/tufkey.test/app/_trust/tuf"
printf '{"x":1}' > "$work/site/v2/tufkey.test/app/_trust/tuf/root.json"
/usr/bin/python3 "$fixtures/static-server.py" "$work/site" --log "$work/static.log" \
    --url-file "$work/static.url" >"$work/static.out" 2>>"$work/log" &
static=$!
own_pids+=("$static")
for _ in $(seq 100); do [[ -s "$work/static.url" ]] && break; sleep 0.05; done
static_url="$(cat "$work/static.url" 2>/dev/null)"
check "static server URL printed" grep -Eqx 'http://127\.0\.0\.1:[0-9]+' "$work/static.out"
check "static server serves files" test "$(curl -s "$static_url/v2/tufkey.test/app/_trust/tuf/root.json")" = '{"x":1}'
check "static server 404" test "$(http_code "$static_url/v2/tufkey.test/app/_trust/tuf/missing.json")" = 404
check "static server logs requests" grep -qx 'GET /v2/tufkey.test/app/_trust/tuf/missing.json 404' "$work/static.log"
kill -TERM "$static"
check "static server stops on SIGTERM" wait "$static"

if ((failed)); then
    echo "--- log ---"; cat "$work/log"
    exit 1
fi
echo "all fixture checks passed"
