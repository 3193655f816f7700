#!/usr/bin/env bash
# Installs what VaultX's tests need on a fresh Debian machine that has only
# Node 20 and npm. Idempotent: skips whatever is already there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm"
  npm install -g pnpm
fi

# Debian packages: command -> package. The e2e tests use Debian's aws CLI at /usr/bin/aws.
declare -A want=(
  [/usr/bin/aws]=awscli
  [rclone]=rclone
  [restic]=restic
  [redis-server]=redis-server
  [curl]=curl
)
missing=()
for cmd in "${!want[@]}"; do
  if [[ "$cmd" == /* ]]; then
    [[ -x "$cmd" ]] || missing+=("${want[$cmd]}")
  else
    command -v "$cmd" >/dev/null 2>&1 || missing+=("${want[$cmd]}")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [[ "$(id -u)" != "0" ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
      echo "setup: need root (or sudo) to install: ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# zstd-napi (chunk compression) builds its native module from source at install
# (its prebuilt download is unreachable): point node-gyp at the installed Node
# headers instead of letting it download them. Without them the build fails,
# pnpm skips the optional module, and chunks fall back to DEFLATE.
if [[ -z "${npm_config_nodedir:-}" && -f /usr/include/node/node_api.h ]]; then
  export npm_config_nodedir=/usr
fi

if [[ -f pnpm-lock.yaml ]]; then
  pnpm install --frozen-lockfile
else
  pnpm install
fi
