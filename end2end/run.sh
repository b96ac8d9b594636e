#!/usr/bin/env bash
# Runs the Playwright suite against a built Ferrodesk, once on SQLite and
# once on PostgreSQL (skipped with a visible message when no server answers;
# required when CI=true). Mail goes to the suite's own SMTP sink.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# Arguments go to Playwright, e.g. a spec file to run alone.
playwright_args=("$@")
bin="${FERRODESK_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/ferrodesk}"
site="${LEPTOS_SITE_ROOT:-$root/target/site}"
pg_admin_url="${FERRODESK_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}"
work="$(mktemp -d)"
logs="$root/target/e2e-logs"
mkdir -p "$logs"
sink_pid=""
server_pid=""
pg_db=""

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  [ -n "$pg_db" ] && psql "$pg_admin_url" -qc "drop database if exists $pg_db with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export SINK_SMTP_PORT="${SINK_SMTP_PORT:-2525}" SINK_HTTP_PORT="${SINK_HTTP_PORT:-2580}"
export SINK_URL="http://127.0.0.1:$SINK_HTTP_PORT"
(cd "$root/end2end" && exec node smtp-sink.mjs) >"$work/sink.log" 2>&1 &
sink_pid=$!

export E2E_ADMIN_EMAIL="admin@e2e.example.test"
export E2E_ADMIN_PASSWORD="e2e-$(date +%s)-staff-passphrase"

run_suite() {
  local name="$1" database_url="$2" port="$3"
  echo "==> end-to-end suite on $name"
  export FERRODESK_DATA_DIR="$work/$name" DATABASE_URL="$database_url"
  export FERRODESK_BIND="127.0.0.1:$port" FERRODESK_PUBLIC_URL="http://127.0.0.1:$port"
  export FERRODESK_SMTP_URL="smtp://127.0.0.1:$SINK_SMTP_PORT" LEPTOS_SITE_ROOT="$site"
  # The suite signs in many times from one address.
  export FERRODESK_LOGIN_LIMIT_PER_IP=10000 FERRODESK_SIGNUP_LIMIT_PER_IP=10000 FERRODESK_RESET_LIMIT_PER_IP=10000
  # The shared admin account signs in once per test.
  export FERRODESK_LOGIN_LIMIT_PER_ACCOUNT=10000 FERRODESK_TICKET_LIMIT_PER_ACCOUNT=10000
  FERRODESK_ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD" "$bin" admin create --email "$E2E_ADMIN_EMAIL" --name "E2E Admin"
  "$bin" serve >"$logs/server-$name.log" 2>&1 &
  server_pid=$!
  local status=0 report="$logs/playwright-$name.log"
  (cd "$root/end2end" && BASE_URL="http://127.0.0.1:$port" npx playwright test "${playwright_args[@]+"${playwright_args[@]}"}") \
    2>&1 | tee "$report" || status=$?
  kill "$server_pid" && wait "$server_pid" || true
  server_pid=""
  if [ "$status" -ne 0 ]; then
    echo "--- server log ($name), last lines ---"; tail -n 60 "$logs/server-$name.log"
    # Last, so that the tail of CI's output names what failed.
    echo "--- what failed on $name ---"
    grep -E '^\s+[0-9]+\) |^\s+(Error|expect)|✘' "$report" | head -n 60 || true
    sed -n '/^  [0-9]* failed/,$p' "$report"
    return "$status"
  fi
}

run_suite sqlite "" 3110

if psql "$pg_admin_url" -qtAc "select 1" >/dev/null 2>&1; then
  pg_db="ferrodesk_e2e_$$_$(date +%s)"
  psql "$pg_admin_url" -qc "create database $pg_db" >/dev/null
  run_suite postgres "${pg_admin_url%/*}/$pg_db" 3111
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL is not reachable at $pg_admin_url, and CI requires it." >&2
  exit 1
else
  echo "SKIPPED: end-to-end suite on PostgreSQL (no server at $pg_admin_url)"
fi
