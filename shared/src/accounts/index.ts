export * from './api.ts';
export * from './usernames.ts';
