#!/usr/bin/env bash
# Heimdall benchmark harness: one command, one Markdown report.
#
#   bench/run.sh                     # full run (~9 min), report on stdout and in bench/results/latest.md
#
# Paths compared (same request, same pinning):
#   direct   wrk -> upstream nginx (static canned answer)
#   nginx    wrk -> nginx proxy_pass (keepalive upstream) -> upstream nginx   (the floor of any proxy hop)
#   heimdall wrk -> heimdall --workers 1 -> upstream nginx
# Routes through Heimdall:
#   passthrough  Anthropic Messages for a Claude deployment (azure/claude-sonnet-4-6 -> bench-claude):
#                POST /anthropic/v1/messages upstream, answer relayed as is
#   translation  Anthropic Messages for a GPT deployment (azure/gpt-4o -> bench-gpt): translated to
#                POST /openai/deployments/bench-gpt/chat/completions, the OpenAI answer translated back
# Request bodies: "small" (one short user message, ~100 B) and "10k" (a Claude-Code-like ~10 KB body
# from claude_code_body.mjs).
# The proxy under test runs on core 0; upstream nginx, wrk and the Node helpers run on core 1.
#
# Environment knobs (defaults in brackets):
#   HEIMDALL_BIN [build/heimdall]   BENCH_DURATION [10s]   BENCH_WARMUP [2s]   BENCH_CONNS [32]
#   BENCH_STREAM_STEPS [1000,2500,5000]   BENCH_STREAM_EVENTS [30]   BENCH_STREAM_INTERVAL_MS [1000]
#   BENCH_STREAM_WAVES [2]   BENCH_SKIP_STREAMS [0]   BENCH_SAME_CORE_C1 [1]
#   BENCH_RETRIES [2]   BENCH_MAX_FOREIGN [15] (% of a core used by unrelated processes before a run is redone)   BENCH_PROXY_CORE [0]   BENCH_LOAD_CORE [1]
#   BENCH_QUIET_WAIT [300] (s a measurement may wait for the cores to be quiet before it starts)
#   BENCH_OUT [bench/results/latest.md]   BENCH_SCENARIOS [all] (bash regex on scenario names)   BENCH_BODY_BYTES [10240]
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BIN=${HEIMDALL_BIN:-$ROOT/build/heimdall}
DUR=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
CONNS=${BENCH_CONNS:-32}
STREAM_STEPS=${BENCH_STREAM_STEPS:-1000,2500,5000}
STREAM_EVENTS=${BENCH_STREAM_EVENTS:-30}
STREAM_INTERVAL_MS=${BENCH_STREAM_INTERVAL_MS:-1000}
STREAM_WAVES=${BENCH_STREAM_WAVES:-2}
SKIP_STREAMS=${BENCH_SKIP_STREAMS:-0}
SAME_CORE_C1=${BENCH_SAME_CORE_C1:-1}
RETRIES=${BENCH_RETRIES:-2}
MAX_FOREIGN=${BENCH_MAX_FOREIGN:-15}
QUIET_WAIT=${BENCH_QUIET_WAIT:-300}
PCORE=${BENCH_PROXY_CORE:-0}
LCORE=${BENCH_LOAD_CORE:-1}
OUT=${BENCH_OUT:-$HERE/results/latest.md}
SCENARIO_FILTER=${BENCH_SCENARIOS:-}
BODY_BYTES=${BENCH_BODY_BYTES:-10240}

for tool in wrk nginx node taskset curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: missing $tool" >&2; exit 2; }
done
[[ -x $BIN ]] || { echo "run.sh: no heimdall binary at $BIN (set HEIMDALL_BIN)" >&2; exit 2; }

# Many slow streams need ~2 fds per stream in the gateway; children inherit this.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# Identify the binary now: it may be rebuilt by someone else while the run goes on.
BIN_MTIME=$(date -u -r "$BIN" '+%Y-%m-%d %H:%M:%S UTC')

TMP=$(mktemp -d "${TMPDIR:-/tmp}/heimdall-bench.XXXXXX")
RESULTS=$TMP/results.jsonl
: >"$RESULTS"
PIDS=()

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  local p i all=()
  # Started processes plus their children (nginx workers), newest first.
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

