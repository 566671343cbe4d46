import { describe, expect, it } from 'vitest';
import { parseRoute, pathOf, type Route } from './router.ts';

describe('routes', () => {
  it('round-trip through their paths', () => {
    const routes: Route[] = [
      { view: 'home' },
      { view: 'conversation', id: 'c_abc/def' },
      { view: 'conversation', id: 'c_abc', messageId: 'm0123456789' },
      { view: 'friends' },
      { view: 'new-group' },
      { view: 'settings' },
    ];
    for (const route of routes) expect(parseRoute(pathOf(route))).toEqual(route);
  });

  it('sends unknown paths home', () => {
    expect(parseRoute('/nowhere/else')).toEqual({ view: 'home' });
  });
});
