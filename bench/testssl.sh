#!/usr/bin/env bash
# Runs testssl.sh against Sluice with examples/tls.cfg, its default TLS settings,
# and prints the findings by severity (issue 13, item 8).
#   bench/testssl.sh [JAR [OUTDIR]]
# JAR: the Sluice jar ($SLUICE_JAR, else target/sluice.jar, built if missing).
# OUTDIR: where testssl.json, testssl.log, sluice.log and the config go
# (default /tmp/testssl-out). Needs openssl, python3 and testssl.sh
# (Debian: apt-get install testssl.sh, which installs it as `testssl`).
# The certificate is a throwaway self-signed RSA-2048 one, made in a temporary
# directory and removed with it; it is never copied to OUTDIR.
# Exits 3 when Sluice no longer answers every request after the scan.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
JAVA_HOME=$("$(dirname "$0")/../bin/find-jdk")
export JAVA_HOME
jar=${1:-${SLUICE_JAR:-$root/target/sluice.jar}}
out=${2:-/tmp/testssl-out}

testssl=${TESTSSL:-}
if [ -z "$testssl" ]; then
    testssl=$(command -v testssl.sh || command -v testssl || true)
fi
[ -n "$testssl" ] || { echo "testssl.sh not found (apt-get install testssl.sh, or set TESTSSL)" >&2; exit 1; }

if [ ! -f "$jar" ]; then
    echo "building $jar" >&2
    (cd "$root" && mvn -q -o -DskipTests package)
    [ -f "$jar" ] || { echo "no jar at $jar after the build" >&2; exit 1; }
fi

tmp=$(mktemp -d)
pid=""
# Whether Sluice still runs (an exited child stays a zombie until waited for, and kill -0 still reaches it).
alive() {
    local state
    state=$(ps -o stat= -p "$pid" 2>/dev/null) || return 1
    [[ $state != Z* ]]
}
# SIGTERM, then SIGKILL if Sluice is still there after its 30 s drain and a margin.
stop_sluice() {
    [ -n "$pid" ] || return 0
    if alive; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 450); do
            alive || break
            sleep 0.1
        done
        if alive; then
            echo "sluice (pid $pid) did not stop within 45 s of SIGTERM; sending SIGKILL" >&2
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
    pid=""
}
cleanup() {
    stop_sluice
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A self-signed certificate for localhost, cert then key in one PEM (HAProxy's layout).
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 365 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
cat "$tmp/cert.pem" "$tmp/key.pem" > "$tmp/site.pem"
rm -f "$tmp/key.pem"

tls_port=$(free_port)
plain_port=$(free_port)
while [ "$plain_port" = "$tls_port" ]; do plain_port=$(free_port); done

# examples/tls.cfg as it stands, with the certificate, 127.0.0.1 and free ports
# put in, and a 200 "ok" answered by Sluice itself on TLS so that no server is needed
# (the plain port keeps its redirect).
sed -e "s#crt /etc/sluice/site.pem#crt $tmp/site.pem#" \
    -e "s#bind :8443 #bind 127.0.0.1:$tls_port #" \
    -e "s#bind :8080\$#bind 127.0.0.1:$plain_port#" \
    -e "s#^\( *\)default_backend app\$#\1http-request return status 200 content-type text/plain string ok if { ssl_fc }\n&#" \
    "$root/examples/tls.cfg" > "$tmp/tls.cfg"
grep -q "crt $tmp/site.pem" "$tmp/tls.cfg" && grep -q "127.0.0.1:$tls_port" "$tmp/tls.cfg" \
    && grep -q "http-request return" "$tmp/tls.cfg" \
    || { echo "examples/tls.cfg no longer has the lines this script rewrites" >&2; exit 1; }
"$JAVA_HOME/bin/java" -jar "$jar" -c -f "$tmp/tls.cfg"

"$JAVA_HOME/bin/java" -jar "$jar" -f "$tmp/tls.cfg" > "$tmp/sluice.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null; then break; fi
    alive || { cat "$tmp/sluice.log" >&2; echo "sluice exited" >&2; exit 1; }
    sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$tls_port") 2>/dev/null || { echo "port $tls_port never opened" >&2; exit 1; }
echo "sluice pid $pid on 127.0.0.1:$tls_port (TLS) and :$plain_port; running $testssl" >&2

status=0
rc=0
timeout 900 "$testssl" --quiet --color 0 --warnings batch \
    --jsonfile-pretty "$tmp/testssl.json" --logfile "$tmp/testssl.log" \
    "https://127.0.0.1:$tls_port" > /dev/null || rc=$?
echo "testssl exit status $rc" >&2
[ "$rc" -ne 124 ] || echo "testssl was stopped by the 900 s timeout; its outputs are partial" >&2

# Does Sluice still answer after the scan? Each event loop takes some of the new
# connections, so a loop that no longer serves shows up as failed requests here.
if command -v curl > /dev/null; then
    answered=0
    for _ in 1 2 3 4 5 6; do
        if [ "$(curl -sk -m 5 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$tls_port/" || true)" = 200 ]; then
            answered=$((answered + 1))
        fi
    done
    echo "after the scan: $answered of 6 HTTPS requests answered 200 within 5 s"
    [ "$answered" -eq 6 ] || status=3
fi
cpu=$(ps -o time= -p "$pid" 2>/dev/null | tr -d ' ' || true)
echo "sluice CPU time after the scan: ${cpu:-unknown}"
stop_sluice

mkdir -p "$out"
cp "$tmp/tls.cfg" "$tmp/sluice.log" "$out/"
for f in testssl.json testssl.log; do
    [ -f "$tmp/$f" ] && cp "$tmp/$f" "$out/"
done
[ -f "$out/testssl.json" ] || { echo "testssl wrote no JSON" >&2; exit 1; }

python3 - "$out/testssl.json" <<'EOF'
import json, sys
levels = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "WARN", "OK", "INFO"]
findings = []
def walk(node):
    if isinstance(node, dict):
        if "id" in node and "severity" in node:
            findings.append(node)
        for value in node.values():
            walk(value)
    elif isinstance(node, list):
        for value in node:
            walk(value)
walk(json.load(open(sys.argv[1])))
counts = {level: 0 for level in levels}
for f in findings:
    counts[f["severity"]] = counts.get(f["severity"], 0) + 1
print("findings by severity: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
for f in findings:
    if f["severity"] in ("CRITICAL", "HIGH", "MEDIUM"):
        print(f'{f["severity"]:8} {f["id"]}: {f["finding"]}')
EOF
echo "outputs in $out" >&2
[ "$status" -eq 0 ] || echo "WARNING: Sluice stopped answering some connections during the scan" >&2
exit "$status"
