#!/usr/bin/env bash
# Start the action server and the Rasa server, then either open the terminal chat (chat)
# or wait in the foreground (serve). Ctrl-C, SIGINT or SIGTERM stops both; nothing is left.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-chat}
PY=.venv/bin/python
RASA=.venv/bin/rasa
RASA_PORT=${RASA_PORT:-5005}
ACTION_PORT=${ACTION_PORT:-5055}
MODEL=${MODEL:-models/rasa/coach.tar.gz}
LOG_DIR=var/log
mkdir -p "$LOG_DIR"
export RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -f "${endpoints:-}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

endpoints=$(mktemp -t coach-endpoints.XXXXXX.yml)
sed "s#http://localhost:5055/webhook#http://127.0.0.1:${ACTION_PORT}/webhook#" endpoints.yml > "$endpoints"

"$PY" -m bot db upgrade
"$PY" -m rasa_sdk --actions actions --port "$ACTION_PORT" > "$LOG_DIR/actions.log" 2>&1 &
pids+=($!)

api_args=()
if [[ -n "${RASA_API_TOKEN:-}" ]]; then
  api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
fi
if [[ "$mode" == chat ]]; then
  "$RASA" run -m "$MODEL" --endpoints "$endpoints" --credentials credentials.yml \
    -i 127.0.0.1 -p "$RASA_PORT" "${api_args[@]}" > "$LOG_DIR/rasa.log" 2>&1 &
else
  "$RASA" run -m "$MODEL" --endpoints "$endpoints" --credentials credentials.yml \
    -p "$RASA_PORT" --cors "${CORS_ORIGIN:-http://localhost}" "${api_args[@]}" 2>&1 | tee "$LOG_DIR/rasa.log" &
fi
pids+=($!)

echo "Starting the coach (the first start takes about a minute; logs in $LOG_DIR/)..."
"$PY" -m bot wait --url "http://127.0.0.1:${RASA_PORT}" --actions "http://127.0.0.1:${ACTION_PORT}" --timeout 300

if [[ "$mode" == chat ]]; then
  "$PY" -m bot chat --url "http://127.0.0.1:${RASA_PORT}"
else
  echo "Serving: REST http://localhost:${RASA_PORT}/webhooks/rest/webhook, socket.io on the same port;"
  if [[ -n "${RASA_API_TOKEN:-}" ]]; then api_state="enabled (token from RASA_API_TOKEN)"; else api_state="disabled (set RASA_API_TOKEN to enable it)"; fi
  echo "actions on ${ACTION_PORT}. HTTP API: ${api_state}. Ctrl-C stops both."
  wait -n "${pids[@]}"
fi
