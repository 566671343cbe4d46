/**
 * W10's page script (bundled by the workload): starts the worker, hands it the corpus and times
 * each query as the app's main thread would see it, from `postMessage` to the answer.
 */
import type { CorpusMessage } from './corpus.ts';
import type { Engine, WorkerAnswer, WorkerRequest } from './w10-worker.ts';

const worker = new Worker('./w10-worker.js', { type: 'module' });

function ask(request: WorkerRequest): Promise<WorkerAnswer> {
  return new Promise((resolve) => {
    worker.onmessage = (event: MessageEvent<WorkerAnswer>) => resolve(event.data);
    worker.postMessage(request);
  });
}

async function build(engine: Engine): Promise<WorkerAnswer> {
  const messages = (await (await fetch('./corpus.json')).json()) as CorpusMessage[];
  return ask({ kind: 'build', engine, messages });
}

async function query(text: string, limit: number): Promise<{ ids: string[]; ms: number; workerMs: number }> {
  const started = performance.now();
  const answer = await ask({ kind: 'query', query: text, limit });
  const ms = performance.now() - started;
  if (answer.kind === 'failed') throw new Error(answer.message);
  if (answer.kind !== 'results') throw new Error(`unexpected answer ${answer.kind}`);
  return { ids: answer.ids, ms, workerMs: answer.workerMs };
}

(globalThis as unknown as { w10: unknown }).w10 = { build, query };
