#!/usr/bin/env bash
# Cost of metrics and tracing on the passthrough route (Anthropic Messages, JSON answer from nginx).
#
#   HEIMDALL_BASE_BIN=/path/to/heimdall-before bench/telemetry.sh    # ~3 min; Markdown on stdout
#
# Variants (each heimdall --workers 1 on the proxy core; nginx upstream + OTLP sink and wrk on the other):
#   base     HEIMDALL_BASE_BIN, a build without /metrics and trace export (skipped when unset)
#   metrics  this build, no otel plugin (Prometheus metrics are always on); /metrics scraped every second
#   traced   this build with the otel plugin (OTLP/HTTP JSON to an nginx sink answering 200), a custom
#            Prometheus label from x-bf-prom-team, /metrics scraped every second
# wrk sends the same request to all (with traceparent and x-bf-prom-team headers). Scenarios: 32
# connections (throughput) and 1 connection (latency), BENCH_ROUNDS rounds, variant order reversed every
# other round; the table shows the mean.
# Knobs: HEIMDALL_BIN [build/heimdall] BENCH_DURATION [8s] BENCH_ROUNDS [2] BENCH_CONNS [32]
#        BENCH_PROXY_CORE [0] BENCH_LOAD_CORE [1]
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BIN=${HEIMDALL_BIN:-$ROOT/build/heimdall}
BASE_BIN=${HEIMDALL_BASE_BIN:-}
DUR=${BENCH_DURATION:-8s}
ROUNDS=${BENCH_ROUNDS:-2}
CONNS=${BENCH_CONNS:-32}
PCORE=${BENCH_PROXY_CORE:-0}
LCORE=${BENCH_LOAD_CORE:-1}
for tool in wrk nginx node taskset curl; do
  command -v "$tool" >/dev/null || { echo "telemetry.sh: missing $tool" >&2; exit 2; }
