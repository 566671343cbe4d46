export { ConfigError, loadConfig, type Config, type LogLevel } from './config.ts';
