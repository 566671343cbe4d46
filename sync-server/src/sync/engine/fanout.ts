import type { Disposer } from '../../events/bus.ts';

/**
 * Delivers committed updates and awareness to the devices subscribed to a topic (a document id
 * or `awareness:<conversationId>`). In-process today; a Redis or NATS implementation would
 * carry the same messages to the other server processes' subscribers.
 */
export interface Fanout<Origin> {
  subscribe(topic: string, listener: FanoutListener<Origin>): Disposer;
  /** Like the subscribe's disposer, for a holder that keeps the listener rather than the disposer. */
  unsubscribe(topic: string, listener: FanoutListener<Origin>): void;
  publish(topic: string, frame: Uint8Array, origin: Origin | null): void;
  subscriberCount(topic: string): number;
}

export type FanoutListener<Origin> = { origin: Origin; deliver: (frame: Uint8Array) => void };

/** A topic's listeners, with the topic's name (the disposers hold this, not a copy of the name per listener). */
interface Topic<Origin> {
  readonly name: string;
  readonly listeners: Set<FanoutListener<Origin>>;
}

export class InProcessFanout<Origin> implements Fanout<Origin> {
  private readonly topics = new Map<string, Topic<Origin>>();

  subscribe(name: string, listener: FanoutListener<Origin>): Disposer {
    let topic = this.topics.get(name);
    if (!topic) this.topics.set(name, (topic = { name, listeners: new Set() }));
    topic.listeners.add(listener);
    return () => this.drop(topic, listener);
  }

  unsubscribe(name: string, listener: FanoutListener<Origin>): void {
    const topic = this.topics.get(name);
    if (topic) this.drop(topic, listener);
  }

  private drop(topic: Topic<Origin>, listener: FanoutListener<Origin>): void {
    topic.listeners.delete(listener);
    if (topic.listeners.size === 0 && this.topics.get(topic.name) === topic) this.topics.delete(topic.name);
  }

  publish(topic: string, frame: Uint8Array, origin: Origin | null): void {
    for (const listener of this.topics.get(topic)?.listeners ?? []) {
      if (listener.origin !== origin) listener.deliver(frame);
    }
  }

  subscriberCount(topic: string): number {
    return this.topics.get(topic)?.listeners.size ?? 0;
  }
}

export const awarenessTopic = (conversationId: string): string => `awareness:${conversationId}`;
