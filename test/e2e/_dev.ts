import { startVaultx } from './harness.ts';
const v = await startVaultx({ wiring: (process.argv[2] ?? 'single') as any });
console.log(JSON.stringify({ endpoint: v.endpoint, admin: v.adminUrl, dataDir: v.dataDir, logs: v.logFiles, pids: v.pids }));
process.on('SIGTERM', async () => { await v.dispose(); process.exit(0); });
setInterval(() => {}, 1 << 30);