# Run a private copy so that every instance in this run is the same build.
cp "$BIN" "$TMP/heimdall"
BIN_ID=$( (readelf -n "$TMP/heimdall" 2>/dev/null | awk '/Build ID/ {print substr($3, 1, 12)}') || true)
[[ -n $BIN_ID ]] || BIN_ID=$(sha256sum "$TMP/heimdall" | cut -c1-12)

# N distinct free ephemeral ports on 127.0.0.1 (bound at once, then released).
free_ports() {
  node -e '
    const net = require("net"); const n = +process.argv[1]; const s = [];
    for (let i = 0; i < n; i++) { const v = net.createServer(); v.listen(0, "127.0.0.1", () => {
      s.push(v); if (s.length === n) { console.log(s.map((x) => x.address().port).join(" ")); s.forEach((x) => x.close()); } }); }
  ' "$1"
}

# wait_port PORT PID SECONDS: poll until something accepts on 127.0.0.1:PORT (and PID is alive).
wait_port() {
  local port=$1 pid=$2 secs=$3 i
  for ((i = 0; i < secs * 20; i++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    alive "$pid" || { log "process $pid died before listening on $port"; return 1; }
    sleep 0.05
  done
  log "timeout waiting for port $port"
  return 1
}

read -r UP_JSON UP_SSE PX_JSON PX_SSE H_JSON H_SSE SLOW_UP H_SLOW < <(free_ports 8)
log "ports: upstream json=$UP_JSON sse=$UP_SSE | nginx proxy json=$PX_JSON sse=$PX_SSE | heimdall json=$H_JSON sse=$H_SSE | slow upstream=$SLOW_UP heimdall-slow=$H_SLOW"

# ---------------------------------------------------------------------------------------------
# Canned answers.
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
# OpenAI Chat Completions answers (Azure GPT deployment), for the translation route: a chat.completion,
# and a chunk stream as Azure sends it with stream_options.include_usage (role chunk, 3 content
# chunks, finish_reason chunk, usage chunk with choices [], [DONE]).
OAI_USAGE='{"prompt_tokens":2410,"completion_tokens":7,"total_tokens":2417,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}'
OAI_JSON_BODY='{"id":"chatcmpl-bench","object":"chat.completion","created":1764043200,"model":"gpt-4o-2024-11-20","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the bench upstream.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":'"$OAI_USAGE"',"system_fingerprint":"fp_bench"}'
oai_chunk() { # choices usage
  printf 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1764043200,"model":"gpt-4o-2024-11-20","system_fingerprint":"fp_bench","choices":%s,"usage":%s}\n\n' "$1" "$2"
}
oai_delta() { oai_chunk '[{"index":0,"delta":'"$1"',"logprobs":null,"finish_reason":'"$2"'}]' null; }
OAI_SSE_BODY=$(
  oai_delta '{"role":"assistant","content":"","refusal":null}' null
  oai_delta '{"content":"Hello"}' null
  oai_delta '{"content":" from the"}' null
  oai_delta '{"content":" bench upstream."}' null
  oai_delta '{}' '"stop"'
  oai_chunk '[]' "$OAI_USAGE"
  printf 'data: [DONE]'
)
OAI_SSE_BODY+=$'\n\n'
OAI_PATH=/openai/deployments/bench-gpt/chat/completions
OAI_QUERY='?api-version=2024-10-21'
# nginx 'return' text must not contain "'" or "$".
case "$JSON_BODY$SSE_BODY$OAI_JSON_BODY$OAI_SSE_BODY" in *\'* | *\$*) echo "canned body has ' or \$" >&2; exit 2 ;; esac

# Request bodies, one file per (body, route, mode); the wrk scripts and the sanity curls read them.
REQ_JSON='{"model":"azure/claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}'
REQ_SSE='{"model":"azure/claude-sonnet-4-6","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}'
printf '%s' "$REQ_JSON" >"$TMP/req_small_pt_json.json"
printf '%s' "$REQ_SSE" >"$TMP/req_small_pt_sse.json"
printf '%s' "${REQ_JSON/claude-sonnet-4-6/gpt-4o}" >"$TMP/req_small_tr_json.json"
printf '%s' "${REQ_SSE/claude-sonnet-4-6/gpt-4o}" >"$TMP/req_small_tr_sse.json"
node "$HERE/claude_code_body.mjs" --model azure/claude-sonnet-4-6 --bytes "$BODY_BYTES" >"$TMP/req_10k_pt_json.json"
node "$HERE/claude_code_body.mjs" --model azure/claude-sonnet-4-6 --bytes "$BODY_BYTES" --stream >"$TMP/req_10k_pt_sse.json"
node "$HERE/claude_code_body.mjs" --model azure/gpt-4o --bytes "$BODY_BYTES" >"$TMP/req_10k_tr_json.json"
node "$HERE/claude_code_body.mjs" --model azure/gpt-4o --bytes "$BODY_BYTES" --stream >"$TMP/req_10k_tr_sse.json"

nginx_common() { # $1 = name
  cat <<EOF
worker_processes 1;
daemon off;
pid $TMP/$1.pid;
error_log $TMP/$1.error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; multi_accept on; }
EOF
}

