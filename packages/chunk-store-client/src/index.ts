export * from './api.ts';
export * from './http-client.ts';
