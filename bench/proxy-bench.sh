#!/usr/bin/env bash
# Load benchmark: wrk -> proxy -> nginx, all on 127.0.0.1, for HAProxy and
# Sluice run from the very same configuration file, in one run, so that their
# ratio is meaningful on a shared, noisy machine.
#
#   bench/proxy-bench.sh [--mode tcp|http] [--tls] [--tls-origin] [--duration SECONDS] [--warmup SECONDS] [--threads N] [--quick]
#                        [--connections N] [--wrk-threads N] [--proxies "haproxy sluice"] [--conn-modes "keep-alive close"]
#
# SLUICE_JAR=path measures another build of Sluice (default: target/sluice.jar).
#
# --tls terminates TLS in both proxies (bind ... ssl crt, one self-signed ECDSA
# P-256 certificate made for the run, TLS 1.3 as wrk's OpenSSL picks it) and
# measures 50 connections only: keep-alive is the record path, "Connection:
# close" a handshake per request. wrk offers its last session again on each
# reconnect, so most of these are resumed (PSK and X25519, no certificate).
#
# --tls-origin makes nginx speak TLS only (a certificate made for the run,
# TLS 1.2 and 1.3) and both proxies originate it (server ... ssl verify none),
# 50 connections only; with --tls too, TLS runs on both sides.
#
# --connections N measures N connections only; --wrk-threads N runs wrk with N
# threads (1 by default: with TLS, one wrk thread is itself near saturation).
#
# --proxies sets which proxies run each case, in that order (the ratio column
# needs HAProxy first); --conn-modes keeps only the given connection modes.
# Both are for checking an order effect or one mode, with a longer --warmup:
# the JIT compiles the JDK's TLS handshake code for 30 to 60 s of close-mode
# load on this 2-core machine, so 5 s measures warm-up there.
#
# --quick runs one case (20 KB, keep-alive, 50 connections, full pool): a check
# that the script and both proxies work, not a measurement.
#
# The errors column: wrk's socket errors and non-2xx count; for Sluice also its
# own count per status (its answers, the servers' 4xx and 5xx) when any is not 0.
#
# Cases: 100 B and 20 KB responses x 50 and 200 connections x keep-alive and
# "Connection: close" x a pool sized for the load and one at 1/10 of it.
# Prints one Markdown table row per case and proxy. Every process started here
# is stopped by its PID on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=tcp
duration=5
warmup=5
threads=1
tls=0
sizes="100b 20k"
conn_counts="50 200"
conn_modes="keep-alive close"
pools="full tenth"
wrk_threads=1
connections=""
proxies="haproxy sluice"
only_modes=""
while [ $# -gt 0 ]; do
    case "$1" in
        --mode) mode=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --tls) tls=1; conn_counts=50; shift ;;
        --tls-origin) origin_tls=1; server_options=" ssl verify none"; conn_counts=50; shift ;;
        --quick) sizes=20k; conn_counts=50; conn_modes=keep-alive; pools=full; shift ;;
        --connections) connections=$2; shift 2 ;;
        --wrk-threads) wrk_threads=$2; shift 2 ;;
        --proxies) proxies=$2; shift 2 ;;
        --conn-modes) only_modes=$2; shift 2 ;;
        *) echo "usage: $0 [--mode tcp|http] [--tls] [--tls-origin] [--duration SECONDS] [--warmup SECONDS] [--threads N] [--quick] [--connections N] [--wrk-threads N] [--proxies LIST] [--conn-modes LIST]" >&2; exit 2 ;;
    esac
done
# --connections replaces the connection counts of the cases (after --tls and --quick, whatever the order).
[ -n "$connections" ] && conn_counts=$connections
[ -n "$only_modes" ] && conn_modes=$only_modes
for proxy in $proxies; do
    # start_proxy knows these two only; another name would leave $! at nginx's PID, which stop_proxy then kills.
    case "$proxy" in haproxy|sluice) ;; *) echo "bench: --proxies takes haproxy and sluice, not $proxy" >&2; exit 2 ;; esac
