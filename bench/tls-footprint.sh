#!/usr/bin/env bash
# What one established TLS connection keeps in the JDK's engine and in Conscrypt's: heap and resident set
# per pair of client and server engines after a full TLS 1.3 handshake (TlsEngineFootprint), N engines held, a fresh JVM per engine.
#   bench/tls-footprint.sh [N]      (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
JAVA_HOME=$(bin/find-jdk)
export JAVA_HOME
mvn -q -B -o -Dstyle.color=never test-compile
cp_file=target/jmh-classpath.txt
mvn -q -B -o -Dstyle.color=never dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
for engine in jdk conscrypt; do
    "$JAVA_HOME/bin/java" -Xms1g -Xmx1g -XX:+UseSerialGC -XX:+AlwaysPreTouch --enable-native-access=ALL-UNNAMED \
        -cp "target/classes:target/test-classes:$(cat "$cp_file")" dev.sluice.bench.TlsEngineFootprint "$engine" "$n"
done
