import { SEGMENT_MESSAGES } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import { segmentRefusal } from './segment-rule.ts';

describe('segment rule', () => {
  const full = () => SEGMENT_MESSAGES;
  const almost = () => SEGMENT_MESSAGES - 1;

  it('[SEG1] any segment up to the newest takes writes, whatever the newest holds', () => {
    expect(segmentRefusal(0, -1, almost)).toBeNull();
    expect(segmentRefusal(0, 3, almost)).toBeNull();
    expect(segmentRefusal(3, 3, almost)).toBeNull();
  });

  it('[SEG1] the next segment opens only once the newest is full', () => {
    expect(segmentRefusal(4, 3, full)).toBeNull();
    expect(segmentRefusal(4, 3, almost)).toMatch(/once segment 3 holds 1000 messages \(it holds 999\)/);
  });

  it('[SEG1] no segment beyond the next one, even after a full newest', () => {
    expect(segmentRefusal(1, -1, full)).toMatch(/beyond the next one/);
    expect(segmentRefusal(1_000_000, 0, full)).toMatch(/beyond the next one \(1\)/);
  });
});
