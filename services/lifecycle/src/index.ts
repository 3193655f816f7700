export * from './collector.ts';
export * from './lifecycle-service.ts';
export * from './http.ts';
