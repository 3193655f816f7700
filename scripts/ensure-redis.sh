#!/usr/bin/env bash
# Makes sure a Redis answers PING. If none answers at REDIS_URL (default
# redis://127.0.0.1:6379), starts a throwaway redis-server on a spare loopback
# port (daemonized, no persistence, pidfile in a temp dir) and prints, for the
# caller to eval:
#   export REDIS_URL=redis://127.0.0.1:PORT
#   export VAULTX_TEST_REDIS_PIDFILE=/tmp/.../redis.pid
# Stop it with: kill "$(cat "$VAULTX_TEST_REDIS_PIDFILE")".
set -euo pipefail

url="${REDIS_URL:-redis://127.0.0.1:6379}"
hostport="${url#redis://}"
hostport="${hostport##*@}"
hostport="${hostport%%/*}"
host="${hostport%%:*}"
port="${hostport##*:}"
[[ "$port" == "$hostport" ]] && port=6379

ping() { # host port
  if command -v redis-cli >/dev/null 2>&1; then
    [[ "$(redis-cli -h "$1" -p "$2" ping 2>/dev/null || true)" == "PONG" ]]
  else
    # bash /dev/tcp fallback
    local out
    out="$( (exec 3<>"/dev/tcp/$1/$2" && printf 'PING\r\n' >&3 && timeout 2 head -c 7 <&3) 2>/dev/null || true)"
    [[ "$out" == +PONG* ]]
  fi
}

if ping "$host" "$port"; then
  echo "export REDIS_URL=$url"
  exit 0
fi

if ! command -v redis-server >/dev/null 2>&1; then
  echo "ensure-redis: redis-server not installed (run scripts/setup.sh)" >&2
  exit 1
fi

spare_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

dir="$(mktemp -d "${TMPDIR:-/tmp}/vaultx-redis.XXXXXX")"
for _ in 1 2 3 4 5; do
  p="$(spare_port)"
  if redis-server --bind 127.0.0.1 --port "$p" --daemonize yes \
      --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$dir/redis.log" \
      --save '' --appendonly no >/dev/null 2>&1; then
    for _ in $(seq 1 50); do
      if ping 127.0.0.1 "$p"; then
        echo "export REDIS_URL=redis://127.0.0.1:$p"
        echo "export VAULTX_TEST_REDIS_PIDFILE=$dir/redis.pid"
        exit 0
      fi
      sleep 0.1
    done
    [[ -f "$dir/redis.pid" ]] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  fi
done
echo "ensure-redis: could not start redis-server (log: $dir/redis.log)" >&2
exit 1
