import { decodeServerFrame } from '@messenjo/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Peer } from './connection-host.ts';
import type { Fanout } from './fanout.ts';
import { HeadAnnouncer } from './head-announcer.ts';

/** The heads published, as [docId, seq] in order. */
function recorder(): { fanout: Fanout<Peer>; heads: [string, number][] } {
  const heads: [string, number][] = [];
  const fanout: Fanout<Peer> = {
    subscribe: () => () => {},
    unsubscribe: () => {},
    subscriberCount: () => 1,
    publish: (_topic, frame) => {
      const decoded = decodeServerFrame(frame);
      const f = decoded.kind === 'frame' ? decoded.frame : null;
      if (f?.type === 'head') heads.push([f.docId, f.seq]);
    },
  };
  return { fanout, heads };
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

  it('gives a busy document at most one head per interval, carrying the newest committed seq', async () => {
    const { fanout, heads } = recorder();
    const announcer = new HeadAnnouncer(fanout, 250, () => Date.now());
    announcer.announce('a', 1);
    await Promise.resolve();
    for (let seq = 2; seq <= 9; seq++) {
      vi.advanceTimersByTime(20);
      announcer.announce('a', seq);
      await Promise.resolve();
    }
    expect(heads).toEqual([['a', 1]]);
    vi.advanceTimersByTime(250 - 8 * 20);
    expect(heads).toEqual([
      ['a', 1],
      ['a', 9],
    ]);
    // Nothing committed since: no empty repeat.
    vi.advanceTimersByTime(1000);
    expect(heads).toHaveLength(2);
    // Quiet for longer than the interval: the next commit is announced at once again.
    announcer.announce('a', 10);
    await Promise.resolve();
    expect(heads.at(-1)).toEqual(['a', 10]);
    announcer.close();
  });

  it('does not hold a document back for another one’s interval', async () => {
    const { fanout, heads } = recorder();
    const announcer = new HeadAnnouncer(fanout, 250, () => Date.now());
    announcer.announce('a', 1);
    await Promise.resolve();
    vi.advanceTimersByTime(100);
    announcer.announce('b', 1);
    await Promise.resolve();
    announcer.announce('b', 2); // b's next head is due at 350
    announcer.announce('a', 2); // a's at 250
    vi.advanceTimersByTime(150);
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
