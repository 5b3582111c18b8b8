#!/usr/bin/env bash
# End-to-end send benchmark: 10,000 template messages through POST /api/v1/messages to one sender
# whose limit is set above capacity, against the sandbox in a process of its own (as Meta is). For a
# Cloud API answering at once and one answering in 150 ms: start both, warm the hub up, then three
# measured runs; prints the first (cold) warm-up round, every measured run, the medians and the hub's
# own CPU time per message over the measured runs. Everything stays on 127.0.0.1.
# The hub is a long-running server, so the figures are its steady state: on 2 cores the JIT's C2
# compiler needs ~150,000 messages (about three minutes) before it stops competing for the CPU
# (WARMUP_ROUNDS x messages; WARMUP_ROUNDS=1 shows the cold figures).
# The load generator runs with C1 only: it is short-lived and shares the cores with the hub.
# Usage: [LATENCIES="0 150"] [WARMUP_ROUNDS=15] [HUB_ARGS="--key=value ..."] [BENCH_JAR=path] [SANDBOX_JAR=path] bench/send-benchmark.sh [messages] [clients]
# (HUB_ARGS: further arguments for the hub, to compare settings; BENCH_JAR: the hub of another build, to compare code;
# SANDBOX_JAR: the sandbox of another build, by default the hub's, so that an old hub can meet today's sandbox)
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-10000}
CLIENTS=${2:-32}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-15}
PORT=${BENCH_PORT:-18080}
SANDBOX_PORT=${BENCH_SANDBOX_PORT:-19090}
WORK=target/bench
mkdir -p "$WORK"
ls target/whatsapp-hub-*.jar >/dev/null 2>&1 || ./mvnw -q -B -DskipTests package
JAR=${BENCH_JAR:-$(ls target/whatsapp-hub-*.jar | head -n 1)}
SANDBOX_JAR=${SANDBOX_JAR:-$JAR}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# user + system CPU time of a process, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# bytes a process has written to storage (the database file and the broker journal, for the hub)
written() { awk '/^write_bytes/ {print $2}' "/proc/$1/io"; }

for latency in ${LATENCIES:-0 150}; do
  # one call in flight per lane (shard): at 150 ms, 512 lanes keep ~3,400 calls/s possible; with the
  # limit set above capacity the default (rate / 2) would be 50,000 lanes
  shards=$([ "$latency" = 0 ] && echo 64 || echo 512)
  data="$WORK/data-$latency"
  rm -rf "$data"
  java -Xmx1g -XX:+UseParallelGC -Dloader.main=dev.whatsapphub.sandbox.StandaloneSandbox -jar "$SANDBOX_JAR" \
    --server.port="$SANDBOX_PORT" --sandbox.messages-per-second=1000000 --sandbox.response-latency="${latency}ms" \
    --sandbox.statuses.sent=100ms --sandbox.statuses.delivered=200ms --sandbox.statuses.read=300ms \
    --sandbox.webhook-url="http://localhost:$PORT/webhooks/whatsapp" \
    --logging.level.root=WARN > "$WORK/sandbox-$latency.log" 2>&1 &
  sandbox=$!
  # no callback inbox beside a standalone sandbox: the figures are of sending (HUB_ARGS may name a callback URL)
  java -Xmx2g -XX:+UseParallelGC -jar "$JAR" --server.port="$PORT" --hub.data-dir="$data" --sandbox.enabled=false \
    --hub.clients.sandbox.callback-url= \
    --hub.senders.primary.base-url="http://127.0.0.1:$SANDBOX_PORT/sandbox" \
    --hub.senders.primary.messages-per-second=100000 --hub.senders.primary.shards="$shards" \
    --logging.level.root=WARN ${HUB_ARGS:-} > "$WORK/hub-$latency.log" 2>&1 &
  pid=$!
  trap 'kill $pid $sandbox 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  echo "latency=${latency}ms cold (warm-up round 1 of $WARMUP_ROUNDS): $(java -XX:TieredStopAtLevel=1 bench/SendBenchmark.java "http://127.0.0.1:$PORT" "$MESSAGES" "$CLIENTS")"
  for _ in $(seq 2 "$WARMUP_ROUNDS"); do
    java -XX:TieredStopAtLevel=1 bench/SendBenchmark.java "http://127.0.0.1:$PORT" "$MESSAGES" "$CLIENTS" >/dev/null
  done
  results=()
  written_before=$(written "$pid"); ticks_before=$(cpu_ticks "$pid"); sandbox_before=$(cpu_ticks "$sandbox"); all_before=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
  for run in 1 2 3; do
    line=$(java -XX:TieredStopAtLevel=1 bench/SendBenchmark.java "http://127.0.0.1:$PORT" "$MESSAGES" "$CLIENTS")
    echo "latency=${latency}ms run=$run $line"
    results+=("$line")
  done
  written_after=$(written "$pid"); ticks_after=$(cpu_ticks "$pid"); sandbox_after=$(cpu_ticks "$sandbox"); all_after=$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)
  per_message() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n=$((3 * MESSAGES)) 'BEGIN {printf "%.3f", t / hz * 1000 / n}'; }
  # the sandbox and the load generator share the cores: what the hub may use is what they leave
  printf 'latency=%sms hub_cpu_per_message=%s ms sandbox_cpu_per_message=%s ms machine_cpu_per_message=%s ms hub_written_per_message=%s KB\n' "$latency" \
    "$(per_message $((ticks_after - ticks_before)))" "$(per_message $((sandbox_after - sandbox_before)))" \
    "$(per_message $((all_after - all_before)))" \
    "$(awk -v b=$((written_after - written_before)) -v n=$((3 * MESSAGES)) 'BEGIN {printf "%.1f", b / n / 1024}')"
  for key in api_rate accepted_rate read_rate; do
    printf 'median latency=%sms %s=%s/s\n' "$latency" "$key" \
      "$(printf '%s\n' "${results[@]}" | sed -n "s/.*$key=\([0-9]*\).*/\1/p" | median)"
  done
  kill "$pid" "$sandbox"; wait "$pid" "$sandbox" 2>/dev/null || true
done
