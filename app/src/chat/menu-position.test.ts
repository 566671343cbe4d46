import { describe, expect, it } from 'vitest';
import { EDGE_GAP, placeMenu } from './menu-position.ts';

const phone = { width: 360, height: 740 };
const menu = { width: 224, height: 170 };
const button = (left: number, top: number) => ({ left, right: left + 30, top, bottom: top + 24 });

describe('placing a message menu', () => {
  it('opens below the button, lined up with its start or its end', () => {
    expect(placeMenu(button(100, 100), menu, { width: 1200, height: 800 }, false)).toEqual({
      top: 128,
      left: 100,
    });
    expect(placeMenu(button(600, 100), menu, { width: 1200, height: 800 }, true)).toEqual({
      top: 128,
      left: 630 - 224,
    });
  });

  it('opens above the button near the bottom of the window', () => {
    expect(placeMenu(button(20, 680), menu, phone, false).top).toBe(680 - 4 - 170);
  });

  it('flips or clamps sideways so it never runs past the edge of a narrow window', () => {
    // The button of someone else's message on a phone is far right: the menu ends at the button.
    expect(placeMenu(button(300, 100), menu, phone, false).left).toBe(330 - 224);
    // An own message's button near the left: the menu starts at the button instead.
    expect(placeMenu(button(20, 100), menu, phone, true).left).toBe(20);
    // Neither side fits: clamped inside the window.
    const left = placeMenu(button(150, 100), { width: 340, height: 170 }, phone, false).left;
    expect(left).toBeGreaterThanOrEqual(EDGE_GAP);
    expect(left + 340).toBeLessThanOrEqual(phone.width - EDGE_GAP);
  });

  it('stays inside a window too short for either side', () => {
    const { top } = placeMenu(button(20, 100), menu, { width: 360, height: 260 }, false);
    expect(top).toBeGreaterThanOrEqual(EDGE_GAP);
    expect(top + menu.height).toBeLessThanOrEqual(260 - EDGE_GAP);
    expect(placeMenu(button(20, 100), { width: 224, height: 900 }, phone, false).top).toBe(EDGE_GAP);
  });
});
