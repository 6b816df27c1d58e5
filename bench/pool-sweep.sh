#!/usr/bin/env bash
# The pool's cost under constraint: Sluice alone, wrk -> Sluice -> nginx on
# 127.0.0.1, with tune.buffers.limit at fractions of the demand (two buffers
# per connection), for 20 KB responses in keep-alive and "Connection: close".
#
#   bench/pool-sweep.sh [--conns "50 200"] [--duration S] [--warmup S] [--rounds N] [--plot FILE.png]
#
# Each round runs every case at every fraction, the fractions in a new order
# each round, so that a noisy stretch of the shared machine does not fall on
# one fraction only; the table gives each case's median over the rounds and its
# ratio to the same case's full pool. --plot draws req/s against the pool
# fraction with gnuplot (one line per case). SLUICE_JAR=path measures another
# build. Every process started here is stopped by its PID on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=http
threads=1
conns_list="50 200"
duration=5
warmup=5
rounds=3
plot=""
while [ $# -gt 0 ]; do
    case "$1" in
        --conns) conns_list=$2; shift 2 ;;
        --duration) duration=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --plot) plot=$2; shift 2 ;;
        *) echo "usage: $0 [--conns \"50 200\"] [--duration S] [--warmup S] [--rounds N] [--plot FILE.png]" >&2
           exit 2 ;;
    esac
done
# shellcheck source=bench/origin.sh
. "$root/bench/origin.sh"

# name:numerator/denominator of the demand; "full" is the demand plus slack, as proxy-bench.sh sizes it.
fractions="tenth:1/10 quarter:1/4 half:1/2 seed:27/58 full:1/1"
results="$work/results.tsv"
: > "$results"

run_case() { # $1 conns, $2 conn_mode, $3 name, $4 fraction
    local conns=$1 conn_mode=$2 name=$3 frac=$4 demand limit cfg header out r
    demand=$((2 * conns))
    if [ "$name" = full ]; then
        limit=$((demand + 16))
    else
        limit=$(awk -v d="$demand" -v f="$frac" 'BEGIN { split(f, p, "/"); printf "%d", d * p[1] / p[2] }')
    fi
    # The configuration check wants reserve + 2 buffers per loop at least.
    [ "$limit" -ge 4 ] || limit=4
    cfg="$work/sweep-$conns-$conn_mode-$name.cfg"
    proxy_config "$limit" > "$cfg"
    header=()
    [ "$conn_mode" = close ] && header=(-H "Connection: close")
    start_proxy sluice "$cfg"
    wrk -t 1 -c "$conns" -d "${warmup}s" "${header[@]}" "http://127.0.0.1:$proxy_port/20k" > /dev/null 2>&1 || true
    out=$(wrk -t 1 -c "$conns" -d "${duration}s" "${header[@]}" "http://127.0.0.1:$proxy_port/20k" 2>&1)
    stop_proxy
    r=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    errs=$(grep -E "Socket errors|Non-2xx" <<<"$out" | tr -s ' ' | paste -sd ';' - || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$conns" "$conn_mode" "$name" "$limit" "$r" "${errs:-none}" >> "$results"
}

for round in $(seq 1 "$rounds"); do
    for conns in $conns_list; do
        for conn_mode in keep-alive close; do
            for f in $(tr ' ' '\n' <<<"$fractions" | shuf); do
                run_case "$conns" "$conn_mode" "${f%%:*}" "${f#*:}"
            done
        done
    done
    echo "round $round of $rounds done" >&2
done

echo "| case | pool (buffers) | fraction of demand | req/s (median of $rounds) | runs | / full pool | errors |"
echo "|---|---:|---:|---:|---|---:|---|"
plotdata="$work/plot.dat"
: > "$plotdata"
for conns in $conns_list; do
    for conn_mode in keep-alive close; do
        full=$(awk -F'\t' -v c="$conns" -v m="$conn_mode" '$1 == c && $2 == m && $3 == "full" {print $5}' "$results" \
            | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
        for f in $fractions; do
            name=${f%%:*}
            frac=${f#*:}
            rows=$(awk -F'\t' -v c="$conns" -v m="$conn_mode" -v n="$name" '$1 == c && $2 == m && $3 == n' "$results")
            limit=$(cut -f4 <<<"$rows" | head -1)
            runs=$(cut -f5 <<<"$rows" | sort -n | paste -sd ' ' -)
            median=$(cut -f5 <<<"$rows" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
            errs=$(cut -f6 <<<"$rows" | sort -u | paste -sd ' ' -)
            share=$(awk -v f="$frac" 'BEGIN { split(f, p, "/"); printf "%.3f", p[1] / p[2] }')
            ratio=$(awk -v m="$median" -v f="$full" 'BEGIN { if (f > 0) printf "%.2f", m / f }')
            echo "| 20k $conn_mode c=$conns | $limit | $share | $median | $runs | $ratio | $errs |"
            printf '%s\t%s\t%s\n' "20k-$conn_mode-c$conns" "$share" "$median" >> "$plotdata"
        done
    done
done

if [ -n "$plot" ]; then
    command -v gnuplot >/dev/null || { echo "bench: gnuplot is missing (apt-get install gnuplot-nox)" >&2; exit 1; }
    script="$work/plot.gp"
    for series in $(cut -f1 "$plotdata" | uniq); do
        awk -F'\t' -v s="$series" '$1 == s {print $2, $3}' "$plotdata" | sort -n > "$work/$series.dat"
    done
    {
        echo "set terminal png size 900,560"
        echo "set output '$plot'"
        echo "set title 'Sluice: requests per second against the pool (20 KB responses)'"
        echo "set xlabel 'tune.buffers.limit as a fraction of the demand (2 buffers per connection)'"
        echo "set ylabel 'requests per second (median of $rounds runs)'"
        echo "set key bottom right"
        echo "set grid"
        echo "set xrange [0:1.05]"
        echo "set yrange [0:*]"
        printf "plot "
        sep=""
        for series in $(cut -f1 "$plotdata" | uniq); do
            printf "%s'%s' using 1:2 with linespoints title '%s'" "$sep" "$work/$series.dat" "$series"
            sep=", "
        done
        echo
    } > "$script"
    gnuplot "$script"
    echo "plot written to $plot" >&2
fi