mkdir -p "$TMP/up" "$TMP/px"
{
  nginx_common up
  cat <<EOF
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
    location = $OAI_PATH { default_type application/json; return 200 '$OAI_JSON_BODY'; }
    location / { return 404; }
  }
  server {
    listen 127.0.0.1:$UP_SSE reuseport backlog=4096;
    location ~ ^/(anthropic/)?v1/messages\$ { default_type text/event-stream; return 200 '$SSE_BODY'; }
    location = $OAI_PATH { default_type text/event-stream; return 200 '$OAI_SSE_BODY'; }
    location / { return 404; }
  }
}
EOF
} >"$TMP/up.conf"

{
  nginx_common px
  cat <<EOF
http {
  access_log off;
  client_body_temp_path $TMP/px/cb; proxy_temp_path $TMP/px/p; fastcgi_temp_path $TMP/px/f;
  uwsgi_temp_path $TMP/px/u; scgi_temp_path $TMP/px/s;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_buffer_size 64k;
  upstream up_json { server 127.0.0.1:$UP_JSON; keepalive 64; keepalive_requests 10000000; }
  upstream up_sse  { server 127.0.0.1:$UP_SSE;  keepalive 64; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:$PX_JSON backlog=4096;
    location / {
      proxy_pass http://up_json;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
  server {
    listen 127.0.0.1:$PX_SSE backlog=4096;
    location / {
      proxy_pass http://up_sse;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
} >"$TMP/px.conf"

heimdall_config() { # $1 = upstream port
  cat <<EOF
{"providers":{"azure":{"keys":[{"name":"k1","value":"azure-fake-key","models":["*"],
  "aliases":{"claude-sonnet-4-6":"bench-claude","gpt-4o":"bench-gpt"},
  "azure_key_config":{"endpoint":"http://127.0.0.1:$1","api_version":"2024-10-21"}}],
  "network_config":{"stream_idle_timeout_in_seconds":120}}}}
EOF
}

# start_heimdall NAME PORT UPSTREAM_PORT -> sets HPID
start_heimdall() {
  local name=$1 port=$2 up=$3
  mkdir -p "$TMP/$name"
  heimdall_config "$up" >"$TMP/$name/config.json"
  taskset -c "$PCORE" "$TMP/heimdall" serve --host 127.0.0.1 --port "$port" --app-dir "$TMP/$name" \
    --config "$TMP/$name/config.json" --workers 1 --log-level warn --drain-timeout 1 \
    >"$TMP/$name.stdout" 2>"$TMP/$name.stderr" &
  HPID=$!
  PIDS+=("$HPID")
  wait_port "$port" "$HPID" 15 || { cat "$TMP/$name.stderr" >&2; exit 1; }
}

log "starting upstream nginx on core $LCORE, nginx proxy on core $PCORE"
taskset -c "$LCORE" nginx -p "$TMP/up" -c "$TMP/up.conf" 2>"$TMP/up.stderr" &
UP_PID=$!
PIDS+=("$UP_PID")
taskset -c "$PCORE" nginx -p "$TMP/px" -c "$TMP/px.conf" 2>"$TMP/px.stderr" &
PX_PID=$!
PIDS+=("$PX_PID")
wait_port "$UP_JSON" "$UP_PID" 10 && wait_port "$UP_SSE" "$UP_PID" 10 || { cat "$TMP/up.stderr" "$TMP/up.error.log" >&2; exit 1; }
wait_port "$PX_JSON" "$PX_PID" 10 && wait_port "$PX_SSE" "$PX_PID" 10 || { cat "$TMP/px.stderr" "$TMP/px.error.log" >&2; exit 1; }
PX_WORKER=
# bounded wait for the proxy's worker process
for ((i = 0; i < 100; i++)); do PX_WORKER=$(pgrep -P "$PX_PID" | head -1); [[ -n $PX_WORKER ]] && break; sleep 0.05; done
[[ -n $PX_WORKER ]] || { log "nginx proxy has no worker"; exit 1; }
UP_WORKER=
for ((i = 0; i < 100; i++)); do UP_WORKER=$(pgrep -P "$UP_PID" | head -1); [[ -n $UP_WORKER ]] && break; sleep 0.05; done

log "starting heimdall (--workers 1, core $PCORE)"
start_heimdall hjson "$H_JSON" "$UP_JSON"; HJ_PID=$HPID
start_heimdall hsse "$H_SSE" "$UP_SSE"; HS_PID=$HPID

# ---------------------------------------------------------------------------------------------
# Sanity: every path answers the canned message, the streaming ones with the full event sequence;
# the translation route answers in Anthropic shape (text and stop reason from the OpenAI answer).
EXPECT_EVENTS="message_start content_block_start content_block_delta content_block_delta content_block_delta content_block_stop message_delta message_stop"
sanity() { # mode route body path url
  local mode=$1 route=$2 body=$3 path=$4 url=$5 out code ok=true detail="" f=$TMP/sanity.body
  out=$(curl -s -o "$f" -w '%{http_code} %{content_type}' -X POST "$url" \
    -H 'content-type: application/json' -H 'anthropic-version: 2023-06-01' \
    --data-binary "@$TMP/req_${body}_${route}_${mode}.json" --max-time 10) || true
  code=${out%% *}
  if [[ $code != 200 ]]; then
    ok=false; detail="HTTP $out: $(head -c 300 "$f" | tr '\n"' ' _')"
  elif [[ $route == tr && $path == direct ]]; then # the OpenAI answer itself
    if [[ $mode == json ]]; then
      grep -q '"object":"chat.completion"' "$f" || { ok=false; detail="body is not a chat.completion"; }
    else
      [[ $(tail -n 2 "$f" | head -n 1) == "data: [DONE]" ]] || { ok=false; detail="stream does not end with [DONE]"; }
    fi
  elif [[ $mode == json ]]; then
    if [[ $route == pt ]]; then
      grep -q '"id":"msg_bench"' "$f" || { ok=false; detail="body lacks msg_bench"; }
    else
      grep -q '"type":"message"' "$f" && grep -q '"text":"Hello from the bench upstream."' "$f" &&
        grep -q '"stop_reason":"end_turn"' "$f" || { ok=false; detail="not the translated message: $(head -c 300 "$f" | tr '\n"' ' _')"; }
    fi
  else
    local ev
    ev=$(sed -n 's/^event: *//p' "$f" | tr -d '\r' | tr '\n' ' ' | sed 's/ $//')
    [[ $ev == "$EXPECT_EVENTS" ]] || { ok=false; detail="events: $ev"; }
    if $ok && [[ $route == tr ]]; then
      grep -q '"text":" bench upstream."' "$f" && grep -q '"stop_reason":"end_turn"' "$f" ||
        { ok=false; detail="translated stream lacks the text or end_turn"; }
    fi
  fi
  detail=${detail//\\/ }
  printf '{"kind":"sanity","mode":"%s","route":"%s","body":"%s","path":"%s","ok":%s,"content_type":"%s","detail":"%s"}\n' \
    "$mode" "$route" "$body" "$path" "$ok" "${out#* }" "$detail" >>"$RESULTS"
  $ok || log "SANITY FAIL $mode/$route/$body/$path: $detail"
}
for mode in json sse; do
  if [[ $mode == json ]]; then up=$UP_JSON px=$PX_JSON hp=$H_JSON; else up=$UP_SSE px=$PX_SSE hp=$H_SSE; fi
  for body in small 10k; do
    sanity "$mode" pt "$body" direct "http://127.0.0.1:$up/anthropic/v1/messages"
    sanity "$mode" pt "$body" nginx "http://127.0.0.1:$px/anthropic/v1/messages"
    sanity "$mode" pt "$body" heimdall "http://127.0.0.1:$hp/anthropic/v1/messages"
    sanity "$mode" tr "$body" direct "http://127.0.0.1:$up$OAI_PATH$OAI_QUERY"
    sanity "$mode" tr "$body" heimdall "http://127.0.0.1:$hp/anthropic/v1/messages"
  done
done

# ---------------------------------------------------------------------------------------------
# wrk scripts (POST body read from its file + a machine-readable summary line).
wrk_script() { # $1 = request body file
  cat <<EOF
wrk.method = "POST"
local f = assert(io.open("$1", "rb"))
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"mean_us":%.1f,"min_us":%d,"max_us":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.mean, latency.min, latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
EOF
}
for f in "$TMP"/req_*.json; do
  b=$(basename "$f" .json)
  wrk_script "$f" >"$TMP/${b#req_}.lua"
done

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { # sum of utime+stime (fields 14, 15) over the given pids
  local t=0 p s fields
  for p in "$@"; do
    s=$(cat /proc/"$p"/stat 2>/dev/null) || continue
    s=${s##*) }   # drop "pid (comm) "; field 14 of the full line is field 12 here
    read -r -a fields <<<"$s"
    t=$((t + fields[11] + fields[12]))
  done
  echo "$t"
}
status_kb() { awk -v k="$2:" '$1 == k {print $2}' /proc/"$1"/status 2>/dev/null || echo 0; }
core_ticks() { # "busy total" for cpuN
  awk -v c="cpu$1" '$1 == c { busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6; print busy, total }' /proc/stat
}

# CPU ticks used so far by this shell's reaped children (wrk runs in the foreground, so the delta
# around a run is wrk's own CPU). `times` must run in this shell, not in a $(...) subshell whose
# children totals start at zero: it writes to a file and the result lands in CHILD_TICKS.
child_ticks() {
  times >"$TMP/times"
  CHILD_TICKS=$(awk -v hz="$CLK_TCK" 'NR == 2 {
    t = 0
    for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] }
    printf "%d\n", t * hz }' "$TMP/times")
}

# wait_quiet: between runs nothing of the benchmark uses the CPU, so whatever keeps the two cores
# busy is foreign load (someone's build). Sample 1 s at a time until it is at most BENCH_MAX_FOREIGN %
# of one core, for up to BENCH_QUIET_WAIT s; the time waited is added to QUIET_WAITED.
QUIET_WAITED=0
wait_quiet() {
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

# measure SCENARIO MODE PATH URL CONNS PROXY_PIDS(space-separated, "" for direct) RSS_PID
# (the request body is the scenario's: globals SC_BODY and SC_ROUTE)
# Runs wrk (after a warm-up) and records throughput, latency, the proxy's CPU and peak RSS, and how
# much CPU on the two benchmark cores went to processes that are not part of the benchmark
# ("foreign" load: other people's builds on a shared machine). A run with more foreign load than
# BENCH_MAX_FOREIGN % of a core is repeated up to BENCH_RETRIES times; the least disturbed is kept.
measure() {
  local scenario=$1 mode=$2 path=$3 url=$4 conns=$5 pids=$6 rss_pid=$7
  local lua=$TMP/${SC_BODY}_${SC_ROUTE}_$mode.lua out=$TMP/wrk_${scenario}_$path.txt
  local body_bytes
  body_bytes=$(stat -c %s "$TMP/req_${SC_BODY}_${SC_ROUTE}_$mode.json")
  local same=false
  [[ $scenario == *same ]] && same=true
  local attempt best_line="" best_foreign=-1 line foreign
  for ((attempt = 1; attempt <= RETRIES + 1; attempt++)); do
    wait_quiet
    taskset -c "$LCORE" wrk -t1 -c"$conns" -d"$WARMUP" -s "$lua" "$url" >/dev/null 2>&1 || true
    if [[ -n $rss_pid ]]; then echo 5 >/proc/"$rss_pid"/clear_refs 2>/dev/null || true; fi # reset VmHWM
    local c0 c1 u0 u1 w0 w1 b0 t0 b1 t1 lb0 lt0 lb1 lt1
    # shellcheck disable=SC2086
    c0=$(cpu_ticks $pids)
    u0=$(cpu_ticks "$UP_PID" "$UP_WORKER")
    child_ticks; w0=$CHILD_TICKS
    read -r b0 t0 < <(core_ticks "$PCORE")
    read -r lb0 lt0 < <(core_ticks "$LCORE")
    taskset -c "$LCORE" wrk -t1 -c"$conns" -d"$DUR" --latency --timeout 10s -s "$lua" "$url" >"$out" 2>&1 || true
    read -r b1 t1 < <(core_ticks "$PCORE")
    read -r lb1 lt1 < <(core_ticks "$LCORE")
    child_ticks; w1=$CHILD_TICKS
    u1=$(cpu_ticks "$UP_PID" "$UP_WORKER")
    # shellcheck disable=SC2086
    c1=$(cpu_ticks $pids)
    local res hwm=0 rss=0
    res=$(sed -n 's/^RESULT //p' "$out")
    [[ -n $res ]] || { log "wrk produced no result for $scenario/$path:"; cat "$out" >&2; res='{"requests":0}'; }
    if [[ -n $rss_pid ]]; then hwm=$(status_kb "$rss_pid" VmHWM); rss=$(status_kb "$rss_pid" VmRSS); fi
    local alive_after=true p
    for p in $pids; do alive "$p" || alive_after=false; done
    # Foreign ticks on both cores, as % of one core's ticks over the run.
    local ours=$(((c1 - c0) + (u1 - u0) + (w1 - w0)))
    local busy=$(((b1 - b0) + (lb1 - lb0)))
    foreign=$(((busy > ours ? busy - ours : 0) * 100 / ((t1 - t0) > 0 ? (t1 - t0) : 1)))
    line=$(printf '{"kind":"wrk","scenario":"%s","mode":"%s","route":"%s","body":"%s","body_bytes":%d,"path":"%s","same_core":%s,"conns":%d,"clk_tck":%d,"proxy_cpu_ticks":%d,"upstream_cpu_ticks":%d,"wrk_cpu_ticks":%d,"proxy_hwm_kb":%d,"proxy_rss_kb":%d,"proxy_alive_after":%s,"core_busy":%d,"core_total":%d,"load_core_busy":%d,"load_core_total":%d,"foreign_pct":%d,"attempt":%d,"wrk":%s}' \
      "$scenario" "$mode" "$SC_ROUTE" "$SC_BODY" "$body_bytes" "$path" "$same" "$conns" "$CLK_TCK" $((c1 - c0)) $((u1 - u0)) $((w1 - w0)) "${hwm:-0}" "${rss:-0}" "$alive_after" \
      $((b1 - b0)) $((t1 - t0)) $((lb1 - lb0)) $((lt1 - lt0)) "$foreign" "$attempt" "$res")
    if ((best_foreign < 0 || foreign < best_foreign)); then best_line=$line best_foreign=$foreign; fi
    log "$scenario $path (attempt $attempt): $(sed -n 's/^Requests\/sec: *//p' "$out") req/s, $(printf '%s' "$res" | sed -n 's/.*"p50_us":\([0-9]*\).*"p99_us":\([0-9]*\).*/p50 \1 us p99 \2 us/p'), foreign load ${foreign}%"
    ((foreign <= MAX_FOREIGN)) && break
  done
  printf '%s\n' "$best_line" >>"$RESULTS"
}

# repin CORE PID...: move running processes (all threads) to CORE.
repin() { local c=$1 p; shift; for p in "$@"; do taskset -a -p -c "$c" "$p" >/dev/null; done; }

META_LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
META_START=$(date -u '+%Y-%m-%d %H:%M UTC')
# Scenario: NAME MODE CONNS ROUTE(pt|tr) BODY(small|10k) PATHS(d=direct n=nginx h=heimdall).
# "direct" for the translation route is wrk -> the OpenAI deployment URL of the upstream, same body.
SCENARIOS=("json_c$CONNS json $CONNS pt small dnh" "sse_c$CONNS sse $CONNS pt small dnh"
  "json_c1 json 1 pt small dnh" "sse_c1 sse 1 pt small dnh")
# Informational: the one-connection runs again with the proxy moved onto the load core, so that no
# request crosses cores (separates the proxy's own work from cross-core wake-up latency).
[[ $SAME_CORE_C1 == 1 ]] && SCENARIOS+=("json_c1same json 1 pt small dnh" "sse_c1same sse 1 pt small dnh")
# ~10 KB Claude-Code-like body: passthrough vs translation, throughput and one-connection latency
# (same core unless BENCH_SAME_CORE_C1=0).
c1=c1; [[ $SAME_CORE_C1 == 1 ]] && c1=c1same
SCENARIOS+=("pt10k_json_c$CONNS json $CONNS pt 10k nh" "tr10k_json_c$CONNS json $CONNS tr 10k h"
  "pt10k_sse_c$CONNS sse $CONNS pt 10k nh" "tr10k_sse_c$CONNS sse $CONNS tr 10k h"
  "pt10k_json_$c1 json 1 pt 10k dnh" "tr10k_json_$c1 json 1 tr 10k dh"
  "pt10k_sse_$c1 sse 1 pt 10k dnh" "tr10k_sse_$c1 sse 1 tr 10k dh")
for sc in "${SCENARIOS[@]}"; do
  read -r scenario mode conns SC_ROUTE SC_BODY paths <<<"$sc"
  if [[ -n $SCENARIO_FILTER && ! $scenario =~ $SCENARIO_FILTER ]]; then continue; fi
  if [[ $mode == json ]]; then up=$UP_JSON px=$PX_JSON hp=$H_JSON hpid=$HJ_PID; else up=$UP_SSE px=$PX_SSE hp=$H_SSE hpid=$HS_PID; fi
  if [[ $scenario == *same ]]; then
    repin "$LCORE" "$PX_PID" "$PX_WORKER" "$HJ_PID" "$HS_PID"
  else
    repin "$PCORE" "$PX_PID" "$PX_WORKER" "$HJ_PID" "$HS_PID"
  fi
  upath=/anthropic/v1/messages
  [[ $SC_ROUTE == tr ]] && upath=$OAI_PATH$OAI_QUERY
  [[ $paths == *d* ]] && measure "$scenario" "$mode" direct "http://127.0.0.1:$up$upath" "$conns" "" ""
  [[ $paths == *n* ]] && measure "$scenario" "$mode" nginx "http://127.0.0.1:$px$upath" "$conns" "$PX_PID $PX_WORKER" "$PX_WORKER"
  [[ $paths == *h* ]] && measure "$scenario" "$mode" heimdall "http://127.0.0.1:$hp/anthropic/v1/messages" "$conns" "$hpid" "$hpid"
done
repin "$PCORE" "$PX_PID" "$PX_WORKER" "$HJ_PID" "$HS_PID"

# ---------------------------------------------------------------------------------------------
# Many concurrent slow streams through a fresh heimdall.
if [[ $SKIP_STREAMS != 1 ]]; then
  wait_quiet
  log "many slow streams: steps $STREAM_STEPS, $STREAM_EVENTS events every ${STREAM_INTERVAL_MS} ms, $STREAM_WAVES wave(s)"
  taskset -c "$LCORE" node "$HERE/slow_sse_upstream.mjs" --port "$SLOW_UP" --events "$STREAM_EVENTS" \
    --interval-ms "$STREAM_INTERVAL_MS" >"$TMP/slow_up.stdout" 2>"$TMP/slow_up.stderr" &
  SLOW_PID=$!
  PIDS+=("$SLOW_PID")
  wait_port "$SLOW_UP" "$SLOW_PID" 10 || { cat "$TMP/slow_up.stderr" >&2; exit 1; }
  start_heimdall hslow "$H_SLOW" "$SLOW_UP"; HSL_PID=$HPID
  stream_secs=$(((STREAM_EVENTS * STREAM_INTERVAL_MS) / 1000 + 1))
  taskset -c "$LCORE" node "$HERE/many_streams.mjs" --url "http://127.0.0.1:$H_SLOW/anthropic/v1/messages" \
    --pid "$HSL_PID" --steps "$STREAM_STEPS" --waves "$STREAM_WAVES" \
    --step-timeout $((stream_secs + 60)) --end-timeout $((stream_secs + 60)) \
    >"$TMP/streams.json" 2> >(tee "$TMP/streams.stderr" >&2) || log "many_streams.mjs exited non-zero"
  if [[ -s $TMP/streams.json ]]; then
    printf '{"kind":"streams","gateway_alive_after":%s,"events":%d,"interval_ms":%d,"result":%s}\n' \
      "$(alive "$HSL_PID" && echo true || echo false)" "$STREAM_EVENTS" "$STREAM_INTERVAL_MS" "$(cat "$TMP/streams.json")" >>"$RESULTS"
  fi
fi

# ---------------------------------------------------------------------------------------------
# Gateway logs (warn and above) and metadata.
for name in hjson hsse hslow; do
  f=$TMP/$name.stderr
  [[ -f $f ]] || continue
  node -e '
    const fs = require("fs"); const [name, f] = process.argv.slice(1);
    const all = fs.readFileSync(f, "utf8").split("\n").filter(Boolean);
    // The startup line is printed at every log level (it carries the bound port); it is not a warning.
    const listening = all.filter((l) => l.includes("heimdall listening on "));
    const lines = all.filter((l) => !l.includes("heimdall listening on "));
    console.log(JSON.stringify({ kind: "log", name, lines: lines.length, sample: lines.slice(0, 8).map((l) => l.slice(0, 300)),
      listening: listening.map((l) => l.slice(0, 300)) }));
  ' "$name" "$f" >>"$RESULTS"
done
for p in "$HJ_PID" "$HS_PID"; do alive "$p" || log "heimdall pid $p is not alive at the end of the run"; done

node -e 'console.log(JSON.stringify({kind:"meta", ...JSON.parse(process.argv[1])}))' "$(
  cat <<EOF
{"commit":"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)",
 "dirty_files":$(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l),
 "date":"$(date -u '+%Y-%m-%d %H:%M UTC')", "date_start":"$META_START",
 "body_bytes":{$(for f in "$TMP"/req_*.json; do b=$(basename "$f" .json); printf '"%s":%d,' "${b#req_}" "$(stat -c %s "$f")"; done | sed 's/,$//')},
 "scenario_filter":"$SCENARIO_FILTER",
 "binary":"$BIN", "build_type":"$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname "$BIN")/CMakeCache.txt" 2>/dev/null)", "binary_mtime":"$BIN_MTIME", "binary_id":"$BIN_ID",
 "binary_replaced_during_run":$([[ $(date -u -r "$BIN" '+%Y-%m-%d %H:%M:%S UTC') == "$BIN_MTIME" ]] && echo false || echo true),
 "kernel":"$(uname -r)", "cpus":$(nproc), "cpu_model":"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo | tr -d '"')",
 "mem_gib":$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo),
 "nginx":"$(nginx -v 2>&1 | sed 's/.*\///')", "wrk":"$(wrk -v 2>&1 | awk 'NR==1 {print $2}')", "node":"$(node --version)",
 "duration":"$DUR", "warmup":"$WARMUP", "retries":$RETRIES, "max_foreign":$MAX_FOREIGN, "quiet_wait":$QUIET_WAIT, "quiet_waited_s":$QUIET_WAITED, "conns":$CONNS, "proxy_core":$PCORE, "load_core":$LCORE,
 "nofile":$(ulimit -n), "loadavg_before":"$META_LOAD_BEFORE", "loadavg_after":"$(cut -d' ' -f1-3 /proc/loadavg)"}
EOF
)" >>"$RESULTS"

mkdir -p "$(dirname "$OUT")"
cp "$RESULTS" "${OUT%.md}.jsonl" # first, so that the raw numbers survive a report error
node "$HERE/report.mjs" "$RESULTS" >"$TMP/report.md"
cp "$TMP/report.md" "$OUT"
cat "$TMP/report.md"
log "report written to $OUT (raw data: ${OUT%.md}.jsonl)"
