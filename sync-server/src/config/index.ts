export { ConfigError } from './config-error.ts';
export { loadConfig, type Config, type LogLevel } from './config.ts';
export { withoutPassword, type DatabaseConfig } from './storage-config.ts';
