export * from './chunk-store-service.ts';
export * from './http.ts';
export { defaultCodecWorkers } from './codec-pool.ts';
export { zstdAvailable } from './zstd.ts';
