import { describe, expect, it } from 'vitest';
import { snapshotRouteOf } from '../lib/screen-snapshots.ts';
import { pageWithSnapshot, policyWithStyleNonce, stylesheetsOf, withStylesInline } from './snapshot-page.ts';

const SHELL =
  '<!doctype html><html lang="en"><head><link rel="stylesheet" href="/a.css"></head><body><div id="root"></div><script type="module" src="/m.js"></script></body></html>';
const snapshot = {
  html: '<main><p data-testid="message-text">hi &lt;b&gt;</p></main>',
  css: '#screen-snapshot [data-ss="0"]{width:10px}',
  dark: true,
  savedAt: 5,
  userId: 'u"1',
};

describe('the shell with a saved screen', () => {
  it('puts the screen in an inert overlay before #root, its theme on <html> and its rules under the nonce', () => {
    const page = pageWithSnapshot(SHELL, snapshot, 'abc')!;
    expect(page).toContain(
      '<div id="screen-snapshot" data-user="u&quot;1" data-saved-at="5"><div inert><main><p data-testid="message-text">hi &lt;b&gt;</p></main></div></div><div id="root"></div>',
    );
    expect(page).toContain('<html lang="en" class="dark">');
    expect(page).toContain('<style nonce="abc">#screen-snapshot [data-ss="0"]{width:10px}</style></head>');
  });

  it('keeps the light theme and adds no <style> when there are no rules', () => {
    const page = pageWithSnapshot(SHELL, { ...snapshot, dark: false, css: '' }, 'abc')!;
    expect(page).toContain('<html lang="en">');
    expect(page).not.toContain('<style');
  });

  it('never lets the rules close their <style>', () => {
    const page = pageWithSnapshot(SHELL, { ...snapshot, css: 'a{b:"</style><script>"}' }, 'n')!;
    expect(page).not.toContain('</style><script>');
  });

  it('serves nothing special for a shell it does not recognise', () => {
    expect(pageWithSnapshot('<html><body><div id="app"></div></body></html>', snapshot, 'n')).toBeNull();
  });

  it('admits the nonce in style-src and changes no other directive', () => {
    expect(policyWithStyleNonce("default-src 'self'; style-src 'self'; img-src 'self' data:", 'n1')).toBe(
      "default-src 'self'; style-src 'nonce-n1' 'self'; img-src 'self' data:",
    );
    expect(policyWithStyleNonce("default-src 'self'; img-src data:", 'n1')).toBe(
      "default-src 'self'; img-src data:; style-src 'self' 'nonce-n1'",
    );
  });

  it('keeps screens of the list and of conversations only', () => {
    expect(snapshotRouteOf('/')).toBe('/');
    expect(snapshotRouteOf('/c/abc')).toBe('/c/abc');
    expect(snapshotRouteOf('/c/abc/m/def')).toBeNull();
    expect(snapshotRouteOf('/settings')).toBeNull();
  });

  it('puts the precached stylesheets inline under the nonce beside their links disabled, and keeps a link it has no text for', () => {
    const shell =
      '<head><link rel="stylesheet" crossorigin href="/a.css"><link rel="stylesheet" href="/b.css"></head>';
    expect(stylesheetsOf(shell)).toEqual(['/a.css', '/b.css']);
    expect(withStylesInline(shell, new Map([['/a.css', 'p{color:red}']]), 'n')).toBe(
      '<head><link rel="stylesheet" crossorigin href="/a.css" disabled><style nonce="n">p{color:red}</style><link rel="stylesheet" href="/b.css"></head>',
    );
    expect(withStylesInline(shell, new Map([['/a.css', 'p{content:"</style>"}']]), 'n')).toBe(shell);
  });
});
