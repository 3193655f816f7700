import type { GatewayDeps } from './deps.ts';
import { createS3App } from './s3/app.ts';
import { createAdminApp } from './admin/admin-app.ts';

export interface StartedGateway {
  close(): Promise<void>;
}

/** Starts the S3 endpoint and the admin endpoint. */
export async function startGateway(deps: GatewayDeps & { adminToken: string }): Promise<StartedGateway> {
  const s3 = createS3App(deps);
  const admin = createAdminApp(deps, deps.adminToken);
  await s3.listen({ host: deps.config.bind, port: deps.config.s3Port });
  await admin.listen({ host: deps.config.bind, port: deps.config.adminPort });
  deps.logger.info({ s3Port: deps.config.s3Port, adminPort: deps.config.adminPort }, `S3 endpoint on ${deps.config.bind}:${deps.config.s3Port}, admin on ${deps.config.bind}:${deps.config.adminPort}`);
  return {
    async close() {
      await Promise.all([s3.close(), admin.close()]);
    },
  };
}
