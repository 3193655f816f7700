export * from './config.ts';
export * from './logger.ts';
export * from './metrics.ts';
export * from './request-id.ts';
export * from './service-app.ts';
export * from './health.ts';
export * from './rpc.ts';
export * from './internal-http.ts';
