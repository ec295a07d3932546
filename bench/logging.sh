#!/usr/bin/env bash
# Request-log cost benchmark: the passthrough route with the request log off, on without content and
# on with content, in one run against the same upstream.
#
#   bench/logging.sh          # ~8 min; report on stdout and in bench/results/logging.md
#
# Variants (each one heimdall --workers 1 per upstream port, all on the proxy core):
#   off        logs_store {"enabled": false}: the record is built for the metrics and trace sinks only
#   meta       the default SQLite request log (logs.db in the app dir), client.disable_content_logging true
#   content    the default SQLite request log with content (request body and answer, streams rebuilt)
# Route: azure/claude-sonnet-4-6 (alias -> bench-claude) relayed to POST /anthropic/v1/messages; the
# canned answers (JSON and SSE, as in bench/governance.sh) carry usage, so every record is priced.
# Scenarios: JSON and SSE at BENCH_CONNS connections (throughput), and "agent": the JSON route with the
# turns of a coding agent's conversations (claude_code_body.mjs --sessions: BENCH_AGENT_SESSIONS
# conversations of BENCH_AGENT_TURNS turns, BENCH_AGENT_BYTES per request on average), each turn
# repeating the tools, system prompt and earlier messages, its newest two messages unique to the
# request. Each scenario runs BENCH_ROUNDS
# rounds of the three variants back to back, the order reversed every other round; the report gives
# each variant's throughput and CPU per request as a ratio of "off" in the same round, median over the
# rounds (short runs, many rounds: this VM's speed drifts over minutes, far less within a round). After the runs the script checks
# that the logging instances stored what they served (GET /api/logs total, GET /api/logs/dropped).
#
# Environment knobs (defaults in brackets):
#   HEIMDALL_BIN [build/heimdall]   BENCH_DURATION [5s]   BENCH_WARMUP [1s]   BENCH_CONNS [32]
#   BENCH_ROUNDS [8]   BENCH_MAX_LOAD [1.5] / BENCH_LOAD_WAIT [600] (wait while the 1-min load average
#   is above BENCH_MAX_LOAD, at most BENCH_LOAD_WAIT s)   BENCH_PROXY_CORE [0]   BENCH_LOAD_CORE [1]
#   BENCH_OUT [bench/results/logging.md]   BENCH_SCENARIOS [all] (bash regex on json_c32 sse_c32 agent_c32)
#   BENCH_AGENT_BYTES [102400] (the agent scenario's average request body)   BENCH_AGENT_ROUNDS [4]
#   BENCH_AGENT_SESSIONS [8]   BENCH_AGENT_TURNS [24]
#   BENCH_INSTRUCTIONS [on when valgrind is installed] (0: skip the instruction counts, ~5 min)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
BIN=${HEIMDALL_BIN:-$ROOT/build/heimdall}
DUR=${BENCH_DURATION:-5s}
WARMUP=${BENCH_WARMUP:-1s}
CONNS=${BENCH_CONNS:-32}
ROUNDS=${BENCH_ROUNDS:-8}
AGENT_ROUNDS=${BENCH_AGENT_ROUNDS:-4}
AGENT_SESSIONS=${BENCH_AGENT_SESSIONS:-8}
AGENT_TURNS=${BENCH_AGENT_TURNS:-24}
MAX_LOAD=${BENCH_MAX_LOAD:-1.5}
LOAD_WAIT=${BENCH_LOAD_WAIT:-600}
PCORE=${BENCH_PROXY_CORE:-0}
LCORE=${BENCH_LOAD_CORE:-1}
OUT=${BENCH_OUT:-$HERE/results/logging.md}
SCENARIO_FILTER=${BENCH_SCENARIOS:-}
VARIANTS=(off meta content)

for tool in wrk nginx node taskset curl; do
  command -v "$tool" >/dev/null || { echo "logging.sh: missing $tool" >&2; exit 2; }
done
[[ -x $BIN ]] || { echo "logging.sh: no heimdall binary at $BIN (set HEIMDALL_BIN)" >&2; exit 2; }

BIN_MTIME=$(date -u -r "$BIN" '+%Y-%m-%d %H:%M:%S UTC')
TMP=$(mktemp -d "${TMPDIR:-/tmp}/heimdall-logbench.XXXXXX")
RESULTS=$TMP/results.jsonl
: >"$RESULTS"
PIDS=()

