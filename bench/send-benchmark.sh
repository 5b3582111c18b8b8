#!/usr/bin/env bash
# End-to-end send benchmark: 10,000 messages through POST /api/v1/messages to one sender whose
# limit is set above capacity, against the in-process sandbox; three runs with a Cloud API that
# answers at once and three with 150 ms latency; prints each run and the medians.
# Usage: bench/send-benchmark.sh [messages] [clients]     (all on 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
MESSAGES=${1:-10000}
CLIENTS=${2:-64}
PORT=${BENCH_PORT:-18080}
WORK=target/bench
mkdir -p "$WORK"
[ -f target/whatsapp-hub-*.jar ] 2>/dev/null || ./mvnw -q -B -DskipTests package
JAR=$(ls target/whatsapp-hub-*.jar | head -n 1)

run() {
  local latency=$1 run=$2 data="$WORK/data-$1-$2"
  rm -rf "$data"
  java -Xmx2g -jar "$JAR" --server.port="$PORT" --hub.data-dir="$data" \
    --hub.senders.primary.messages-per-second=100000 --hub.senders.primary.shards=256 \
    --sandbox.messages-per-second=1000000 --sandbox.response-latency="${latency}ms" \
    --sandbox.statuses.sent=100ms --sandbox.statuses.delivered=200ms --sandbox.statuses.read=300ms \
    --sandbox.webhook-url="http://localhost:$PORT/webhooks/whatsapp" \
    --logging.level.root=WARN > "$WORK/hub-$latency-$run.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  local line
  line=$(java bench/SendBenchmark.java "http://127.0.0.1:$PORT" "$MESSAGES" "$CLIENTS")
  echo "latency=${latency}ms run=$run $line"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for latency in 0 150; do
  results=()
  for run in 1 2 3; do
    line=$(run "$latency" "$run")
    echo "$line"
    results+=("$line")
  done
  for key in api_rate accepted_rate read_rate; do
    printf 'median latency=%sms %s=%s/s\n' "$latency" "$key" \
      "$(printf '%s\n' "${results[@]}" | sed -n "s/.*$key=\([0-9]*\).*/\1/p" | median)"
  done
done
