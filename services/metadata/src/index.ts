export { MetadataService } from './metadata-service.ts';
export * from './http.ts';