log() { printf '[logbench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
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
cp "$BIN" "$TMP/heimdall"

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

read -r UP_JSON UP_SSE H_off_json H_off_sse H_meta_json H_meta_sse H_content_json H_content_sse < <(free_ports 8)

# Canned Anthropic answers (as in governance.sh), both with usage.
JSON_BODY='{"id":"msg_bench","type":"message","role":"assistant","model":"bench-claude","content":[{"type":"text","text":"Hello from the bench upstream."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":8,"output_tokens":7}}'
SSE_BODY='event: message_start
data: {"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant","model":"bench-claude","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":8,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" from the bench upstream."}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}

event: message_stop
data: {"type":"message_stop"}

'
printf '%s' '{"model":"azure/claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}' >"$TMP/req_json.json"
printf '%s' '{"model":"azure/claude-sonnet-4-6","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}' >"$TMP/req_sse.json"
mkdir -p "$TMP/agent"
node "$HERE/claude_code_body.mjs" --model azure/claude-sonnet-4-6 --bytes "${BENCH_AGENT_BYTES:-102400}" \
  --sessions "$AGENT_SESSIONS" --turns "$AGENT_TURNS" --dir "$TMP/agent"
ls "$TMP"/agent/s*_t*.json >"$TMP/agent/list.txt"

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
  local variant=$1 up=$2 extra
  case $variant in
    off) extra=',"logs_store":{"enabled":false}' ;;
    meta) extra=',"client":{"disable_content_logging":true}' ;;
    content) extra='' ;;
  esac
  cat <<EOF
{"providers":{"azure":{"keys":[{"name":"k1","value":"azure-fake-key","models":["*"],
  "aliases":{"claude-sonnet-4-6":"bench-claude"},
  "azure_key_config":{"endpoint":"http://127.0.0.1:$up","api_version":"2024-10-21"}}],
  "network_config":{"stream_idle_timeout_in_seconds":120}}}$extra}
EOF
}

log "starting upstream nginx on core $LCORE"
taskset -c "$LCORE" nginx -p "$TMP/up" -c "$TMP/up.conf" 2>"$TMP/up.stderr" &
UP_PID=$!
PIDS+=("$UP_PID")
wait_port "$UP_JSON" "$UP_PID" 10 && wait_port "$UP_SSE" "$UP_PID" 10 || { cat "$TMP/up.stderr" "$TMP/up.error.log" >&2; exit 1; }

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
    # The writer thread shares the proxy core: its cost is part of what is measured.
    taskset -c "$PCORE" "$TMP/heimdall" serve --host 127.0.0.1 --port "${!port_var}" --app-dir "$TMP/$name" \
      --config "$TMP/$name/config.json" --workers 1 --log-level warn --drain-timeout 1 \
      >"$TMP/$name.stdout" 2>"$TMP/$name.stderr" &
    HPID[$name]=$!
    HPORT[$name]=${!port_var}
    PIDS+=("$!")
    wait_port "${!port_var}" "${HPID[$name]}" 15 || { cat "$TMP/$name.stderr" >&2; exit 1; }
  done
done

LUA_DONE=$(
  cat <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"err_status":%d,"err_other":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
EOF
)
for body in json sse; do
  cat >"$TMP/$body.lua" <<EOF
