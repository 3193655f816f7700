#!/usr/bin/env bash
# Installs what is needed and starts VaultX (all services in one process,
# embedded storage, data in ./data unless VAULTX_DATA_DIR says otherwise).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v pnpm >/dev/null 2>&1; then
  npm install -g pnpm
fi
if [[ -f pnpm-lock.yaml ]]; then
  pnpm install --frozen-lockfile || pnpm install
else
  pnpm install
fi
exec pnpm start
