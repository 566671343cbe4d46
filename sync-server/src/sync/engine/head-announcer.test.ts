import { decodeServerFrame } from '@messenjo/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Fanout } from './fanout.ts';
import { HeadAnnouncer } from './head-announcer.ts';

/** The heads published, as [docId, seq] in order, and the socket each was kept from. */
function recorder(): { fanout: Fanout<string>; heads: [string, number][]; origins: (string | null)[] } {
  const heads: [string, number][] = [];
  const origins: (string | null)[] = [];
  const fanout: Fanout<string> = {
    subscribe: () => () => {},
    unsubscribe: () => {},
    subscriberCount: () => 1,
    publish: (_topic, frame, origin) => {
      const decoded = decodeServerFrame(frame);
      const f = decoded.kind === 'frame' ? decoded.frame : null;
      if (f?.type === 'head') {
        heads.push([f.docId, f.seq]);
        origins.push(origin);
      }
    },
  };
  return { fanout, heads, origins };
}

describe('[HD1] head announcements', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('announces a quiet document’s commit at once, one head per document for a batch', async () => {
    const { fanout, heads } = recorder();
    const announcer = new HeadAnnouncer(fanout, 250, () => Date.now());
    announcer.announce('a', 1);
    announcer.announce('a', 3);
    announcer.announce('b', 2);
    expect(heads).toEqual([]); // after the batch's acks, not before
    await Promise.resolve();
    expect(heads).toEqual([
      ['a', 3],
      ['b', 2],
    ]);
  });

  it('gives a busy document with no relays one head per interval and ride wait, carrying the newest seq', async () => {
    const { fanout, heads } = recorder();
    const announcer = new HeadAnnouncer(fanout, 250, () => Date.now(), 250);
    announcer.announce('a', 1);
    await Promise.resolve();
    for (let seq = 2; seq <= 9; seq++) {
      vi.advanceTimersByTime(20);
      announcer.announce('a', seq);
      await Promise.resolve();
    }
    expect(heads).toEqual([['a', 1]]);
    // The interval passed: the head waits for a relay to ride with...
    vi.advanceTimersByTime(250 - 8 * 20);
    expect(heads).toEqual([['a', 1]]);
    // ...and goes alone when the ride wait ends.
    vi.advanceTimersByTime(250);
    expect(heads).toEqual([
      ['a', 1],
      ['a', 9],
    ]);
    // Nothing committed since: no empty repeat.
    vi.advanceTimersByTime(1000);
    expect(heads).toHaveLength(2);
    // Quiet for longer than the interval and the ride wait: the next commit is announced at once again.
    announcer.announce('a', 10);
    await Promise.resolve();
    expect(heads.at(-1)).toEqual(['a', 10]);
    announcer.close();
  });

  it('sends a due head with the first relay after the interval, kept from the relay’s sender', async () => {
    const { fanout, heads, origins } = recorder();
    const announcer = new HeadAnnouncer(fanout, 250, () => Date.now(), 250);
    announcer.announce('a', 1);
    await Promise.resolve();
    vi.advanceTimersByTime(100);
    announcer.announce('a', 2);
    announcer.ride('a', 'laptop'); // within the interval: no head yet
    expect(heads).toEqual([['a', 1]]);
    vi.advanceTimersByTime(160);
    announcer.ride('b', 'laptop'); // nothing due for b
    announcer.ride('a', 'phone');
    expect(heads).toEqual([
      ['a', 1],
      ['a', 2],
    ]);
    expect(origins).toEqual([null, 'phone']);
    // Ridden: the timer has nothing left to send alone.
    vi.advanceTimersByTime(1000);
    expect(heads).toHaveLength(2);
    announcer.ride('a', 'phone'); // nothing due
    expect(heads).toHaveLength(2);
    announcer.close();
  });

  it('does not hold a document back for another one’s interval', async () => {
    const { fanout, heads } = recorder();
    const announcer = new HeadAnnouncer(fanout, 250, () => Date.now(), 250);
    announcer.announce('a', 1);
    await Promise.resolve();
    vi.advanceTimersByTime(100);
    announcer.announce('b', 1);
    await Promise.resolve();
    announcer.announce('b', 2); // b's next head goes alone at 600
    announcer.announce('a', 2); // a's at 500
    vi.advanceTimersByTime(400);
    expect(heads).toEqual([
      ['a', 1],
      ['b', 1],
      ['a', 2],
    ]);
    vi.advanceTimersByTime(100);
    expect(heads.at(-1)).toEqual(['b', 2]);
    announcer.close();
  });
});
