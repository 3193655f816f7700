/**
 * The `vaultx` entry point: runs any set of services in one process.
 *   --services=all                      everything in-process (the default)
 *   --services=metadata | chunk-store   one internal service on its own port
 *   --services=lifecycle                the chunk collector (and later jobs), reaching the
 *                                       others at VAULTX_METADATA_URL / VAULTX_CHUNK_STORE_URL
 *   --services=gateway                  the S3 + admin endpoints, reaching the
 *                                       others at VAULTX_METADATA_URL / VAULTX_CHUNK_STORE_URL
 * Services in the same process call each other directly; across processes
 * they speak internal HTTP.
 */
import { ConfigError, createLogger, loadConfig } from '@vaultx/service-kit';
import { parseServices, UsageError } from './args.ts';
import { resolveCredentials } from './credentials.ts';
import { startServices } from './start.ts';

async function main(): Promise<void> {
  const services = parseServices(process.argv.slice(2));
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const creds = await resolveCredentials(config);
  if (creds.generated) {
    process.stdout.write(
      [
        '',
        'VaultX generated credentials on first start (stored in ' + config.dataDir + '/credentials.json):',
        `  Root access key: ${creds.rootAccessKey}`,
        `  Root secret key: ${creds.rootSecretKey}`,
        `  Admin token:     ${creds.adminToken}`,
        '',
      ].join('\n') + '\n',
    );
  }
  const running = await startServices({ services, config, logger, creds });

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  if (e instanceof UsageError || e instanceof ConfigError) {
    process.stderr.write(`vaultx: ${e.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`vaultx: failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