wrk.method = "POST"
local f = assert(io.open("$TMP/req_$body.json", "rb"))
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
$LUA_DONE
EOF
done
# The agent scenario's requests: the turns of all sessions in turn, the placeholder @@N@@ in each turn's
# newest messages replaced by a number no other request has (BENCH_RUN_ID differs for every wrk run).
cat >"$TMP/agent.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
local bodies = {}
for name in io.lines("$TMP/agent/list.txt") do
  local f = assert(io.open(name, "rb"))
  local b = f:read("*a")
  f:close()
  local pieces, at = {}, 1
  while true do
    local i, j = string.find(b, "@@N@@", at, true)
    if not i then pieces[#pieces + 1] = string.sub(b, at); break end
    pieces[#pieces + 1] = string.sub(b, at, i - 1)
    at = j + 1
  end
  bodies[#bodies + 1] = pieces
end
local run = os.getenv("BENCH_RUN_ID") or "0"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, table.concat(bodies[n % #bodies + 1], run .. "." .. n))
end
$LUA_DONE
EOF

# Requests served per instance (wrk's counts, warm-ups included) to compare with what was logged.
declare -A SERVED
for v in "${VARIANTS[@]}"; do for mode in json sse; do SERVED[${v}_$mode]=0; done; done

# CPU time (user + system, all threads, in clock ticks) a process has used: the CPU per request of each
# variant is the measure that foreign load on a shared machine disturbs least.
CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

measure() { # SCENARIO MODE ROUND VARIANT BODY (the instances of MODE, the request body BODY)
  local scenario=$1 mode=$2 round=$3 variant=$4 name=${4}_$2 body=$5
  local url="http://127.0.0.1:${HPORT[$name]}/anthropic/v1/messages" out=$TMP/wrk_${scenario}_${variant}_$round.txt w
  BENCH_RUN_ID="$scenario.$variant.$round.warm" taskset -c "$LCORE" wrk -t1 -c"$CONNS" -d"$WARMUP" -s "$TMP/$body.lua" "$url" \
    >"$out.warm" 2>&1 || true
  local ticks_before ticks_after
  ticks_before=$(cpu_ticks "${HPID[$name]}")
  BENCH_RUN_ID="$scenario.$variant.$round" taskset -c "$LCORE" wrk -t1 -c"$CONNS" -d"$DUR" --latency --timeout 10s \
    -s "$TMP/$body.lua" "$url" >"$out" 2>&1 || true
  ticks_after=$(cpu_ticks "${HPID[$name]}")
  local res
  res=$(sed -n 's/^RESULT //p' "$out")
  [[ -n $res ]] || { log "wrk produced no result for $scenario/$variant"; res='{"requests":0}'; }
  res="${res%\}},\"cpu_ticks\":$((ticks_after - ticks_before)),\"clk_tck\":$CLK_TCK}"
  for f in "$out.warm" "$out"; do
    w=$(sed -n 's/^RESULT .*"requests":\([0-9]*\).*/\1/p' "$f")
    SERVED[$name]=$((SERVED[$name] + ${w:-0}))
  done
  printf '{"kind":"wrk","scenario":"%s","round":%d,"variant":"%s","wrk":%s}\n' "$scenario" "$round" "$variant" "$res" >>"$RESULTS"
  log "$scenario round $round $variant: $(sed -n 's/^Requests\/sec: *//p' "$out") req/s"
}

for sc in "json_c$CONNS json json" "sse_c$CONNS sse sse" "agent_c$CONNS json agent"; do
  read -r scenario mode body <<<"$sc"
  if [[ -n $SCENARIO_FILTER && ! $scenario =~ $SCENARIO_FILTER ]]; then continue; fi
  rounds=$ROUNDS
  # The agent scenario stores ~100 KB per request with content: fewer rounds keep logs.db to a few GB.
  [[ $body == agent ]] && rounds=$((ROUNDS < AGENT_ROUNDS ? ROUNDS : AGENT_ROUNDS))
  for ((round = 1; round <= rounds; round++)); do
    order=("${VARIANTS[@]}")
    ((round % 2 == 0)) && order=(content meta off)
    for v in "${order[@]}"; do measure "$scenario" "$mode" "$round" "$v" "$body"; done
  done
done

stored_total() { # BASE_URL: the request log's record count (0 when the log is off)
  curl -s --max-time 5 "$1/api/logs?limit=1" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).pagination.total_count)}catch{console.log(0)}})'
}
# What the logging instances stored (the writer may still be draining: wait, bounded, for it to settle).
for v in meta content; do
  for mode in json sse; do
    name=${v}_$mode
    base="http://127.0.0.1:${HPORT[$name]}"
    stored=0 dropped=0
    for ((i = 0; i < 60; i++)); do
      stored=$(stored_total "$base")
      dropped=$(curl -s --max-time 5 "$base/api/logs/dropped" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).dropped_requests)}catch{console.log(0)}})')
      ((stored + dropped >= SERVED[$name])) && break
      sleep 1
    done
    printf '{"kind":"stored","instance":"%s","served":%d,"stored":%d,"dropped":%d,"db_bytes":%d}\n' "$name" "${SERVED[$name]}" \
      "$stored" "$dropped" "$(cat "$TMP/$name"/logs.db* 2>/dev/null | wc -c)" >>"$RESULTS"
    log "$name: served ${SERVED[$name]}, stored $stored, dropped $dropped"
  done
done

