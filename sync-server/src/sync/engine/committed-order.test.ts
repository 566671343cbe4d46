import { describe, expect, it } from 'vitest';
import { CommittedOrder } from './committed-order.ts';

describe('CommittedOrder', () => {
  it('[SEQ2] takes committed numbers in order, each once; an own one is acked even when a read of the store took it first', () => {
    const order = new CommittedOrder(3);
    const taken: string[] = [];
    const take = (what: string) => () => taken.push(what);
    order.arrive(6, true, take('own 6'));
    order.arrive(5, false, take('other 5'));
    expect(order.gap).toBe(true);
    expect(taken).toEqual([]); // 4 is missing
    order.arrive(6, false, take('other 6')); // the store's copy of the own one: the own one stays
    order.arrive(4, false, take('other 4'));
    expect(taken).toEqual(['other 4', 'other 5', 'own 6']);
    expect([order.head, order.gap]).toEqual([6, false]);
    order.arrive(5, false, take('other 5 again'));
    order.arrive(7, false, take('other 7'));
    order.arrive(7, true, take('own 7, read first')); // at or below the head: acked, not applied again
    expect(taken).toEqual(['other 4', 'other 5', 'own 6', 'other 7', 'own 7, read first']);
  });

  it('[SEQ2] jumps past a stored snapshot: own updates it covers are acked, others were in it', () => {
    const order = new CommittedOrder(1);
    const taken: string[] = [];
    order.arrive(3, true, () => taken.push('own 3'));
    order.arrive(4, false, () => taken.push('other 4'));
    order.arrive(6, false, () => taken.push('other 6'));
    order.jumpTo(4);
    expect(taken).toEqual(['own 3']);
    expect([order.head, order.gap]).toEqual([4, true]);
    order.arrive(5, false, () => taken.push('other 5'));
    expect(taken).toEqual(['own 3', 'other 5', 'other 6']);
    expect(order.head).toBe(6);
  });
});
