#!/usr/bin/env bash
# Governance cost benchmark: the passthrough route with governance off, with virtual keys counted in
# process, and with virtual keys counted in Redis (loopback), in one run against the same upstream.
#
#   bench/governance.sh          # ~6 min; report on stdout and in bench/results/governance.md
#
# Variants (each one heimdall --workers 1 per upstream port, all on the proxy core):
#   off     no virtual keys, client.enforce_auth_on_inference false (the config of bench/run.sh)
#   inproc  enforce_auth_on_inference true and one virtual key "bench" (allowed provider azure, a budget
#           and a request rate limit), counters in process (the default store "memory")
#   redis   the same with governance.store {"type": "redis"} on a private redis-server (core of the
#           load generator, loopback, no persistence), started and stopped by this script
# Every variant gets the same request bytes: wrk sends "x-bf-vk: bf-bench-..." to all three (the
# ungoverned instance ignores it). Route: azure/claude-sonnet-4-6 (alias -> bench-claude), relayed to
# POST /anthropic/v1/messages; the canned answers carry a usage object, so every governed request is
# priced (catalogue price of claude-sonnet-4-6) and charged to the budget.
# Scenarios: JSON and SSE at BENCH_CONNS connections (throughput) and at 1 connection (latency; the
# direct path wrk -> upstream is measured too, for "added latency"). Each scenario runs
# BENCH_ROUNDS rounds, the variant order reversed every other round; the report uses the mean.
#
# Environment knobs (defaults in brackets):
#   HEIMDALL_BIN [build/heimdall]   BENCH_DURATION [10s]   BENCH_WARMUP [2s]   BENCH_CONNS [32]
#   BENCH_ROUNDS [2]   BENCH_RETRIES [2]   BENCH_MAX_FOREIGN [15]   BENCH_QUIET_WAIT [300]
#   BENCH_MAX_LOAD [1.5] / BENCH_LOAD_WAIT [600] (before starting, wait while the 1-min load average is
#   above BENCH_MAX_LOAD, polling every 20 s, at most BENCH_LOAD_WAIT s)
#   BENCH_PROXY_CORE [0]   BENCH_LOAD_CORE [1]   BENCH_OUT [bench/results/governance.md]
#   BENCH_SCENARIOS [all] (bash regex on json_c32 sse_c32 json_c1 sse_c1)
#   BENCH_PERF [1] (after the measurements, if `perf` works: one extra 32-connection JSON run per
#   variant under `perf stat` (context switches, CPU migrations per request) and, for the governed
#   variants, `perf record -g`; the top symbols land next to the report as governance.perf.txt)
#   BENCH_COMMIT [git HEAD] (the commit the binary was built from, for the report, when HEAD has moved on)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BIN=${HEIMDALL_BIN:-$ROOT/build/heimdall}
DUR=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
CONNS=${BENCH_CONNS:-32}
ROUNDS=${BENCH_ROUNDS:-2}
RETRIES=${BENCH_RETRIES:-2}
MAX_FOREIGN=${BENCH_MAX_FOREIGN:-15}
QUIET_WAIT=${BENCH_QUIET_WAIT:-300}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
LOAD_WAIT=${BENCH_LOAD_WAIT:-600}
PCORE=${BENCH_PROXY_CORE:-0}
LCORE=${BENCH_LOAD_CORE:-1}
OUT=${BENCH_OUT:-$HERE/results/governance.md}
SCENARIO_FILTER=${BENCH_SCENARIOS:-}
VK=bf-bench-0123456789abcdefghijklmnopqrstuv
VARIANTS=(off inproc redis)

for tool in wrk nginx node taskset curl redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "governance.sh: missing $tool" >&2; exit 2; }
done
[[ -x $BIN ]] || { echo "governance.sh: no heimdall binary at $BIN (set HEIMDALL_BIN)" >&2; exit 2; }

BIN_MTIME=$(date -u -r "$BIN" '+%Y-%m-%d %H:%M:%S UTC')
TMP=$(mktemp -d "${TMPDIR:-/tmp}/heimdall-govbench.XXXXXX")
RESULTS=$TMP/results.jsonl
: >"$RESULTS"
PIDS=()

