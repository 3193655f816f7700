#!/usr/bin/env bash
# Installs what is needed and runs every test; ends with the runner's
# `N passed, N failed` line and exits with the tests' status.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

redis_env="$(bash scripts/ensure-redis.sh)" || { echo "could not start redis"; echo "0 passed, 1 failed"; exit 1; }
eval "$redis_env"

stop_redis() {
  if [[ -n "${VAULTX_TEST_REDIS_PIDFILE:-}" && -f "$VAULTX_TEST_REDIS_PIDFILE" ]]; then
    local pid
    pid="$(cat "$VAULTX_TEST_REDIS_PIDFILE")"
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
    rm -rf "$(dirname "$VAULTX_TEST_REDIS_PIDFILE")"
  fi
}
trap stop_redis EXIT

# -s: no pnpm banner or ELIFECYCLE line after the runner's closing `N passed, N failed`
pnpm -s test "$@"
status=$?
exit $status
