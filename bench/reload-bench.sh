#!/usr/bin/env bash
# Requests per second in the 5 s after a reload (SIGHUP, in the same process)
# against the 5 s before, beside the same figure after a plain restart (stop,
# start, the first 5 s), through Sluice to nginx on 127.0.0.1.
#
# usage: bench/reload-bench.sh [--mode http|tcp] [--conns N] [--seconds N] [--warmup N]
#   --mode     http (default) or tcp
#   --conns    wrk connections (default 50), keep-alive, 100 B responses
#   --seconds  length of each measured window (default 5)
#   --warmup   seconds of load before the first window, so the JIT has run (default 10)
# Prints one line per window and the two ratios; all processes are stopped by PID at exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=http
conns=50
seconds=5
warmup=10
threads=2
while [ $# -gt 0 ]; do
    case "$1" in
        --mode) mode=$2; shift 2 ;;
        --conns) conns=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        *) echo "usage: $0 [--mode http|tcp] [--conns N] [--seconds N] [--warmup N]" >&2; exit 2 ;;
    esac
done
# shellcheck source=bench/origin.sh
source "$root/bench/origin.sh"

url="http://127.0.0.1:$proxy_port/100b"
rps() { # $1 = seconds: wrk's requests per second over that window; errors fail the run
    local out
    out=$(wrk -t2 -c"$conns" -d"$1"s "$url")
    if grep -q "Socket errors\|Non-2xx" <<<"$out"; then
        echo "bench: errors during the run:" >&2
        echo "$out" >&2
        exit 1
    fi
    awk '/Requests\/sec/ {print $2}' <<<"$out"
}

proxy_config 0 > "$work/sluice.cfg"
start_proxy sluice "$work/sluice.cfg"
rps "$warmup" > /dev/null
before=$(rps "$seconds")
kill -HUP "$proxy_pid"
for _ in $(seq 1 200); do
    grep -q "sluice: reloaded" "$work/sluice.log" && break
    sleep 0.05
done
grep -q "sluice: reloaded" "$work/sluice.log" || { echo "bench: the reload did not happen" >&2; cat "$work/sluice.log" >&2; exit 1; }
after_reload=$(rps "$seconds")

stop_proxy
start_proxy sluice "$work/sluice.cfg"
after_restart=$(rps "$seconds")
stop_proxy

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "mode $mode, $conns keep-alive connections, 100 B, ${seconds} s windows, ${warmup} s warm-up, nbthread $threads"
echo "req/s before the reload:          $before"
echo "req/s in the ${seconds} s after the reload:   $after_reload  ($(ratio "$after_reload" "$before")x)"
echo "req/s in the ${seconds} s after a restart:    $after_restart  ($(ratio "$after_restart" "$before")x)"
