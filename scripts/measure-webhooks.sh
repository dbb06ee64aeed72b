#!/usr/bin/env bash
# Webhook intake throughput: one node with embedded defaults, a job with a signed webhook, and
# 16 concurrent clients sending signed deliveries for 20 s (after 3 s of warm-up). Prints accepted
# requests/s and latency. Needs: a built runtime/target/caravan.jar, curl, JDK 17 (runs the client
# as a single-file Java program). Uses a fresh data dir and port 18081.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18081}
CLIENTS=${CLIENTS:-16}
SECONDS_RUN=${SECONDS_RUN:-20}
DATA=$(mktemp -d)
TOKEN=measure-token
SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
export CARAVAN_HTTP_PORT=$PORT CARAVAN_DATA_DIR=$DATA CARAVAN_ADMIN_TOKEN=$TOKEN
java -jar runtime/target/caravan.jar > "$DATA/caravan.log" 2>&1 &
PID=$!
trap 'kill $PID 2> /dev/null; wait $PID 2> /dev/null; rm -rf "$DATA"' EXIT
until curl -sf "http://127.0.0.1:$PORT/health" > /dev/null; do sleep 0.1; done
curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -X POST "http://127.0.0.1:$PORT/api/v1/jobs" -d '{"id": "orders-hook",
  "triggers": [{"type": "webhook", "secret": "'$SECRET'"}],
  "steps": [{"id": "note", "type": "set", "variables": {"order": "{{ webhook.payload.order }}"}}]}' > /dev/null
java scripts/WebhookBench.java "http://127.0.0.1:$PORT/hooks/orders-hook" "$SECRET" "$CLIENTS" "$SECONDS_RUN"
