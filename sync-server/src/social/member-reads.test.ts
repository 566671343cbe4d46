import { describe, expect, it } from 'vitest';
import { MemberReads } from './member-reads.ts';

describe('MemberReads', () => {
  it('reads the conversations asked within the window in one query, each its own members', async () => {
    const queries: string[][] = [];
    const reads = new MemberReads((ids) => {
      queries.push([...ids]);
      return Promise.resolve(
        new Map([
          ['c1', ['ann', 'ben']],
          ['c2', ['cat']],
        ]),
      );
    }, 5);
    const answers = await Promise.all([reads.of('c1'), reads.of('c2'), reads.of('c1'), reads.of('c3')]);
    expect(answers).toEqual([['ann', 'ben'], ['cat'], ['ann', 'ben'], []]);
    expect(queries).toEqual([['c1', 'c2', 'c3']]);
    // A later ask is a new read: the answer is never older than its window.
    await reads.of('c2');
    expect(queries).toHaveLength(2);
  });

  it('fails every ask of a window whose read failed, and reads again for the next', async () => {
    let fail = true;
    const reads = new MemberReads(
      () => (fail ? Promise.reject(new Error('database down')) : Promise.resolve(new Map([['c1', ['ann']]]))),
      5,
    );
    const asks = [reads.of('c1'), reads.of('c2')];
    await expect(asks[0]).rejects.toThrow('database down');
    await expect(asks[1]).rejects.toThrow('database down');
    fail = false;
    expect(await reads.of('c1')).toEqual(['ann']);
  });
});
