#!/usr/bin/env bash
# Prints two figures of the spine: time from `java -jar` to healthy with embedded defaults, and the
# wall time of one 4-step execution (median of 20, queued -> completed as recorded by the node).
# Needs: a built runtime/target/caravan.jar, curl, python3. Uses a fresh data dir and port 18080.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18080}
DATA=$(mktemp -d)
TOKEN=measure-token
export CARAVAN_HTTP_PORT=$PORT CARAVAN_DATA_DIR=$DATA CARAVAN_ADMIN_TOKEN=$TOKEN
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }

start_and_wait() {
  local t0 t1
  t0=$(date +%s%N)
  java -jar runtime/target/caravan.jar > "$DATA/caravan-$1.log" 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/health" > /dev/null; do sleep 0.05; done
  t1=$(date +%s%N)
  echo "$1 start to healthy: $(( (t1 - t0) / 1000000 )) ms"
}
stop() { kill "$PID"; wait "$PID" 2> /dev/null || true; }

start_and_wait "first (empty data dir)"
stop
start_and_wait "second (data kept)"

api -X POST "http://127.0.0.1:$PORT/api/v1/jobs" -d '{"id": "four-steps", "steps": [
  {"id": "a", "type": "set", "variables": {"n": 21}},
  {"id": "b", "type": "log", "message": "n is {{ variables.n }}"},
  {"id": "c", "type": "sql", "connection": "local", "query": "select :n * 2 as answer", "parameters": {"n": "{{ variables.n }}"}},
  {"id": "d", "type": "set", "variables": {"answer": "{{ steps.c.output.rows[0].answer }}"}}]}' > /dev/null

for i in $(seq 1 25); do
  id=$(api -X POST "http://127.0.0.1:$PORT/api/v1/jobs/four-steps/executions" -d '{}' | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])')
  while :; do
    body=$(api "http://127.0.0.1:$PORT/api/v1/executions/$id")
    status=$(echo "$body" | python3 -c 'import sys, json; print(json.load(sys.stdin)["status"])')
    [[ $status == QUEUED || $status == RUNNING ]] || break
    sleep 0.01
  done
  [[ $status == SUCCESS ]] || { echo "execution $id ended $status"; stop; exit 1; }
  [[ $i -le 5 ]] && continue   # warm-up runs are not counted
  echo "$body"
done | python3 -c '
import sys, json, statistics
from datetime import datetime
ms = []
for line in sys.stdin:
    e = json.loads(line)
    t = lambda k: datetime.fromisoformat(e[k].replace("Z", "+00:00"))
    ms.append((t("completed_at") - t("created_at")).total_seconds() * 1000)
print(f"4-step execution, queued to completed: median {statistics.median(ms):.1f} ms over {len(ms)} runs (min {min(ms):.1f}, max {max(ms):.1f})")
'
stop
rm -rf "$DATA"
