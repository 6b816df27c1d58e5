#!/usr/bin/env bash
# The cost of access logging: wrk -> Sluice -> nginx on 127.0.0.1, 100 B responses,
# keep-alive, Sluice with logging off and with `option httplog` written to a file
# (`log stdout format raw local0`, standard output redirected to a file), in
# alternating runs of one session so that the machine's noise falls on both alike.
#
#   bench/log-cost.sh [--duration SECONDS] [--warmup SECONDS] [--rounds N] [--conns N]
#
# Prints one Markdown row per run, then the median of each and the cost in percent.
# Every process started here is stopped by its PID on exit (bench/origin.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=http
threads=1
duration=10
warmup=5
rounds=3
conns=50
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) duration=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --conns) conns=$2; shift 2 ;;
        *) echo "usage: $0 [--duration SECONDS] [--warmup SECONDS] [--rounds N] [--conns N]" >&2; exit 2 ;;
    esac
done
# shellcheck source=bench/origin.sh
. "$root/bench/origin.sh"

proxy_config $((2 * conns + 16)) > "$work/off.cfg"
# The same file with logging: every request one httplog line on standard output (a file here).
sed 's/^defaults$/defaults\n    log stdout format raw local0\n    option httplog/' "$work/off.cfg" > "$work/on.cfg"

echo "| run | logging | req/s | p99 ms | lines written | loop B/req |"
echo "|---|---|---:|---:|---:|---:|"
declare -A all=([off]="" [on]="")
for round in $(seq 1 "$rounds"); do
    for logging in off on; do
        start_proxy sluice "$work/$logging.cfg"
        warm=$(wrk -t 1 -c "$conns" -d "${warmup}s" "http://127.0.0.1:$proxy_port/100b" 2>&1 || true)
        out=$(wrk -t 1 -c "$conns" -d "${duration}s" --latency "http://127.0.0.1:$proxy_port/100b" 2>&1)
        stop_proxy
        r=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        lines=$(grep -c '"GET /100b HTTP/1.1"' "$work/sluice.log" || true)
        # Heap bytes the loop threads allocated per request (warm-up included), from Sluice's summary at stop.
        served=$(awk '/requests in/ {n += $1} END {print n + 0}' <<<"$warm
$out")
        per_request=$(awk -v n="$served" '/^loop_allocated_bytes / {b = $2} END { if (n > 0) printf "%.1f", b / n }' \
            "$work/sluice.log")
        all[$logging]="${all[$logging]} $r"
        printf '| %s | %s | %s | %s | %s | %s |\n' "$round" "$logging" "$r" "$p99" "$lines" "$per_request"
    done
done
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
off=$(median "${all[off]}")
on=$(median "${all[on]}")
echo
echo "median req/s: off $off, httplog to a file $on; cost $(awk -v a="$off" -v b="$on" 'BEGIN {printf "%.1f", (a - b) / a * 100}')%"
