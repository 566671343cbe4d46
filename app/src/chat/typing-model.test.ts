import { decodeTyping, encodeTyping, TYPING_TIMEOUT_MS, PROTOCOL_VERSION } from '@messenjo/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../sync/socket/fake-socket.ts';
import { SyncClient } from '../sync/sync-client.ts';
import { TypingModel, typingSentence } from './typing-model.ts';

function setup() {
  const socket = new FakeSocket();
  const client = new SyncClient({ url: 'ws://test/sync', createSocket: () => socket });
  client.start();
  socket.open();
  socket.deliver({ type: 'hello', protocolVersion: PROTOCOL_VERSION, userId: 'u_me' });
  let now = 0;
  const model = new TypingModel(client, 'c_1', 'u_me', () => now);
  return { socket, model, advance: (ms: number) => (now += ms) };
}

const typingFrame = (userId: string, typing: boolean, conversationId = 'c_1') =>
  ({ type: 'awareness', conversationId, userId, payload: encodeTyping({ typing }) }) as const;

afterEach(() => {
  vi.useRealTimers();
});

describe('typing indicator', () => {
  it('[AW3] shows another member typing until they stop, or until the timeout', () => {
    vi.useFakeTimers();
    const { socket, model } = setup();
    socket.deliver(typingFrame('u_ann', true));
    socket.deliver(typingFrame('u_bob', true));
    socket.deliver(typingFrame('u_me', true));
    socket.deliver(typingFrame('u_cat', true, 'c_other'));
    expect(model.typing.get()).toEqual(['u_ann', 'u_bob']);
    socket.deliver(typingFrame('u_bob', false));
    expect(model.typing.get()).toEqual(['u_ann']);
    vi.advanceTimersByTime(TYPING_TIMEOUT_MS - 1);
    socket.deliver(typingFrame('u_ann', true));
    vi.advanceTimersByTime(TYPING_TIMEOUT_MS - 1);
    expect(model.typing.get()).toEqual(['u_ann']);
    vi.advanceTimersByTime(1);
    expect(model.typing.get()).toEqual([]);
    model.close();
  });

  it('[AW3] sends typing at most every refresh interval, and stopped once', () => {
    const { socket, model, advance } = setup();
    const sent = () => socket.last('awareness').map((f) => decodeTyping(f.payload)?.typing);
    model.keystroke();
    advance(500);
    model.keystroke();
    expect(sent()).toEqual([true]);
    advance(2000);
    model.keystroke();
    model.stopped();
    model.stopped();
    expect(sent()).toEqual([true, true, false]);
    model.close();
    expect(sent()).toEqual([true, true, false]);
  });

  it('says who is typing', () => {
    expect(typingSentence(['Ann'])).toBe('Ann is typing…');
    expect(typingSentence(['Ann', 'Bob'])).toBe('Ann and Bob are typing…');
    expect(typingSentence(['Ann', 'Bob', 'Cat'])).toBe('Several people are typing…');
    expect(typingSentence([])).toBe('');
  });
});