log() { printf '[govbench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p i all=()
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    p=${PIDS[i]}
    alive "$p" || continue
    all+=("$p")
    for c in $(pgrep -P "$p" 2>/dev/null); do all+=("$c"); done
  done
  for p in "${all[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for ((i = 0; i < 50; i++)); do
    local any=0
    for p in "${all[@]}"; do alive "$p" && any=1; done
    ((any)) || break
    sleep 0.1
  done
  for p in "${all[@]}"; do alive "$p" && kill -KILL "$p" 2>/dev/null || true; done
  for p in "${all[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------
# Machine load: other people build on this machine. Wait (bounded) for the load average to drop.
LOAD_WAITED=0
while :; do
  load1=$(cut -d' ' -f1 /proc/loadavg)
  awk -v l="$load1" -v m="$MAX_LOAD" 'BEGIN { exit !(l < m) }' && break
  ((LOAD_WAITED >= LOAD_WAIT)) && { log "load average still $load1 after ${LOAD_WAITED}s; measuring anyway"; break; }
  log "load average $load1 (>= $MAX_LOAD); waiting (${LOAD_WAITED}/${LOAD_WAIT}s)"
  sleep 20
  LOAD_WAITED=$((LOAD_WAITED + 20))
done
META_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
META_START=$(date -u '+%Y-%m-%d %H:%M UTC')
log "load average at start: $META_LOAD_BEFORE (waited ${LOAD_WAITED}s)"

cp "$BIN" "$TMP/heimdall"
BIN_ID=$( (readelf -n "$TMP/heimdall" 2>/dev/null | awk '/Build ID/ {print substr($3, 1, 12)}') || true)
[[ -n $BIN_ID ]] || BIN_ID=$(sha256sum "$TMP/heimdall" | cut -c1-12)

free_ports() {
  node -e '
    const net = require("net"); const n = +process.argv[1]; const s = [];
    for (let i = 0; i < n; i++) { const v = net.createServer(); v.listen(0, "127.0.0.1", () => {
      s.push(v); if (s.length === n) { console.log(s.map((x) => x.address().port).join(" ")); s.forEach((x) => x.close()); } }); }
  ' "$1"
}
wait_port() { # PORT PID SECONDS
  local port=$1 pid=$2 secs=$3 i
  for ((i = 0; i < secs * 20; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    alive "$pid" || { log "process $pid died before listening on $port"; return 1; }
    sleep 0.05
  done
  log "timeout waiting for port $port"
  return 1
}

read -r UP_JSON UP_SSE REDIS_PORT H_off_json H_off_sse H_inproc_json H_inproc_sse H_redis_json H_redis_sse < <(free_ports 9)
log "ports: upstream json=$UP_JSON sse=$UP_SSE redis=$REDIS_PORT heimdall off=$H_off_json/$H_off_sse inproc=$H_inproc_json/$H_inproc_sse redis=$H_redis_json/$H_redis_sse"

# ---------------------------------------------------------------------------------------------
# Canned Anthropic answers (as in run.sh), both with usage.
JSON_BODY='{"id":"msg_bench","type":"message","role":"assistant","model":"bench-claude","content":[{"type":"text","text":"Hello from the bench upstream."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":8,"output_tokens":7}}'
SSE_BODY='event: message_start
data: {"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant","model":"bench-claude","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":8,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" from the"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" bench upstream."}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}

event: message_stop
data: {"type":"message_stop"}

'
EXPECT_EVENTS="message_start content_block_start content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop"
printf '%s' '{"model":"azure/claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}' >"$TMP/req_json.json"
printf '%s' '{"model":"azure/claude-sonnet-4-6","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}' >"$TMP/req_sse.json"

mkdir -p "$TMP/up"
cat >"$TMP/up.conf" <<EOF
worker_processes 1;
daemon off;
pid $TMP/up.pid;
error_log $TMP/up.error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; multi_accept on; }
http {
  access_log off;
  client_body_temp_path $TMP/up/cb; proxy_temp_path $TMP/up/p; fastcgi_temp_path $TMP/up/f;
  uwsgi_temp_path $TMP/up/u; scgi_temp_path $TMP/up/s;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_buffer_size 64k;
  server {
    listen 127.0.0.1:$UP_JSON reuseport backlog=4096;
    location ~ ^/(anthropic/)?v1/messages\$ { default_type application/json; return 200 '$JSON_BODY'; }
    location / { return 404; }
  }
  server {
    listen 127.0.0.1:$UP_SSE reuseport backlog=4096;
    location ~ ^/(anthropic/)?v1/messages\$ { default_type text/event-stream; return 200 '$SSE_BODY'; }
    location / { return 404; }
  }
}
EOF

heimdall_config() { # VARIANT UPSTREAM_PORT
  local variant=$1 up=$2 client="" gov=""
  if [[ $variant != off ]]; then
    local store=""
    [[ $variant == redis ]] && store=',"store":{"type":"redis","url":"redis://127.0.0.1:'$REDIS_PORT'/0"}'
    client=',"client":{"enforce_auth_on_inference":true}'
    gov=',"governance":{"virtual_keys":[{"id":"bench","name":"bench","value":"'$VK'","allowed_providers":["azure"],
  "budget":{"max_limit":1000000,"reset_duration":"1M"},
  "rate_limit":{"request_max_limit":1000000000,"request_reset_duration":"1h"}}]'$store'}'
  fi
  cat <<EOF
{"providers":{"azure":{"keys":[{"name":"k1","value":"azure-fake-key","models":["*"],
  "aliases":{"claude-sonnet-4-6":"bench-claude"},
  "azure_key_config":{"endpoint":"http://127.0.0.1:$up","api_version":"2024-10-21"}}],
  "network_config":{"stream_idle_timeout_in_seconds":120}}}$client$gov}