# Instructions per request (BENCH_INSTRUCTIONS, on when valgrind is installed): each variant once more,
# a fresh instance under callgrind, counting the user-space instructions its threads execute for the
# requests of one measured run (kernel time is not counted). Unlike time, the count does not move with
# the VM's speed: it shows what logging adds to the proxy's own work, the writer thread apart.
INSTR=${BENCH_INSTRUCTIONS:-auto}
[[ $INSTR == auto ]] && { command -v valgrind >/dev/null && command -v callgrind_control >/dev/null && INSTR=1 || INSTR=0; }
wait_stored() { # BASE_URL COUNT: until the writer has stored COUNT records (bounded)
  local i
  for ((i = 0; i < 100; i++)); do
    (($(stored_total "$1") >= $2)) && return 0
    sleep 0.1
  done
  log "instructions: the writer did not store $2 records in time"
}
wrk_requests() { sed -n 's/^RESULT .*"requests":\([0-9]*\).*/\1/p' "$1"; }
if ((INSTR)); then
  for sc in "json json" "sse sse" "agent json"; do
    read -r scenario mode <<<"$sc"
    if [[ -n $SCENARIO_FILTER && ! ${scenario}_c$CONNS =~ $SCENARIO_FILTER ]]; then continue; fi
    for v in "${VARIANTS[@]}"; do
      name=${v}_$mode
      dir=$TMP/instr_${scenario}_$v
      mkdir -p "$dir/app"
      read -r port < <(free_ports 1)
      taskset -c "$PCORE" valgrind --tool=callgrind --separate-threads=yes --instr-atstart=no \
        --callgrind-out-file="$dir/cg.%p" "$TMP/heimdall" serve --host 127.0.0.1 --port "$port" --app-dir "$dir/app" \
        --config "$TMP/$name/config.json" --workers 1 --log-level warn --drain-timeout 1 >"$dir/out" 2>&1 &
      pid=$!
      PIDS+=("$pid")
      wait_port "$port" "$pid" 60 || { cat "$dir/out" >&2; exit 1; }
      url="http://127.0.0.1:$port/anthropic/v1/messages"
      BENCH_RUN_ID="instr.$scenario.$v.warm" taskset -c "$LCORE" wrk -t1 -c8 -d3s -s "$TMP/$scenario.lua" "$url" >"$dir/warm" 2>&1 || true
      logged=0
      [[ $v != off ]] && logged=$(wrk_requests "$dir/warm") && wait_stored "http://127.0.0.1:$port" "$logged"
      callgrind_control -i on "$pid" >/dev/null 2>&1
      BENCH_RUN_ID="instr.$scenario.$v" taskset -c "$LCORE" wrk -t1 -c8 -d10s -s "$TMP/$scenario.lua" "$url" >"$dir/run" 2>&1 || true
      n=$(wrk_requests "$dir/run")
      [[ $v != off ]] && wait_stored "http://127.0.0.1:$port" $((logged + n))
      callgrind_control -i off "$pid" >/dev/null 2>&1
      kill -INT "$pid"
      wait "$pid" 2>/dev/null || true
      # The writer is the thread that ran LogWriter::run; every other thread counts as the proxy's.
      writer=0 proxy=0
      for f in "$dir"/cg.*; do
        ir=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$f")
        [[ -n $ir ]] || continue
        if grep -q 'LogWriter::run' "$f"; then writer=$((writer + ir)); else proxy=$((proxy + ir)); fi
      done
      printf '{"kind":"instr","scenario":"%s_c%s","variant":"%s","requests":%d,"proxy_ir":%d,"writer_ir":%d}\n' \
        "$scenario" "$CONNS" "$v" "${n:-0}" "$proxy" "$writer" >>"$RESULTS"
      log "instructions $scenario $v: $n requests, $((proxy / ${n:-1})) + $((writer / ${n:-1})) per request"
      rm -rf "$dir/app"
    done
  done
fi

node -e 'console.log(JSON.stringify({kind:"meta", ...JSON.parse(process.argv[1])}))' "$(
  cat <<EOF
{"commit":"${BENCH_COMMIT:-$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}",
 "date":"$(date -u '+%Y-%m-%d %H:%M UTC')", "date_start":"$META_START", "binary_mtime":"$BIN_MTIME",
 "cpus":$(nproc), "cpu_model":"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo | tr -d '"')",
 "duration":"$DUR", "warmup":"$WARMUP", "rounds":$ROUNDS, "agent_rounds":$AGENT_ROUNDS, "agent_sessions":$AGENT_SESSIONS, "agent_turns":$AGENT_TURNS, "conns":$CONNS, "proxy_core":$PCORE, "load_core":$LCORE,
 "load_waited_s":$LOAD_WAITED, "loadavg_before":"$META_LOAD_BEFORE", "loadavg_after":"$(cut -d' ' -f1-3 /proc/loadavg)"}
EOF
)" >>"$RESULTS"

mkdir -p "$(dirname "$OUT")"
cp "$RESULTS" "${OUT%.md}.jsonl"
node "$HERE/logging_report.mjs" "$RESULTS" >"$TMP/report.md"
cp "$TMP/report.md" "$OUT"
cat "$TMP/report.md"
log "report written to $OUT (raw data: ${OUT%.md}.jsonl)"
