#!/usr/bin/env bash
# Sluice's memory under load, for several JVM settings, from one run: nginx on
# 127.0.0.1 behind Sluice (nbthread 2, maxconn 4096, the default pool), then
# wrk -t2 -c200 of 20 KB keep-alive and wrk -t2 -c50 of 100 B with
# "Connection: close". For each setting it prints the peak resident set
# (VmHWM), the part of the buffer arena the run used (its peak of buffers held
# at once, from the stop summary, times the buffer size) and the peak less
# that, and at the end of the load the resident set split into anonymous
# memory (the process's own) and file-backed pages (libjvm's text, the class
# data sharing archive: shared with every other JVM on the machine), and the
# request rates wrk saw (noise on a shared machine: compare memory, not speed).
#
#   bench/footprint.sh [--ka S] [--close S] [--nmt] [--only NAME] [--setting "NAME=OPTIONS"]...
#
# The settings measured, each on top of what bin/sluice does (the heap sized
# from maxconn by `sluice --heap`, serial GC, MALLOC_ARENA_MAX=2, the CDS
# archive, the JIT's memory limits): "bin/sluice" alone; "no JIT limits" (no
# C2 compilation given up for its arenas, no trimming of the C library's
# free memory: bin/sluice before it set them); "C1 only"
# (-XX:TieredStopAtLevel=1: no C2, whose compiler arenas are the largest
# passing use); "small code cache" (-XX:ReservedCodeCacheSize=16m); "small stacks"
# (-Xss256k); "heap floor 4m" (-Xms4m: the heap starts at 4 MiB and grows as
# the live set asks, instead of sluice --heap's 16 MiB floor); "AOT cache" (the
# JDK 25 ahead-of-time cache in place of the CDS archive: a training run under
# the same load writes it, -XX:AOTCacheOutput, and the measured run maps it,
# -XX:AOTCache). --nmt adds native memory tracking to each and prints its summary.
# --setting "NAME=OPTIONS" (repeatable) measures "bin/sluice" and the settings
# given, each with its JVM options added, in place of the list above.
# SLUICE_JAR=path measures another build. Every process started here is stopped
# by its PID on exit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ka=8
close=4
nmt=0
only=""
custom_names=()
custom_extras=()
while [ $# -gt 0 ]; do
    case "$1" in
        --ka) ka=$2; shift 2 ;;
        --close) close=$2; shift 2 ;;
        --nmt) nmt=1; shift ;;
        --only) only=$2; shift 2 ;;
        --setting) custom_names+=("${2%%=*}"); custom_extras+=("${2#*=}"); shift 2 ;;
        *) echo "usage: $0 [--ka S] [--close S] [--nmt] [--only NAME] [--setting \"NAME=OPTIONS\"]..." >&2; exit 2 ;;
    esac
done
mode=http
threads=2
# shellcheck source=bench/origin.sh
. "$root/bench/origin.sh"

