export * from './deps.ts';
export * from './gateway.ts';
export { createS3App } from './s3/app.ts';
export { createAdminApp } from './admin/admin-app.ts';
