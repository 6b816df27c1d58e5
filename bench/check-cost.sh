#!/usr/bin/env bash
# What health checks cost: the CPU a proxy spends to check many servers, for
# HAProxy 2.6 and Sluice from the same configuration file, against one nginx on
# 127.0.0.1. The backend has --servers servers, all pointing at nginx, each
# checked every --inter milliseconds (HTTP: "option httpchk GET /health"; TCP:
# a connect), so the proxies run about servers * 1000 / inter checks a second
# and carry no client traffic. nginx logs every check request: the checks
# actually run are counted from its log over the measured window.
#
# For each proxy it prints the checks per second measured, the proxy's CPU time
# (user + system, from /proc) over the window as a share of one core, and that
# share scaled to 1,000 checks per second: "CPU per 1,000 checks/s".
#
#   bench/check-cost.sh [--type http|tcp] [--servers N] [--inter MS] [--warmup S] [--duration S]
#
# SLUICE_JAR=path runs another build of Sluice (default: target/sluice.jar).
# Every process started here is stopped by its PID on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
type=http
servers=200
inter=200
warmup=3
duration=10
while [ $# -gt 0 ]; do
    case "$1" in
        --type) type=$2; shift 2 ;;
        --servers) servers=$2; shift 2 ;;
        --inter) inter=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        *) echo "usage: $0 [--type http|tcp] [--servers N] [--inter MS] [--warmup S] [--duration S]" >&2; exit 2 ;;
    esac
done
for tool in nginx haproxy; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install nginx haproxy)" >&2; exit 1; }
done
JAVA_HOME=$("$root/bin/find-jdk")
jar=${SLUICE_JAR:-$root/target/sluice.jar}
if [ ! -f "$jar" ]; then
    [ -z "${SLUICE_JAR:-}" ] || { echo "bench: no jar at $jar" >&2; exit 1; }
    (cd "$root" && JAVA_HOME=$JAVA_HOME mvn -q -B -Dmaven.test.skip=true package)
fi

work=$(mktemp -d /tmp/sluice-checks.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

origin_port=18091
proxy_port=18090
ticks=$(getconf CLK_TCK)

# One nginx process; every request to /health is a line in its log, so the checks are counted, not assumed.
cat > "$work/nginx.conf" <<NGINX
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 8192; }
http {
    log_format check '\$msec';
    access_log $work/access.log check;
    client_body_temp_path $work/body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    server {
        listen 127.0.0.1:$origin_port backlog=4096;
        location /health { return 200 "ok\n"; }
    }
}
NGINX
nginx -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")

wait_port() {
    for _ in $(seq 1 200); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "bench: nothing listens on $1" >&2
    return 1
}
wait_port $origin_port

# The configuration file both proxies run.
{
    cat <<EOF
global
    nbthread 1
    maxconn 1024
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout check 2s
frontend bench
    bind 127.0.0.1:$proxy_port
    default_backend checked
backend checked
EOF
    [ "$type" = http ] && echo "    option httpchk GET /health"
    for i in $(seq 1 "$servers"); do
        echo "    server s$i 127.0.0.1:$origin_port check inter $inter"
    done
} > "$work/proxy.cfg"

# CPU ticks (user + system) of a process, its threads included.
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Lines of nginx's access log: checks answered so far.
checks_done() { wc -l < "$work/access.log" 2>/dev/null || echo 0; }

measure() { # $1 = haproxy | sluice
    case "$1" in
        haproxy) haproxy -db -f "$work/proxy.cfg" > "$work/haproxy.log" 2>&1 & ;;
        sluice) "$JAVA_HOME/bin/java" -Xms64m -Xmx256m -XX:+UseSerialGC -jar "$jar" -f "$work/proxy.cfg" \
                    > "$work/sluice.log" 2>&1 & ;;
    esac
    local pid=$!
    pids+=("$pid")
    wait_port $proxy_port
    sleep "$warmup"
    local c0 n0 t0 c1 n1 t1
    c0=$(cpu "$pid"); n0=$(checks_done); t0=$(date +%s.%N)
    sleep "$duration"
    c1=$(cpu "$pid"); n1=$(checks_done); t1=$(date +%s.%N)
    if [ "$type" = tcp ]; then
        # A bare connect leaves no line in nginx's log: the rate is the configured one.
        n0=0; n1=$(awk -v t0="$t0" -v t1="$t1" -v s="$servers" -v i="$inter" 'BEGIN {printf "%d", (t1 - t0) * s * 1000 / i}')
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    awk -v name="$1" -v c="$((c1 - c0))" -v n="$((n1 - n0))" -v t0="$t0" -v t1="$t1" -v hz="$ticks" 'BEGIN {
        secs = t1 - t0; rate = n / secs; share = c / hz / secs;
        per1000 = 0; percheck = 0;
        if (rate > 0) { per1000 = 100 * share * 1000 / rate; percheck = 1e6 * share / rate }
        printf "%-8s %8.0f checks/s   CPU %6.2f%% of a core   CPU per 1,000 checks/s: %6.2f%% of a core   (%.1f CPU-us per check)\n",
            name, rate, 100 * share, per1000, percheck
    }'
    sleep 1
}

echo "check-cost: $type checks, $servers servers every $inter ms (about $((servers * 1000 / inter)) checks/s), warm-up ${warmup}s, measured ${duration}s"
echo "haproxy: $(haproxy -v | head -1)"
echo "sluice:  $jar"
measure haproxy
measure sluice