cfg="$work/footprint.cfg"
proxy_config 0 > "$cfg"
heap=$("$JAVA_HOME/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx32m -jar "$jar" --heap -f "$cfg")
# bin/sluice's limits on the JIT's memory (a C2 compilation past 8 MiB of arenas given up, freed memory trimmed).
jit="-XX:CompileCommand=quiet -XX:CompileCommand=MemLimit,*.*,8m -XX:TrimNativeHeapInterval=1000"
base="$heap -XX:+UseSerialGC -XX:SharedArchiveFile=$work/sluice.jsa -XX:+AutoCreateSharedArchive $jit"

names=("bin/sluice" "no JIT limits" "C1 only" "small code cache" "small stacks" "heap floor 4m" "AOT cache")
extras=("" "-XX:CompileCommand=MemLimit,*.*,0 -XX:TrimNativeHeapInterval=0" "-XX:TieredStopAtLevel=1" \
    "-XX:ReservedCodeCacheSize=16m" "-Xss256k" "-Xms4m" "-XX:AOTCache=$work/sluice.aot")
aot_base="$heap -XX:+UseSerialGC $jit"
if [ ${#custom_names[@]} -gt 0 ]; then
    names=("bin/sluice" "${custom_names[@]}")
    extras=("" "${custom_extras[@]}")
fi

status_kb() { # $1 = pid, $2 = field of /proc/PID/status
    awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"
}

arena_kb() { # $1 = a stopped run's log -> KB of arena the run touched: its peak of buffers held at once x their size
    # (the free list is LIFO, so the buffers ever used are about the most held at once; the rest was never touched)
    awk '/ buffers of [0-9]+ bytes per loop/ { for (i = 1; i < NF; i++) if ($(i+1) == "bytes") size = $i }
         $1 == "buffers_peak_in_use_sum" { peak = $2 }
         END { print peak * size / 1024 }' "$1"
}

rate() { # wrk's output on stdin -> requests per second
    awk '/^Requests\/sec:/ {print $2}'
}

# A first run writes the CDS archive, so that every measured setting starts from it.
MALLOC_ARENA_MAX=2 "$JAVA_HOME/bin/java" $base -jar "$jar" -f "$cfg" > "$work/first.log" 2>&1 &
first=$!
pids+=("$first")
wait_port $proxy_port
wrk -t1 -c10 -d2s "http://127.0.0.1:$proxy_port/100b" > /dev/null
kill "$first"
wait "$first" 2>/dev/null || true

echo "heap settings from sluice --heap: $heap"
echo
echo "| setting | JVM options added | peak RSS MiB | RSS at end MiB | anonymous MiB | file-backed MiB | arena used MiB | peak less arena MiB | keep-alive req/s | close req/s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for i in "${!names[@]}"; do
    name=${names[$i]}
    [ -n "$only" ] && [ "$only" != "$name" ] && continue
    extra=${extras[$i]}
    nmt_opt=""
    [ "$nmt" = 1 ] && nmt_opt="-XX:NativeMemoryTracking=summary"
    run_base=$base
    if [ "$name" = "AOT cache" ]; then
        # The training run: the same load, then a stop, at which the JVM writes the cache.
        run_base=$aot_base
        # shellcheck disable=SC2086
        MALLOC_ARENA_MAX=2 "$JAVA_HOME/bin/java" $aot_base -XX:AOTCacheOutput="$work/sluice.aot" -jar "$jar" -f "$cfg" \
            > "$work/train.log" 2>&1 &
        train=$!
        pids+=("$train")
        wait_port $proxy_port
        wrk -t2 -c200 -d"${ka}s" "http://127.0.0.1:$proxy_port/20k" > /dev/null
        wrk -t2 -c50 -d"${close}s" -H "Connection: close" "http://127.0.0.1:$proxy_port/100b" > /dev/null
        kill "$train"
        wait "$train" 2>/dev/null || true
        [ -f "$work/sluice.aot" ] || { echo "footprint: the training run wrote no AOT cache (see $work/train.log)" >&2; exit 1; }
    fi
    # shellcheck disable=SC2086
    MALLOC_ARENA_MAX=2 "$JAVA_HOME/bin/java" $run_base $extra $nmt_opt -jar "$jar" -f "$cfg" > "$work/sluice-$i.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    wait_port $proxy_port
    ka_rate=$(wrk -t2 -c200 -d"${ka}s" "http://127.0.0.1:$proxy_port/20k" | rate)
    close_rate=$(wrk -t2 -c50 -d"${close}s" -H "Connection: close" "http://127.0.0.1:$proxy_port/100b" | rate)
    hwm=$(status_kb "$pid" VmHWM)
    rss=$(status_kb "$pid" VmRSS)
    anon=$(status_kb "$pid" RssAnon)
    file=$(status_kb "$pid" RssFile)
    if [ "$nmt" = 1 ]; then
        "$JAVA_HOME/bin/jcmd" "$pid" VM.native_memory summary > "$work/nmt-$i.txt" 2>&1 || true
    fi
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    arena=$(arena_kb "$work/sluice-$i.log")
    awk -v n="$name" -v x="${extra:--}" -v h="$hwm" -v r="$rss" -v a="$anon" -v f="$file" -v m="$arena" -v k="$ka_rate" -v c="$close_rate" \
        'BEGIN { printf "| %s | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %s |\n", n, x, h/1024, r/1024, a/1024, f/1024, m/1024, (h-m)/1024, k, c }'
done
if [ "$nmt" = 1 ]; then
    for i in "${!names[@]}"; do
        [ -f "$work/nmt-$i.txt" ] || continue
        echo
        echo "native memory tracking, ${names[$i]} (committed KB):"
        grep -E "^-? *(Total|Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol|Native Memory Tracking|Shared class space|Arena Chunk|Metaspace)" \
            "$work/nmt-$i.txt" | sed 's/^/    /'
    done
fi
# FOOTPRINT_LOGS=DIR keeps each run's JVM output and NMT summary there.
if [ -n "${FOOTPRINT_LOGS:-}" ]; then
    mkdir -p "$FOOTPRINT_LOGS"
    cp "$work"/*.log "$FOOTPRINT_LOGS"/ 2>/dev/null || true
    cp "$work"/nmt-*.txt "$FOOTPRINT_LOGS"/ 2>/dev/null || true
fi
