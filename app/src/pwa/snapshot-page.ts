import type { StoredSnapshot } from '../lib/screen-snapshots.ts';

/**
 * The shell's HTML with a saved screen painted in it (the service worker's answer to a
 * navigation, sw.ts): the snapshot's markup in an overlay before `#root`, where React renders
 * under it and takes over (pwa/snapshot-takeover.ts); its theme on `<html>`; its styles in one
 * `<style>` the CSP admits by a nonce (the CSP allows no inline style attribute, and a
 * `<style>` only with the nonce this answer adds). Pure, so it is unit-tested.
 */

/** The overlay's id; index.css places it over `#root`. */
export const SNAPSHOT_ID = 'screen-snapshot';

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Null when the shell is not the one expected (no empty `#root`): then the plain shell is served. */
export function pageWithSnapshot(shell: string, snapshot: StoredSnapshot, nonce: string): string | null {
  const root = '<div id="root"></div>';
  if (!shell.includes(root) || !shell.includes('</head>')) return null;
  // `</style` cannot occur in the rules (pwa/snapshot-capture.ts escapes `<`); checked again here.
  const css = snapshot.css.replace(/</g, '\\3c ');
  const overlay =
    `<div id="${SNAPSHOT_ID}" data-user="${escapeAttribute(snapshot.userId)}" data-saved-at="${snapshot.savedAt}">` +
    `<div inert>${snapshot.html}</div></div>`;
  let page = shell.replace(root, () => overlay + root);
  if (snapshot.dark)
    page = page.replace(/<html([^>]*)>/, (_all, attrs: string) => `<html${attrs} class="dark">`);
  if (css) page = page.replace('</head>', () => `<style nonce="${nonce}">${css}</style></head>`);
  return page;
}

/** The CSP with the nonce of the snapshot's `<style>` admitted; every other directive unchanged. */
export function policyWithStyleNonce(policy: string, nonce: string): string {
  const source = `'nonce-${nonce}'`;
  if (/(^|;)\s*style-src\s/.test(policy))
    return policy.replace(/((?:^|;)\s*style-src)(\s)/, `$1 ${source}$2`);
  // No style-src: default-src governs styles; keep what it allows and add the nonce.
  const fallback = /(?:^|;)\s*default-src\s+([^;]*)/.exec(policy);
  return fallback ? `${policy}; style-src ${fallback[1]!.trim()} ${source}` : policy;
}

const STYLESHEET = /<link rel="stylesheet"[^>]*?href="([^"]+)"[^>]*>/g;

/** The stylesheets the shell links (the precached CSS), in order. */
export const stylesheetsOf = (shell: string): string[] =>
  [...shell.matchAll(STYLESHEET)].map((link) => link[1]!);

/**
 * The shell with its stylesheets inline, under the nonce: the page holds its first paint until
 * every linked stylesheet has arrived, and from the service worker that is one more round trip
 * after the HTML (W6's trace: answered 50–60 ms after it was asked, on a loaded machine) that a
 * page with its screen already in it need not wait for. A stylesheet without its text here (or
 * one that could close the <style>) stays linked.
 *
 * The link stays too, `disabled` (a disabled stylesheet is not fetched): the chunks' loader
 * (Vite's preload helper) looks for a `<link rel="stylesheet">` of the CSS each lazy screen
 * names, and finding none it linked the same CSS again and held the screen's import until it had
 * loaded — a round trip to the service worker and a second style pass over the whole page on the
 * way to the app's first paint (docs/benchmarks.md, "The saved screen").
 */
export function withStylesInline(shell: string, css: ReadonlyMap<string, string>, nonce: string): string {
  return shell.replace(STYLESHEET, (link, href: string) => {
    const text = css.get(href);
    if (text === undefined || /<\/style/i.test(text)) return link;
    return `${link.replace(/\s*\/?>$/, ' disabled>')}<style nonce="${nonce}">${text}</style>`;
  });
}
