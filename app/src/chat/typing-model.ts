import { decodeTyping, encodeTyping, TYPING_REFRESH_MS, TYPING_TIMEOUT_MS } from '@messenjo/shared';
import { Store } from '../lib/store.ts';
import type { AwarenessLink } from '../session/index.ts';

/**
 * Who else is typing in one conversation (AW3), and this user's own typing sent out: `true`
 * at most every TYPING_REFRESH_MS while keys are pressed, `false` on send, on clearing the text
 * and on leaving. Another person's typing is forgotten TYPING_TIMEOUT_MS after its last refresh,
 * so a closed tab never leaves "is typing" behind.
 */
export class TypingModel {
  /** User ids typing now, in the order they started. */
  readonly typing = new Store<readonly string[]>([]);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly dispose: () => void;
  private lastSentAt = -Infinity;
  private announced = false;

  constructor(
    private readonly client: AwarenessLink,
    private readonly conversationId: string,
    private readonly meId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.dispose = client.onFrameReceived((frame) => {
      if (frame.type !== 'awareness' || frame.conversationId !== conversationId) return;
      // The user's own other devices: they are not "someone typing".
      if (frame.userId === meId) return;
      const state = decodeTyping(frame.payload);
      if (state) this.heard(frame.userId, state.typing);
    });
  }

  private heard(userId: string, typing: boolean): void {
    clearTimeout(this.timers.get(userId));
    this.timers.delete(userId);
    const current = this.typing.get();
    if (typing) {
      this.timers.set(
        userId,
        setTimeout(() => this.heard(userId, false), TYPING_TIMEOUT_MS),
      );
      if (!current.includes(userId)) this.typing.set([...current, userId]);
    } else if (current.includes(userId)) {
      this.typing.set(current.filter((id) => id !== userId));
    }
  }

  /** A key was pressed in the composer. */
  keystroke(): void {
    const at = this.now();
    if (this.announced && at - this.lastSentAt < TYPING_REFRESH_MS) return;
    this.lastSentAt = at;
    this.announced = true;
    this.client.sendAwareness(this.conversationId, encodeTyping({ typing: true }));
  }

  /** Sent, cleared, or left: tell the others at once instead of letting them time out. */
  stopped(): void {
    if (!this.announced) return;
    this.announced = false;
    this.client.sendAwareness(this.conversationId, encodeTyping({ typing: false }));
  }

  close(): void {
    this.stopped();
    this.dispose();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** "Ann is typing…", "Ann and Bob are typing…", "Several people are typing…". */
export function typingSentence(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}
