import { createHash } from 'node:crypto';
import type { DeclarativePushPayload, PushMessagePayload } from '@messenjo/shared';

/** What a push is about, before it is shaped for one endpoint. */
export type PushNotice = Omit<PushMessagePayload, 'v'>;

/** Apple's push service: the browsers behind it read Declarative Web Push (Safari 18.4+). */
export function isApplePushEndpoint(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname.toLowerCase();
    return host === 'web.push.apple.com' || host.endsWith('.push.apple.com');
  } catch {
    return false;
  }
}

/**
 * The bytes a push carries to one endpoint: the Declarative Web Push JSON for Apple's service
 * (Safari shows it without our service worker; `mutable` lets the worker take it when it is
 * there, for the badge), the app's own small JSON for the others (read by our service worker).
 * Either way: the text shown, where a click goes, and the conversation; no ids of people.
 */
export function encodePush(endpoint: string, notice: PushNotice, publicUrl: URL): string {
  if (!isApplePushEndpoint(endpoint)) return JSON.stringify({ v: 1, ...notice } satisfies PushMessagePayload);
  const declarative: DeclarativePushPayload = {
    web_push: 8030,
    notification: {
      title: notice.title,
      body: notice.body,
      navigate: new URL(notice.url, publicUrl).href,
      tag: notice.tag,
      silent: false,
      data: {
        url: notice.url,
        at: notice.at,
        kind: notice.kind,
        ...(notice.conversationId ? { conversationId: notice.conversationId } : {}),
      },
    },
    mutable: true,
  };
  return JSON.stringify(declarative);
}

/**
 * RFC 8030 `Topic` for a conversation: a newer push replaces one still waiting at the push
 * service. At most 32 base64url characters, and it tells the push service nothing: a hash.
 */
export function topicOf(conversationId: string): string {
  return createHash('sha256').update(`messenjo-topic:${conversationId}`).digest('base64url').slice(0, 32);
}
