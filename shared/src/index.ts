export * from './errors.ts';
export * from './health.ts';
export * from './limits.ts';
export * from './accounts/index.ts';
export * from './social.ts';
