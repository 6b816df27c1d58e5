# Sourced by the proxy benchmarks: checks the peers, finds the JDK and the jar,
# and starts the origin, nginx (one worker, static files of 100 B and 20 KB) on
# 127.0.0.1:$origin_port. Every process started through it is in "pids" and is
# stopped, by its PID, when the script exits.
#
# Uses: root (the project), SLUICE_JAR (optional: another build of Sluice), bind_options
# (optional: words added to the bind line, e.g. " ssl crt FILE"), origin_tls (optional: 1 makes
# nginx speak TLS only, with a certificate made for the run, and server_options, words added to
# the server line, e.g. " ssl verify none"),
# SLUICE_BENCH_JAVA_OPTS (optional: JVM options added to Sluice's, e.g. -XX:TieredStopAtLevel=1),
# SLUICE_BENCH_PORT (optional: the proxy's port, 18080 by default; the origin's is the next one).
# Sets: JAVA_HOME, jar, work, pids, origin_port, proxy_port, nginx_pid; defines wait_port,
# proxy_config, start_proxy and stop_proxy.

for tool in nginx haproxy wrk; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install nginx haproxy wrk)" >&2; exit 1; }
done
JAVA_HOME=$("$root/bin/find-jdk")
# SIGUSR2 reloads Sluice: HotSpot suspends threads (for a JFR recording) with another signal (bin/sluice does the same).
export _JAVA_SR_SIGNUM=${_JAVA_SR_SIGNUM:-40}
jar=${SLUICE_JAR:-$root/target/sluice.jar}
if [ ! -f "$jar" ]; then
    [ -z "${SLUICE_JAR:-}" ] || { echo "bench: no jar at $jar" >&2; exit 1; }
    (cd "$root" && JAVA_HOME=$JAVA_HOME mvn -q -B -Dmaven.test.skip=true package)
fi

work=$(mktemp -d /tmp/sluice-bench.XXXXXX)
# nginx workers run as an unprivileged user: they must be able to read the files.
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# SLUICE_BENCH_PORT moves both ports (the proxy's, and the origin's one above it), for a second run beside another.
proxy_port=${SLUICE_BENCH_PORT:-18080}
origin_port=$((proxy_port + 1))

mkdir -p "$work/www" && chmod 755 "$work/www"
head -c 100 /dev/zero | tr '\0' 'a' > "$work/www/100b"
head -c 20480 /dev/zero | tr '\0' 'b' > "$work/www/20k"
origin_listen=""
if [ "${origin_tls:-0}" = 1 ]; then
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/origin.key" \
        -out "$work/origin.crt" -days 2 -subj /CN=origin 2>/dev/null
    chmod 644 "$work/origin.key"
    origin_listen=" ssl;
        ssl_certificate $work/origin.crt;
        ssl_certificate_key $work/origin.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:S:1m"
fi
cat > "$work/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err warn;
events { worker_connections 8192; }
http {
    access_log off;
    keepalive_requests 100000000;
    keepalive_timeout 60s;
    server {
        listen 127.0.0.1:$origin_port backlog=4096${origin_listen};
        root $work/www;
        location / { }
    }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work" &
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

# The configuration file both proxies run. $1 = tune.buffers.limit (0: none);
# uses $mode (tcp|http), $threads (nbthread) and $backend_options (lines added to
# the backend, if set).
proxy_config() {
    local limit_line=""
    [ "$1" -gt 0 ] && limit_line="    tune.buffers.limit $1"
    cat <<EOF
global
    nbthread $threads
    maxconn 4096
    tune.bufsize 16384
$limit_line
    tune.buffers.reserve 2
defaults
    mode $mode
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend bench
    bind 127.0.0.1:$proxy_port${bind_options:-}
    default_backend origin
backend origin
    balance roundrobin
${backend_options:-}
    server nginx 127.0.0.1:$origin_port${server_options:-}
EOF
}

start_proxy() { # $1 = name, $2 = config file; sets proxy_pid
    case "$1" in
        haproxy) haproxy -db -f "$2" > "$work/haproxy.log" 2>&1 & ;;
        # shellcheck disable=SC2086
        sluice) "$JAVA_HOME/bin/java" -Xms64m -Xmx256m -XX:+UseSerialGC ${SLUICE_BENCH_JAVA_OPTS:-} -jar "$jar" -f "$2" \
                > "$work/sluice.log" 2>&1 & ;;
    esac
    proxy_pid=$!
    pids+=("$proxy_pid")
    wait_port $proxy_port
}

stop_proxy() {
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
}
