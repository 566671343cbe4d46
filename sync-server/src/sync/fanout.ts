import type { Disposer } from '../events/bus.ts';

/**
 * Delivers committed updates and awareness to the devices subscribed to a topic (a document id
 * or `awareness:<conversationId>`). In-process today; a Redis or NATS implementation would
 * carry the same messages to the other server processes' subscribers.
 */
export interface Fanout<Origin> {
  subscribe(topic: string, listener: FanoutListener<Origin>): Disposer;
  publish(topic: string, frame: Uint8Array, origin: Origin | null): void;
  subscriberCount(topic: string): number;
}

export type FanoutListener<Origin> = { origin: Origin; deliver: (frame: Uint8Array) => void };

export class InProcessFanout<Origin> implements Fanout<Origin> {
  private readonly topics = new Map<string, Set<FanoutListener<Origin>>>();

  subscribe(topic: string, listener: FanoutListener<Origin>): Disposer {
    const set = this.topics.get(topic) ?? new Set();
    this.topics.set(topic, set);
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.topics.get(topic) === set) this.topics.delete(topic);
    };
  }

  publish(topic: string, frame: Uint8Array, origin: Origin | null): void {
    for (const listener of this.topics.get(topic) ?? []) {
      if (listener.origin !== origin) listener.deliver(frame);
    }
  }

  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }
}

export const awarenessTopic = (conversationId: string): string => `awareness:${conversationId}`;
