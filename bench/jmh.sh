#!/usr/bin/env bash
# Runs the JMH benchmarks under src/test/java/dev/sluice/bench from the test classpath.
# Every argument goes to org.openjdk.jmh.Main, for example:
#   bench/jmh.sh BufferPoolBench -f 1 -wi 3 -w 1s -i 5 -r 1s -prof gc
#   bench/jmh.sh -l            (list the benchmarks)
set -euo pipefail

cd "$(dirname "$0")/.."

java_major() {
    # Prints the feature version of "$1/bin/java" (17, 21, 25...), or 0.
    local v
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
    echo "${v:-0}"
}

find_jdk() {
    local candidate
    for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 "${JAVA_HOME:-}" /usr/lib/jvm/*; do
        if [[ -n "$candidate" && -x "$candidate/bin/java" && -x "$candidate/bin/javac" ]] \
                && (( $(java_major "$candidate") >= 21 )); then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

JAVA_HOME=$(find_jdk) || { echo "jmh.sh: no JDK 21 or newer found (tried /usr/lib/jvm and JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME

# Test classes hold the benchmarks and JMH's generated harness (annotation processing at test-compile).
mvn -q -B -Dstyle.color=never test-compile
cp_file=target/jmh-classpath.txt
mvn -q -B -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null

exec "$JAVA_HOME/bin/java" -cp "target/classes:target/test-classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@"
