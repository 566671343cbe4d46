/**
 * A bad configuration value: the message names the variable and what is allowed. In a file
 * of its own so that every feature reading its own variables (`accounts/config.ts`) can
 * throw it without importing the loader that calls them.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