done
# shellcheck source=bench/origin.sh
. "$root/bench/origin.sh"
scheme=http
if [ "$tls" = 1 ]; then
    # The same certificate for both: made here, removed with the work directory.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/site.key" \
        -out "$work/site.crt" -days 2 -subj /CN=localhost 2>/dev/null
    cat "$work/site.crt" "$work/site.key" > "$work/site.pem"
    bind_options=" ssl crt $work/site.pem"
    scheme=https
fi


# Converts wrk's latency ("1.23ms", "850.00us", "1.01s") to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0
        if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n = n * 1000
        printf "%.2f", n
    }'
}

echo "| case | proxy | req/s | p50 ms | p99 ms | errors | peak RSS MiB | Sluice/HAProxy | loop B/req |"
echo "|---|---|---:|---:|---:|---|---:|---:|---:|"
for size in $sizes; do
    for conns in $conn_counts; do
        for conn_mode in $conn_modes; do
            for pool in $pools; do
                if [ "$pool" = full ]; then limit=$((2 * conns + 16)); else limit=$((2 * conns / 10)); fi
                cfg="$work/$size-$conns-$conn_mode-$pool.cfg"
                proxy_config "$limit" > "$cfg"
                header=()
                [ "$conn_mode" = close ] && header=(-H "Connection: close")
                declare -A rps=()
                for proxy in $proxies; do
                    start_proxy "$proxy" "$cfg"
                    # Warm-up (the JIT for Sluice), then the measured run. With -XX:+PrintCompilation,
                    # C2 still compiles Sluice's request path 3 s into a run, on one of the two cores
                    # the three processes share: 5 s leaves the measured run to the compiled code.
                    warm=$(wrk -t "$wrk_threads" -c "$conns" -d "${warmup}s" "${header[@]}" "$scheme://127.0.0.1:$proxy_port/$size" 2>&1 || true)
                    out=$(wrk -t "$wrk_threads" -c "$conns" -d "${duration}s" --latency "${header[@]}" "$scheme://127.0.0.1:$proxy_port/$size" 2>&1)
                    rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$proxy_pid/status" 2>/dev/null || echo 0)
                    stop_proxy
                    # Heap bytes Sluice's loop threads allocated per request served (warm-up and connection
                    # set-up included), from the counters it prints when it stops and wrk's request counts.
                    per_request=""
                    if [ "$proxy" = sluice ]; then
                        served=$(awk '/requests in/ {n += $1} END {print n + 0}' <<<"$warm
$out")
                        per_request=$(awk -v n="$served" '/^loop_allocated_bytes / {b = $2}
                            END { if (n > 0) printf "%.0f", b / n }' "$work/sluice.log")
                    fi
                    r=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
                    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
                    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
                    errs=$(grep -E "Socket errors|Non-2xx" <<<"$out" | tr -s ' ' | paste -sd ';' - || true)
                    if [ "$proxy" = sluice ]; then
                        # Sluice's own count per status (its answers, and the servers' 4xx/5xx), warm-up included.
                        statuses=$(awk '/^http_replies_[0-9]+ [1-9]/ {sub("http_replies_", "", $1); printf "%s%s x%s", sep, $1, $2; sep = ", "}
                            /^http_server_responses_[45]xx [1-9]/ {sub("http_server_responses_", "server ", $1); printf "%s%s x%s", sep, $1, $2; sep = ", "}' \
                            "$work/sluice.log")
                        [ -n "$statuses" ] && errs="${errs:+$errs; }statuses: $statuses"
                    fi
                    [ -n "$errs" ] || errs="none"
                    rps[$proxy]=$r
                    ratio=""
                    [ "$proxy" = sluice ] && ratio=$(awk -v s="$r" -v h="${rps[haproxy]:-0}" 'BEGIN { if (h > 0) printf "%.2f", s / h }')
                    printf '| %s %s c=%s pool=%s(%s) | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
                        "$size" "$conn_mode" "$conns" "$pool" "$limit" "$proxy" "$r" \
                        "$(to_ms "$p50")" "$(to_ms "$p99")" "$errs" "$((rss_kb / 1024))" "$ratio" "$per_request"
                done
                unset rps
            done
        done
    done
done
