export * from './args.ts';
export * from './start.ts';
export * from './credentials.ts';