EOF
}

log "starting upstream nginx and redis-server on core $LCORE"
taskset -c "$LCORE" nginx -p "$TMP/up" -c "$TMP/up.conf" 2>"$TMP/up.stderr" &
UP_PID=$!
PIDS+=("$UP_PID")
wait_port "$UP_JSON" "$UP_PID" 10 && wait_port "$UP_SSE" "$UP_PID" 10 || { cat "$TMP/up.stderr" "$TMP/up.error.log" >&2; exit 1; }
UP_WORKER=
for ((i = 0; i < 100; i++)); do UP_WORKER=$(pgrep -P "$UP_PID" | head -1); [[ -n $UP_WORKER ]] && break; sleep 0.05; done
mkdir -p "$TMP/redis"
taskset -c "$LCORE" redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --unixsocket '' --dir "$TMP/redis" --daemonize no --loglevel warning \
  >"$TMP/redis.stdout" 2>"$TMP/redis.stderr" &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
wait_port "$REDIS_PORT" "$REDIS_PID" 10 || { cat "$TMP/redis.stdout" "$TMP/redis.stderr" >&2; exit 1; }
rcli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

declare -A HPORT HPID
log "starting heimdall x6 (--workers 1, core $PCORE)"
for v in "${VARIANTS[@]}"; do
  for mode in json sse; do
    name=${v}_$mode
    port_var=H_$name
    up=$UP_JSON
    [[ $mode == sse ]] && up=$UP_SSE
    mkdir -p "$TMP/$name"
    heimdall_config "$v" "$up" >"$TMP/$name/config.json"
    taskset -c "$PCORE" "$TMP/heimdall" serve --host 127.0.0.1 --port "${!port_var}" --app-dir "$TMP/$name" \
      --config "$TMP/$name/config.json" --workers 1 --log-level warn --drain-timeout 1 \
      >"$TMP/$name.stdout" 2>"$TMP/$name.stderr" &
    HPID[$name]=$!
    HPORT[$name]=${!port_var}
    PIDS+=("$!")
    wait_port "${!port_var}" "${HPID[$name]}" 15 || { cat "$TMP/$name.stderr" >&2; exit 1; }
  done
done