done
TMP=$(mktemp -d "${TMPDIR:-/tmp}/heimdall-telemetry.XXXXXX")
PIDS=()
log() { printf '[telemetry %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r UP OTLP H_BASE H_MET H_TR < <(node -e '
  const net = require("net"); const s = [];
  for (let i = 0; i < 5; i++) { const v = net.createServer(); v.listen(0, "127.0.0.1", () => {
    s.push(v); if (s.length === 5) { console.log(s.map((x) => x.address().port).join(" ")); s.forEach((x) => x.close()); } }); }')
wait_port() {
  local i
  for ((i = 0; i < 300; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  log "timeout waiting for port $1"; return 1
}

BODY='{"id":"msg_bench","type":"message","role":"assistant","model":"bench-claude","content":[{"type":"text","text":"Hello from the bench upstream."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":8,"output_tokens":7,"cache_read_input_tokens":2}}'
mkdir -p "$TMP/up"
cat >"$TMP/up.conf" <<CONF
worker_processes 1; daemon off; pid $TMP/up.pid; error_log $TMP/up.error.log warn;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path $TMP/up/cb; proxy_temp_path $TMP/up/p; fastcgi_temp_path $TMP/up/f;
  uwsgi_temp_path $TMP/up/u; scgi_temp_path $TMP/up/s; keepalive_requests 10000000; client_body_buffer_size 1m;
  server { listen 127.0.0.1:$UP; location / { default_type application/json; return 200 '$BODY'; } }
  server { listen 127.0.0.1:$OTLP; location = /v1/traces { default_type application/json; return 200 '{}'; } }
}
CONF
taskset -c "$LCORE" nginx -p "$TMP/up" -c "$TMP/up.conf" 2>"$TMP/up.stderr" &
PIDS+=($!)
wait_port "$UP"

config() { # $1 = with otel (0/1)
  local plugins=''
  [[ $1 == 1 ]] && plugins=',"plugins":[{"enabled":true,"name":"otel","config":{"service_name":"bench","collector_url":"http://127.0.0.1:'$OTLP'","protocol":"http"}}]'
  cat <<JSON
{"client":{"prometheus_labels":["team"]},"providers":{"azure":{"keys":[{"name":"k1","value":"azure-fake-key","models":["*"],
  "aliases":{"claude-sonnet-4-6":"bench-claude"},
  "azure_key_config":{"endpoint":"http://127.0.0.1:$UP","api_version":"2024-10-21"}}]}}$plugins}
JSON
}
start() { # name bin port otel
  mkdir -p "$TMP/$1"
  config "$4" >"$TMP/$1/config.json"
  taskset -c "$PCORE" "$2" serve --host 127.0.0.1 --port "$3" --app-dir "$TMP/$1" --config "$TMP/$1/config.json" \
    --workers 1 --log-level warn >"$TMP/$1.log" 2>&1 &
  PIDS+=($!)
  wait_port "$3"
}
VARIANTS=()
if [[ -n $BASE_BIN ]]; then start base "$BASE_BIN" "$H_BASE" 0; VARIANTS+=("base $H_BASE"); fi
start metrics "$BIN" "$H_MET" 0; VARIANTS+=("metrics $H_MET")
start traced "$BIN" "$H_TR" 1; VARIANTS+=("traced $H_TR")
# Scrapers (one request per second per instance, like a Prometheus server).
for v in "${VARIANTS[@]}"; do
  read -r name port <<<"$v"
  [[ $name == base ]] && continue
  (while true; do curl -s -o /dev/null "http://127.0.0.1:$port/metrics" || true; sleep 1; done) &
  PIDS+=($!)
done

cat >"$TMP/req.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"model":"azure/claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["x-bf-prom-team"] = "bench"
wrk.headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
LUA

declare -A RPS P50 P99
measure() { # name port conns
  local out
  out=$(taskset -c "$LCORE" wrk -t1 -c"$3" -d"$DUR" --latency -s "$TMP/req.lua" "http://127.0.0.1:$2/anthropic/v1/messages")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  grep -q "Non-2xx" <<<"$out" && log "$1: non-2xx answers: $(grep Non-2xx <<<"$out")"
  RPS[$1,$3]="${RPS[$1,$3]:-} $rps"; P50[$1,$3]="${P50[$1,$3]:-} $p50"; P99[$1,$3]="${P99[$1,$3]:-} $p99"
  log "$1 c$3: $rps req/s p50 $p50 p99 $p99"
}
for ((r = 0; r < ROUNDS; r++)); do
  order=("${VARIANTS[@]}")
  if ((r % 2)); then order=(); for ((i = ${#VARIANTS[@]} - 1; i >= 0; i--)); do order+=("${VARIANTS[i]}"); done; fi
  for conns in "$CONNS" 1; do
    for v in "${order[@]}"; do read -r name port <<<"$v"; measure "$name" "$port" "$conns"; done
  done
done
toms() { awk '{ s = 0; for (i = 1; i <= NF; i++) { v = $i; u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v);
  m = (u == "us") ? v / 1000 : (u == "s") ? v * 1000 : v; s += m } printf "%.3f", s / NF }' <<<"$1"; }
mean() { awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.0f", s / NF }' <<<"$1"; }
echo "| variant | req/s c$CONNS | p50 ms c$CONNS | p99 ms c$CONNS | req/s c1 | p50 ms c1 | p99 ms c1 |"
echo "|---|---|---|---|---|---|---|"
for v in "${VARIANTS[@]}"; do
  read -r name port <<<"$v"
  echo "| $name | $(mean "${RPS[$name,$CONNS]}") | $(toms "${P50[$name,$CONNS]}") | $(toms "${P99[$name,$CONNS]}") | $(mean "${RPS[$name,1]}") | $(toms "${P50[$name,1]}") | $(toms "${P99[$name,1]}") |"
done
sp=$(curl -s "http://127.0.0.1:$H_TR/metrics" | awk '/^heimdall_otel_exported_spans_total/ {print $2}')
echo
echo "traced: spans accepted by the sink: ${sp:-?}; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
