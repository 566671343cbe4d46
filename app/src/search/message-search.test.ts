import { describe, expect, it, vi } from 'vitest';
import { MessageSearch, type WorkerLike } from './message-search.ts';
import type { SearchAnswer, SearchRequest } from './protocol.ts';

function fakeWorker() {
  const sent: SearchRequest[] = [];
  const terminate = vi.fn();
  const worker: WorkerLike = {
    postMessage: (m) => sent.push(m),
    onmessage: null,
    terminate,
  };
  return { worker, sent, terminate };
}

const message = (id: string, author = 'u_ann') => ({
  id,
  conversationId: 'c_one',
  author,
  text: 'hi there',
  sentAt: 1,
});

describe('the page side of search', () => {
  it('holds the changes made before the worker starts and hands them over with the start; server lines never', async () => {
    const { worker, sent, terminate } = fakeWorker();
    const search = new MessageSearch('u_me', () => worker);
    search.indexed('conv:c_one:seg:3', [message('m000000001'), message('m000000002', 'system')], []);
    search.indexed('user:u_me', [message('m000000003')], []);
    expect(sent).toEqual([]);
    const answer = search.search('hi');
    expect(sent.map((m) => m.kind)).toEqual(['open', 'index', 'search']);
    expect(sent[1]).toEqual({
      kind: 'index',
      put: [{ ...message('m000000001'), segment: 3 }],
      removed: [],
    });
    const ask = sent[2]!.kind === 'search' ? sent[2]!.ask : 0;
    worker.onmessage?.({ data: { kind: 'results', ask, hits: [] } } as unknown as MessageEvent<SearchAnswer>);
    await expect(answer).resolves.toEqual([]);
    search.indexed('conv:c_one:seg:3', [], ['m000000001']);
    expect(sent.at(-1)).toEqual({ kind: 'index', put: [], removed: ['m000000001'] });
    search.dispose();
    expect(sent.at(-1)).toEqual({ kind: 'close' });
    expect(terminate).toHaveBeenCalled();
  });

  it('does nothing where there are no workers', async () => {
    const search = new MessageSearch('u_me', () => null);
    search.indexed('conv:c_one:seg:0', [message('m000000001')], []);
    await expect(search.search('hi')).resolves.toEqual([]);
  });
});
