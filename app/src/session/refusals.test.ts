import { describe, expect, it } from 'vitest';
import type { CloseReason, DenyReason } from '@messenjo/shared';
import { RefusalLog, refusalText } from './refusals.ts';

function source() {
  const listeners = new Set<(docId: string, reason: CloseReason | DenyReason) => void>();
  return {
    onRefused(listener: (docId: string, reason: CloseReason | DenyReason) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    refuse: (docId: string, reason: CloseReason | DenyReason) => listeners.forEach((l) => l(docId, reason)),
    get listening() {
      return listeners.size;
    },
  };
}

describe('refusals the person is told about', () => {
  it('keeps the latest refusal with its conversation until dismissed, and stops listening when disposed', () => {
    const client = source();
    const log = new RefusalLog(client, () => 42);
    expect(log.latest.get()).toBeNull();
    client.refuse('conv:c_abc:seg:3', 'update_too_large');
    expect(log.latest.get()).toEqual({ conversationId: 'c_abc', reason: 'update_too_large', at: 42 });
    client.refuse('user:u_me', 'update_schema');
    expect(log.latest.get()).toEqual({ reason: 'update_schema', at: 42 });
    log.dismiss();
    expect(log.latest.get()).toBeNull();
    log.dispose();
    expect(client.listening).toBe(0);
  });

  it('says what was not sent and why, naming the conversation, never a code', () => {
    const tooLarge = refusalText({ conversationId: 'c', reason: 'update_too_large', at: 0 }, 'Weekend');
    expect(tooLarge).toContain('in Weekend');
    expect(tooLarge).toContain('too large');
    expect(refusalText({ conversationId: 'c', reason: 'update_not_writable', at: 0 }, undefined)).toBe(
      'Messages written in a conversation could not be sent: you can no longer write there.',
    );
    const settings = refusalText({ reason: 'update_schema', at: 0 }, undefined);
    expect(settings).not.toContain(' in ');
    expect(settings).not.toMatch(/update_|\d{4}/);
  });
});
