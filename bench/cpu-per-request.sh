#!/usr/bin/env bash
# Where the CPU goes, per request: wrk -> proxy -> nginx on 127.0.0.1, one case,
# for HAProxy and Sluice from the same configuration file. For each of the three
# processes it prints the CPU time (user + system, from /proc) per request served,
# and its voluntary and involuntary context switches per request, over a measured
# run that follows a warm-up. On a 2-core machine the three processes share the
# cores, so a proxy that makes its client or its server work more per request
# loses throughput even at equal CPU of its own: this shows which process pays.
#
#   bench/cpu-per-request.sh [--mode http|tcp] [--size 100b|20k] [--conns N] [--close] [--duration S] [--runs N]
#                            [--smart-connect]
#
# --smart-connect adds "option tcp-smart-connect" to the backend, for both proxies.
#
# CPU_DEBUG=1 prints the raw tick counts of each sample to stderr.
#
# SLUICE_JAR=path runs another build of Sluice (default: target/sluice.jar), to
# compare two builds in one run.
#
# Every process started here is stopped by its PID on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=http
size=20k
conns=200
close=0
duration=5
runs=1
while [ $# -gt 0 ]; do
    case "$1" in
        --mode) mode=$2; shift 2 ;;
        --size) size=$2; shift 2 ;;
        --conns) conns=$2; shift 2 ;;
        --close) close=1; shift ;;
        --duration) duration=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --smart-connect) backend_options="    option tcp-smart-connect"; shift ;;
        *) echo "usage: $0 [--mode http|tcp] [--size 100b|20k] [--conns N] [--close] [--duration S] [--runs N] [--smart-connect]" >&2; exit 2 ;;
    esac
done
# shellcheck source=bench/origin.sh
. "$root/bench/origin.sh"
nginx_worker=$(pgrep -P "$nginx_pid" | head -1)

threads=1
proxy_config 0 > "$work/proxy.cfg"

header=()
[ "$close" = 1 ] && header=(-H "Connection: close")
url="http://127.0.0.1:$proxy_port/$size"

# "cpu_ticks voluntary involuntary" of a process, summed over its threads, read by one awk so that a sample
# takes milliseconds even for a JVM of many threads. Fails, naming the process, if it is gone.
usage() {
    [ -r "/proc/$1/stat" ] || { echo "cpu-per-request.sh: process $1 ($2) ended before its sample" >&2; return 1; }
    awk 'FNR == 1 && FILENAME ~ /\/stat$/ {cpu = $14 + $15}
         /^voluntary_ctxt/ {v += $2} /^nonvoluntary_ctxt/ {n += $2}
         END {print cpu + 0, v + 0, n + 0}' "/proc/$1/stat" /proc/"$1"/task/*/status 2>/dev/null
}

hz=$(getconf CLK_TCK)
echo "| case | proxy | req/s | proxy µs/req | nginx µs/req | wrk µs/req | proxy switches/req (vol+invol) | nginx switches/req | wrk switches/req |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for run in $(seq 1 "$runs"); do
    for proxy in haproxy sluice; do
        start_proxy "$proxy" "$work/proxy.cfg"
        wrk -t 1 -c "$conns" -d 5s "${header[@]}" "$url" > /dev/null 2>&1 || true
        # wrk runs two seconds longer than the sampled window, which opens after its first second, so that
        # wrk is still running at both samples; its mean rate covers the window.
        wrk -t 1 -c "$conns" -d "$((duration + 2))s" "${header[@]}" "$url" > "$work/wrk.out" 2>&1 &
        wrk_pid=$!
        sleep 1
        read -r p1 pv1 pn1 < <(usage "$proxy_pid" "$proxy")
        read -r n1 nv1 nn1 < <(usage "$nginx_worker" nginx)
        read -r w1 wv1 wn1 < <(usage "$wrk_pid" wrk)
        t1=$(date +%s.%N)
        sleep "$duration"
        read -r p2 pv2 pn2 < <(usage "$proxy_pid" "$proxy")
        read -r n2 nv2 nn2 < <(usage "$nginx_worker" nginx)
        read -r w2 wv2 wn2 < <(usage "$wrk_pid" wrk)
        t2=$(date +%s.%N)
        [ -n "${CPU_DEBUG:-}" ] && echo "ticks proxy $p1..$p2 nginx $n1..$n2 wrk $w1..$w2" >&2
        wait "$wrk_pid" || true
        stop_proxy
        rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
        # Requests served in the sampled window, from wrk's mean rate.
        awk -v rps="$rps" -v t1="$t1" -v t2="$t2" -v hz="$hz" -v name="$proxy" \
            -v c="$size $([ "$close" = 1 ] && echo close || echo keep-alive) c=$conns $mode" \
            -v p=$((p2 - p1)) -v n=$((n2 - n1)) -v w=$((w2 - w1)) \
            -v ps=$((pv2 - pv1 + pn2 - pn1)) -v ns=$((nv2 - nv1 + nn2 - nn1)) -v ws=$((wv2 - wv1 + wn2 - wn1)) \
            'BEGIN {
                req = rps * (t2 - t1)
                us = 1e6 / hz / req
                printf "| %s | %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f |\n", c, name, rps, p * us, n * us, w * us, ps / req, ns / req, ws / req
            }'
    done
done
