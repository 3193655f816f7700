/**
 * Starts a VaultX exactly as the e2e tests do (free loopback ports, test keys,
 * its own temp data dir), prints where it is, and keeps it running until
 * SIGTERM/SIGINT. Handy for poking at it by hand:
 *
 *   node --import tsx test/e2e/dev-server.ts [single|split]
 *   → {"endpoint":"http://127.0.0.1:PORT","admin":...,"accessKeyId":...,"secretAccessKey":...}
 */
import { startVaultx, type Wiring } from './harness.ts';

const v = await startVaultx({ wiring: (process.argv[2] ?? 'single') as Wiring });
console.log(
  JSON.stringify({
    endpoint: v.endpoint,
    admin: v.adminUrl,
    adminToken: v.adminToken,
    accessKeyId: v.accessKeyId,
    secretAccessKey: v.secretAccessKey,
    dataDir: v.dataDir,
    logs: v.logFiles,
    pids: v.pids,
  }),
);
const stop = async () => {
  await v.dispose();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);
