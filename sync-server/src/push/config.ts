import { ConfigError } from '../config/config-error.ts';

/** Web Push configuration from the environment (all optional). */
export interface PushConfig {
  /**
   * Hosts the server sends pushes to: exact names, or `*.suffix` for any subdomain. The server
   * POSTs to whatever endpoint a device registers, so only push services are allowed (no
   * request to an address of the server's own network on a user's say-so).
   */
  serviceHosts: readonly string[];
  /** VAPID `sub`: a mailto: or https: contact; by default derived from PUBLIC_URL. */
  subject: string | undefined;
}

/**
 * The push services of today's browsers: Chrome, Edge's Chromium builds on Android, Opera,
 * Brave, Samsung (Firebase Cloud Messaging), Firefox (Mozilla autopush), Safari (Apple),
 * Edge on Windows (WNS).
 */
export const DEFAULT_PUSH_SERVICE_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.push.apple.com',
  '*.notify.windows.com',
];

export const DEFAULT_PUSH_CONFIG: PushConfig = {
  serviceHosts: DEFAULT_PUSH_SERVICE_HOSTS,
  subject: undefined,
};

const HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function readPushConfig(env: NodeJS.ProcessEnv): PushConfig {
  const rawHosts = env.PUSH_SERVICE_HOSTS?.trim();
  let serviceHosts = DEFAULT_PUSH_SERVICE_HOSTS;
  if (rawHosts) {
    serviceHosts = rawHosts.split(',').map((host) => host.trim().toLowerCase());
    const bad = serviceHosts.find((host) => !HOST.test(host));
    if (bad !== undefined)
      throw new ConfigError(
        'PUSH_SERVICE_HOSTS',
        `"${bad}" is not a host name or *.suffix (comma-separated list)`,
      );
  }
  const subject = env.VAPID_SUBJECT?.trim() || undefined;
  if (subject !== undefined && !/^(mailto:[^\s@]+@[^\s@]+|https:\/\/[^\s/]+.*)$/.test(subject)) {
    throw new ConfigError('VAPID_SUBJECT', `"${subject}" must be a mailto: address or an https: URL`);
  }
  return { serviceHosts, subject };
}

/** Whether the server may send to this endpoint's host. */
export function isAllowedPushHost(endpoint: string, serviceHosts: readonly string[]): boolean {
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return false;
  }
  return serviceHosts.some((allowed) =>
    allowed.startsWith('*.')
      ? host.endsWith(allowed.slice(1)) && host.length > allowed.length - 1
      : host === allowed,
  );
}

/**
 * RFC 8292's `sub`: the operator's choice, else the public https origin (Apple refuses a
 * localhost one), else a mailto: on the server's host name.
 */
export function vapidSubject(config: PushConfig, publicUrl: URL): string {
  if (config.subject) return config.subject;
  if (publicUrl.protocol === 'https:' && publicUrl.hostname !== 'localhost') return publicUrl.origin;
  return `mailto:messenjo@${publicUrl.hostname}`;
}
