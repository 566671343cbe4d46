import { describe, expect, it } from 'vitest';
import { DEFAULT_ROW_HEIGHT, takeoverPoint } from './list-takeover.ts';

/** Rows stacked from `top` with these heights, as their elements report their boxes. */
const stacked = (top: number, heights: number[]) => {
  let y = top;
  return heights.map((height) => {
    const box = { top: y, bottom: y + height, height };
    y += height;
    return { getBoundingClientRect: () => box };
  });
};

describe('where the virtualized list takes over from the plain rows', () => {
  it('is the row at the top of the view, with the part of it hidden above', () => {
    // Rows 7..10 of 11 rendered; the view starts at y = 100, inside row 8 (y 90..150).
    const point = takeoverPoint(stacked(50, [40, 60, 30, 80]), 7, 11, 100);
    expect(point.index).toBe(8);
    expect(point.offset).toBe(10);
  });

  it('a row ending exactly at the view’s top is above it: the next one is on top, whole', () => {
    const point = takeoverPoint(stacked(60, [40, 60]), 0, 2, 100);
    expect(point).toMatchObject({ index: 1, offset: 0 });
  });

  it('gives every row a height: the laid-out one, else the rendered rows’ average', () => {
    const point = takeoverPoint(stacked(0, [40, 60, 30, 80]), 3, 7, 0);
    expect(point.heights).toEqual([53, 53, 53, 40, 60, 30, 80]);
  });

  it('with nothing rendered, the newest row and the default height', () => {
    expect(takeoverPoint([], 0, 3, 0)).toEqual({
      index: 2,
      offset: 0,
      heights: [DEFAULT_ROW_HEIGHT, DEFAULT_ROW_HEIGHT, DEFAULT_ROW_HEIGHT],
    });
  });
});
