#!/usr/bin/env bash
# fixture_selftest.sh FIXTURES_DIR: the notary fixture and the static server behave as the
# later interop tests rely on. One line per check; exit 1 if any check failed.
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
check "parallel start (https)" wait "$a"
check "parallel start (http)" wait "$b"
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