# ---------------------------------------------------------------------------------------------
# Sanity: with the key every instance answers the canned message / full event sequence; without a
# key the governed instances answer 401 and the ungoverned one 200. Then the key's budget must show
# spend (the answers were priced) and, for redis, the counters must be in Redis.
SANITY_FAIL=0
sanity() { # NAME MODE WITH_KEY(1|0) EXPECTED_STATUS
  local name=$1 mode=$2 key=$3 want=$4 f=$TMP/sanity.body out code ok=true detail="" hdr=()
  [[ $key == 1 ]] && hdr=(-H "x-bf-vk: $VK")
  out=$(curl -s -o "$f" -w '%{http_code}' -X POST "http://127.0.0.1:${HPORT[$name]}/anthropic/v1/messages" \
    -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' "${hdr[@]}" \
    --data-binary "@$TMP/req_$mode.json" --max-time 10) || true
  code=$out
  if [[ $code != "$want" ]]; then
    ok=false; detail="HTTP $code, expected $want: $(head -c 300 "$f" | tr '\n"' ' _')"
  elif [[ $want == 401 ]]; then
    grep -q 'virtual key is required' "$f" || { ok=false; detail="401 without the expected message: $(head -c 200 "$f" | tr '\n"' ' _')"; }
  elif [[ $mode == json ]]; then
    grep -q '"id":"msg_bench"' "$f" || { ok=false; detail="body lacks msg_bench"; }
  else
    local ev
    ev=$(sed -n 's/^event: *//p' "$f" | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')
    [[ $ev == "$EXPECT_EVENTS" ]] || { ok=false; detail="events: $ev"; }
  fi
  detail=${detail//\\/ }
  printf '{"kind":"sanity","instance":"%s","with_key":%s,"expected":%s,"status":"%s","ok":%s,"detail":"%s"}\n' \
    "$name" "$([[ $key == 1 ]] && echo true || echo false)" "$want" "$code" "$ok" "$detail" >>"$RESULTS"
  $ok || { log "SANITY FAIL $name key=$key: $detail"; SANITY_FAIL=1; }
}
for v in "${VARIANTS[@]}"; do
  for mode in json sse; do
    sanity "${v}_$mode" "$mode" 1 200
    if [[ $v == off ]]; then sanity "${v}_$mode" "$mode" 0 200; else sanity "${v}_$mode" "$mode" 0 401; fi
  done
done
# The virtual key's usage as the governance API reports it (budget spend must be > 0).
for v in inproc redis; do
  for mode in json sse; do
    name=${v}_$mode
    u=$(curl -s --max-time 5 "http://127.0.0.1:${HPORT[$name]}/api/governance/virtual-keys/bench" || true)
    usage=$(node -e '
      let v; try { v = JSON.parse(process.argv[1]); } catch { console.log("{\"error\":\"unparsable\"}"); process.exit(); }
      const vk = v.virtual_key || v; console.log(JSON.stringify(vk.usage ?? { error: "no usage field", keys: Object.keys(vk) }));
    ' "$u")
    printf '{"kind":"usage","instance":"%s","when":"after_sanity","usage":%s}\n' "$name" "$usage" >>"$RESULTS"
    node -e '
      const u = JSON.parse(process.argv[1]);
      const spend = Array.isArray(u) ? u.find((x) => x.current_usage_usd !== undefined) : null;
      process.exit(spend && spend.current_usage_usd > 0 ? 0 : 1);
    ' "$usage" || { log "SANITY FAIL $name: the budget shows no spend after a 200: $usage"; SANITY_FAIL=1; }
  done
done
REDIS_KEYS=$(rcli --scan --pattern 'hd:cnt:*' | wc -l)
((REDIS_KEYS > 0)) || { log "SANITY FAIL: no hd:cnt:* counters in Redis"; SANITY_FAIL=1; }
log "sanity: redis holds $REDIS_KEYS counter keys"
((SANITY_FAIL == 0)) || { log "sanity checks failed; not measuring"; exit 1; }

# ---------------------------------------------------------------------------------------------
# wrk: one script per mode; every variant (and the direct path) gets the same request bytes.
for mode in json sse; do
  cat >"$TMP/$mode.lua" <<EOF
wrk.method = "POST"
local f = assert(io.open("$TMP/req_$mode.json", "rb"))
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["x-bf-vk"] = "$VK"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"mean_us":%.1f,"min_us":%d,"max_us":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.min, latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
done

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # utime+stime over the given pids (all threads)
  local t=0 p s fields
  for p in "$@"; do
    s=$(cat /proc/"$p"/stat 2>/dev/null) || continue
    s=${s##*) }
    read -r -a fields <<<"$s"
    t=$((t + fields[11] + fields[12]))
  done
  echo "$t"
}
core_ticks() { awk -v c="cpu$1" '$1 == c { busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6; print busy, total }' /proc/stat; }
child_ticks() { # wrk's CPU: this shell's reaped children (see run.sh)
  times >"$TMP/times"
  CHILD_TICKS=$(awk -v hz="$CLK_TCK" 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%d\n", t * hz }' "$TMP/times")
}
QUIET_WAITED=0
wait_quiet() { # between runs the benchmark is idle: wait (bounded) until the cores are
  local waited=0 b0 t0 lb0 lt0 b1 t1 lb1 lt1 busy
  while :; do
    read -r b0 t0 < <(core_ticks "$PCORE")
    read -r lb0 lt0 < <(core_ticks "$LCORE")
    sleep 1
    read -r b1 t1 < <(core_ticks "$PCORE")
    read -r lb1 lt1 < <(core_ticks "$LCORE")
    busy=$((((b1 - b0) + (lb1 - lb0)) * 100 / ((t1 - t0) > 0 ? (t1 - t0) : 1)))
    ((busy <= MAX_FOREIGN)) && break
    ((waited == 0)) && log "cores busy (${busy}% of a core outside the benchmark); waiting up to ${QUIET_WAIT}s for quiet"
    waited=$((waited + 1))
    ((waited >= QUIET_WAIT)) && { log "still busy after ${QUIET_WAIT}s; measuring anyway"; break; }
  done
  ((waited > 0)) && log "waited ${waited}s for quiet cores"
  QUIET_WAITED=$((QUIET_WAITED + waited))
  return 0
}

# measure SCENARIO MODE CONNS ROUND VARIANT(off|inproc|redis|direct) URL PROXY_PID
measure() {
  local scenario=$1 mode=$2 conns=$3 round=$4 variant=$5 url=$6 pid=$7
  local lua=$TMP/$mode.lua out=$TMP/wrk_${scenario}_${variant}_$round.txt
  local attempt best_line="" best_foreign=-1 line foreign
  for ((attempt = 1; attempt <= RETRIES + 1; attempt++)); do
    wait_quiet
    taskset -c "$LCORE" wrk -t1 -c"$conns" -d"$WARMUP" -s "$lua" "$url" >/dev/null 2>&1 || true
    local c0 c1 u0 u1 r0 r1 w0 w1 b0 t0 b1 t1 lb0 lt0 lb1 lt1
    c0=$(cpu_ticks $pid)
    u0=$(cpu_ticks "$UP_PID" "$UP_WORKER")
    r0=$(cpu_ticks "$REDIS_PID")
    child_ticks; w0=$CHILD_TICKS
    read -r b0 t0 < <(core_ticks "$PCORE")
    read -r lb0 lt0 < <(core_ticks "$LCORE")
    taskset -c "$LCORE" wrk -t1 -c"$conns" -d"$DUR" --latency --timeout 10s -s "$lua" "$url" >"$out" 2>&1 || true
    read -r b1 t1 < <(core_ticks "$PCORE")
    read -r lb1 lt1 < <(core_ticks "$LCORE")
    child_ticks; w1=$CHILD_TICKS
    r1=$(cpu_ticks "$REDIS_PID")
    u1=$(cpu_ticks "$UP_PID" "$UP_WORKER")
    c1=$(cpu_ticks $pid)
    local res
    res=$(sed -n 's/^RESULT //p' "$out")
    [[ -n $res ]] || { log "wrk produced no result for $scenario/$variant:"; cat "$out" >&2; res='{"requests":0}'; }
    local ours=$(((c1 - c0) + (u1 - u0) + (r1 - r0) + (w1 - w0)))
    local busy=$(((b1 - b0) + (lb1 - lb0)))
    foreign=$(((busy > ours ? busy - ours : 0) * 100 / ((t1 - t0) > 0 ? (t1 - t0) : 1)))
    line=$(printf '{"kind":"wrk","scenario":"%s","mode":"%s","conns":%d,"round":%d,"variant":"%s","clk_tck":%d,"proxy_cpu_ticks":%d,"redis_cpu_ticks":%d,"upstream_cpu_ticks":%d,"wrk_cpu_ticks":%d,"core_busy":%d,"core_total":%d,"load_core_busy":%d,"load_core_total":%d,"foreign_pct":%d,"attempt":%d,"wrk":%s}' \
      "$scenario" "$mode" "$conns" "$round" "$variant" "$CLK_TCK" $((c1 - c0)) $((r1 - r0)) $((u1 - u0)) $((w1 - w0)) \
      $((b1 - b0)) $((t1 - t0)) $((lb1 - lb0)) $((lt1 - lt0)) "$foreign" "$attempt" "$res")
    if ((best_foreign < 0 || foreign < best_foreign)); then best_line=$line best_foreign=$foreign; fi
    log "$scenario round $round $variant (attempt $attempt): $(sed -n 's/^Requests\/sec: *//p' "$out") req/s, $(printf '%s' "$res" | sed -n 's/.*"p50_us":\([0-9]*\).*"p99_us":\([0-9]*\).*/p50 \1 us p99 \2 us/p'), non-2xx $(printf '%s' "$res" | sed -n 's/.*"err_status":\([0-9]*\).*/\1/p'), foreign load ${foreign}%"
    ((foreign <= MAX_FOREIGN)) && break
  done
  printf '%s\n' "$best_line" >>"$RESULTS"
}

rcli CONFIG RESETSTAT >/dev/null
SCENARIOS=("json_c$CONNS json $CONNS" "sse_c$CONNS sse $CONNS" "json_c1 json 1" "sse_c1 sse 1")
for sc in "${SCENARIOS[@]}"; do
  read -r scenario mode conns <<<"$sc"
  if [[ -n $SCENARIO_FILTER && ! $scenario =~ $SCENARIO_FILTER ]]; then continue; fi
  up=$UP_JSON
  [[ $mode == sse ]] && up=$UP_SSE
  for ((round = 1; round <= ROUNDS; round++)); do
    order=("${VARIANTS[@]}")
    ((round % 2 == 0)) && order=(redis inproc off)
    ((conns == 1)) && measure "$scenario" "$mode" "$conns" "$round" direct "http://127.0.0.1:$up/anthropic/v1/messages" ""
    for v in "${order[@]}"; do
      measure "$scenario" "$mode" "$conns" "$round" "$v" "http://127.0.0.1:${HPORT[${v}_$mode]}/anthropic/v1/messages" "${HPID[${v}_$mode]}"
    done
  done
done

# ---------------------------------------------------------------------------------------------
# Optional profile (after the measurements; these runs are not in the tables).
PERF_OUT=$TMP/perf.txt
# The measurements so far are saved first: the profile is best effort and must not lose them.
mkdir -p "$(dirname "$OUT")"
cp "$RESULTS" "${OUT%.md}.jsonl"
set +e +o pipefail # best effort from here on (e.g. `perf report | head` ends with SIGPIPE)
if [[ ${BENCH_PERF:-1} == 1 ]] && command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
  : >"$PERF_OUT"
  for v in "${VARIANTS[@]}"; do
    name=${v}_json
    pid=${HPID[$name]}
    wait_quiet
    taskset -c "$LCORE" wrk -t1 -c"$CONNS" -d"$WARMUP" -s "$TMP/json.lua" "http://127.0.0.1:${HPORT[$name]}/anthropic/v1/messages" >/dev/null 2>&1 || true
    perf_pids=()
    perf stat -e task-clock,context-switches,cpu-migrations -p "$pid" >"$TMP/perf.$v.stat" 2>&1 &
    perf_pids+=("$!")
    if [[ $v != off ]]; then
      perf record -F 1999 -g -o "$TMP/perf.$v.data" -p "$pid" >"$TMP/perf.$v.rec" 2>&1 &
      perf_pids+=("$!")
    fi
    PIDS+=("${perf_pids[@]}")
    sleep 0.5 # perf attaches asynchronously; a short head start so the run is covered
    taskset -c "$LCORE" wrk -t1 -c"$CONNS" -d5s -s "$TMP/json.lua" "http://127.0.0.1:${HPORT[$name]}/anthropic/v1/messages" >"$TMP/perf.$v.wrk" 2>&1 || true
    for p in "${perf_pids[@]}"; do
      kill -INT "$p" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do alive "$p" || break; sleep 0.1; done
      wait "$p" 2>/dev/null || true
    done
    reqs=$(sed -n 's/^RESULT .*"requests":\([0-9]*\).*/\1/p' "$TMP/perf.$v.wrk")
    {
      echo "=== $v: $reqs requests in 5 s (32 connections, JSON), $(sed -n 's/^Requests\/sec: *//p' "$TMP/perf.$v.wrk") req/s under perf (per request: counts over the ~5.5 s attached / requests)"
      grep -E 'task-clock|context-switches|cpu-migrations' "$TMP/perf.$v.stat" | awk -v n="${reqs:-0}" '{ v = $1; gsub(",", "", v); name = $2; unit = ""
        if (name == "msec") { name = $3; v *= 1000; unit = " us" }
        printf "  %-18s %14s  %8.2f%s per request\n", name, $1, (n > 0 ? v / n : 0), unit }'
      if [[ $v != off ]]; then
        perf report -i "$TMP/perf.$v.data" --no-children -g none --sort dso,symbol --stdio --percent-limit 0.8 2>/dev/null |
          grep -E '^ +[0-9.]+%' | sed 's/ *-  *- *$//; s/ *$//' | cut -c1-200 | head -30
        echo "  -- by DSO"
        perf report -i "$TMP/perf.$v.data" --no-children -g none --sort dso --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' | sed 's/ *$//' | head -12
      fi
    } >>"$PERF_OUT"
  done
  log "profile written"
fi
set -e -o pipefail

# ---------------------------------------------------------------------------------------------
# After the run: the key's usage per governed instance, Redis command counts, gateway warnings.
for v in inproc redis; do
  for mode in json sse; do
    name=${v}_$mode
    u=$(curl -s --max-time 5 "http://127.0.0.1:${HPORT[$name]}/api/governance/virtual-keys/bench" || true)
    usage=$(node -e 'let v; try { v = JSON.parse(process.argv[1]); } catch { console.log("null"); process.exit(); }
      const vk = v.virtual_key || v; console.log(JSON.stringify(vk.usage ?? null));' "$u")
    printf '{"kind":"usage","instance":"%s","when":"end","usage":%s}\n' "$name" "$usage" >>"$RESULTS"
  done
done
rcli INFO commandstats | tr -d '\r' | node -e '
  const lines = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => l.startsWith("cmdstat_"));
  const o = {};
  for (const l of lines) { const [k, v] = l.split(":"); const m = Object.fromEntries(v.split(",").map((x) => x.split("="))); o[k.slice(8)] = { calls: +m.calls, usec_per_call: +m.usec_per_call }; }
  console.log(JSON.stringify({ kind: "redis_commandstats", stats: o }));
' >>"$RESULTS"
for v in "${VARIANTS[@]}"; do
  for mode in json sse; do
    name=${v}_$mode
    alive_after=$(alive "${HPID[$name]}" && echo true || echo false)
    node -e '
      const fs = require("fs"); const [name, f, alive] = process.argv.slice(1);
      const lines = fs.readFileSync(f, "utf8").split("\n").filter(Boolean).filter((l) => !l.includes("heimdall listening on "));
      console.log(JSON.stringify({ kind: "log", name, alive_after: alive === "true", lines: lines.length, sample: lines.slice(0, 5).map((l) => l.slice(0, 300)) }));
    ' "$name" "$TMP/$name.stderr" "$alive_after" >>"$RESULTS"
  done
done

node -e 'console.log(JSON.stringify({kind:"meta", ...JSON.parse(process.argv[1])}))' "$(
  cat <<EOF
{"commit":"${BENCH_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}",
 "dirty_files":$([[ -n ${BENCH_COMMIT:-} ]] && echo 0 || git -C "$ROOT" status --porcelain 2>/dev/null | wc -l),
 "date":"$(date -u '+%Y-%m-%d %H:%M UTC')", "date_start":"$META_START",
 "binary":"$BIN", "binary_mtime":"$BIN_MTIME", "binary_id":"$BIN_ID",
 "kernel":"$(uname -r)", "cpus":$(nproc), "cpu_model":"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo | tr -d '"')",
 "nginx":"$(nginx -v 2>&1 | sed 's/.*\///')", "wrk":"$(wrk -v 2>&1 | awk 'NR==1 {print $2}')", "redis":"$(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p')",
 "duration":"$DUR", "warmup":"$WARMUP", "rounds":$ROUNDS, "retries":$RETRIES, "max_foreign":$MAX_FOREIGN, "quiet_wait":$QUIET_WAIT,
 "quiet_waited_s":$QUIET_WAITED, "load_waited_s":$LOAD_WAITED, "max_load":"$MAX_LOAD", "conns":$CONNS, "proxy_core":$PCORE, "load_core":$LCORE,
 "loadavg_before":"$META_LOAD_BEFORE", "loadavg_after":"$(cut -d' ' -f1-3 /proc/loadavg)"}
EOF
)" >>"$RESULTS"

mkdir -p "$(dirname "$OUT")"
cp "$RESULTS" "${OUT%.md}.jsonl"
[[ -s $PERF_OUT ]] && cp "$PERF_OUT" "${OUT%.md}.perf.txt"
node "$HERE/governance_report.mjs" "$RESULTS" >"$TMP/report.md"
cp "$TMP/report.md" "$OUT"
cat "$TMP/report.md"
log "report written to $OUT (raw data: ${OUT%.md}.jsonl)"
