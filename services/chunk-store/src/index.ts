export * from './chunk-store-service.ts';
export * from './http.ts';
