import { describe, expect, it } from 'vitest';
import { Store } from '../lib/store.ts';
import { unsentWarning } from './sign-out.ts';
import { showUnreadTotal, titleWithUnread } from './unread-badge.ts';

describe('unread total', () => {
  it('puts the total in the title and on the app badge, and takes it away', async () => {
    const total = new Store(3);
    const doc = { title: '' };
    const badge: (number | null)[] = [];
    const stop = showUnreadTotal(total, doc, {
      setAppBadge: (n) => Promise.resolve(void badge.push(n ?? null)),
      clearAppBadge: () => Promise.resolve(void badge.push(null)),
    });
    expect(doc.title).toBe('(3) Messenjo');
    total.set(0);
    expect(doc.title).toBe('Messenjo');
    total.set(12);
    stop();
    expect(doc.title).toBe(titleWithUnread(0));
    await Promise.resolve();
    expect(badge).toEqual([3, null, 12, null]);
  });

  it('keeps the title when the browser has no app badge or refuses it', () => {
    const doc = { title: '' };
    showUnreadTotal(new Store(1), doc, {})();
    showUnreadTotal(new Store(2), doc, { setAppBadge: () => Promise.reject(new Error('not installed')) });
    expect(doc.title).toBe('(2) Messenjo');
  });
});

describe('sign-out warning', () => {
  it('warns only when something is unsent, saying it will be lost', () => {
    expect(unsentWarning(0)).toBeNull();
    expect(unsentWarning(1)).toMatch(/^1 message or change has not been sent yet.*lost/);
    expect(unsentWarning(4)).toMatch(/^4 messages or changes have/);
  });
});
