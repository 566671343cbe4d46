/**
 * What of the painted screen is kept as its snapshot (lib/screen-snapshots.ts): React's own DOM
 * under `#root`, its text already escaped by the browser's serializer, with everything live
 * taken out — what is typed in fields, open menus and dialogs, pictures of this session (object
 * URLs; the ThumbHash placeholders, data URLs, stay), ids (the real page has the same ones) —
 * and the history (virtualized, or the plain newest rows) reduced to the rows on screen,
 * bottom-aligned as painted.
 */

/** What the snapshot never shows: transient layers whose state is the page's, not the screen's. */
const TRANSIENT =
  'dialog,[role="dialog"],[role="alertdialog"],[role="menu"],[role="listbox"],[role="tooltip"],script,template';
/** Attributes that point into the live page (ids, and the labels that refer to them). */
const LIVE_ATTRIBUTES = [
  'id',
  'for',
  'aria-labelledby',
  'aria-describedby',
  'aria-controls',
  'autofocus',
  'value',
];

export interface CapturedScreen {
  html: string;
  css: string;
}

/**
 * The history's scrollers and their rows: the virtualized list (`[data-index]`) and the plain
 * newest rows (`NewestRows` in `chat/MessageList.tsx`, `[data-row-key]`, a reversed column of ~1.5 screens).
 */
const HISTORY_SCROLLERS: readonly (readonly [scroller: string, row: string])[] = [
  ['[data-virtuoso-scroller]', '[data-index]'],
  ['[data-newest-rows]', '[data-row-key]'],
];

/** The rows of a history scroller that intersect it, as a plain bottom-aligned column. */
function visibleColumn(scroller: Element, rowSelector: string, inert: Document): HTMLElement {
  const box = scroller.getBoundingClientRect();
  const column = inert.createElement('div');
  column.className = 'flex h-full flex-col justify-end overflow-hidden';
  for (const item of scroller.querySelectorAll(rowSelector)) {
    const rect = item.getBoundingClientRect();
    if (rect.bottom > box.top && rect.top < box.bottom) column.append(inert.importNode(item, true));
  }
  return column;
}

export function captureScreen(root: HTMLElement): CapturedScreen {
  // Copied into a document without a window: a copy made in the page's own document starts
  // loading what its elements point at (the pictures' object URLs, refused by the CSP).
  const inert = document.implementation.createHTMLDocument('');
  const clone = inert.importNode(root, true);
  // List rows below the screen are never seen in the saved screen (it does not scroll), and the
  // list keeps every conversation's row (200 in W12): kept, they were parsed and styled before the
  // app's scripts could run. Cloned nodes keep their order, so the n-th row is the n-th copy.
  const copies = clone.querySelectorAll('li');
  root.querySelectorAll('li').forEach((item, i) => {
    if (item.getBoundingClientRect().top >= window.innerHeight) copies[i]?.remove();
  });
  // Cloned nodes keep their order, so the n-th scroller of the clone is the n-th of the page.
  for (const [scrollers, rows] of HISTORY_SCROLLERS) {
    const liveScrollers = root.querySelectorAll(scrollers);
    clone.querySelectorAll(scrollers).forEach((copy, i) => {
      const live = liveScrollers[i];
      if (live) copy.replaceWith(visibleColumn(live, rows, inert));
    });
  }
  for (const element of clone.querySelectorAll(TRANSIENT)) element.remove();
  // Renamed, so what finds the app's elements (its own code, tests' locators) never finds their
  // copies in the saved screen while both are in the page.
  for (const [live, saved] of SAVED_ATTRIBUTES)
    for (const element of clone.querySelectorAll(`[${live}]`)) {
      element.setAttribute(saved, element.getAttribute(live)!);
      element.removeAttribute(live);
    }
  for (const field of clone.querySelectorAll('textarea')) field.textContent = '';
  for (const field of clone.querySelectorAll('input')) field.removeAttribute('checked');

  const rules = new Map<string, number>();
  for (const element of clone.querySelectorAll('*')) {
    for (const name of LIVE_ATTRIBUTES) element.removeAttribute(name);
    for (const attribute of [...element.attributes]) {
      if (attribute.name.startsWith('on')) element.removeAttribute(attribute.name);
      else if (/^(src|srcset|poster|href)$/.test(attribute.name) && attribute.value.startsWith('blob:'))
        element.removeAttribute(attribute.name);
    }
    if (!(element instanceof HTMLElement || element instanceof SVGElement) || !element.hasAttribute('style'))
      continue;
    // Read through the CSSOM (a data URL holds `;`); declarations naming an object URL of this
    // page would point at nothing next time.
    const declarations: string[] = [];
    for (const name of element.style) {
      const value = element.style.getPropertyValue(name);
      if (!value.includes('blob:')) declarations.push(`${name}:${value}`);
    }
    element.removeAttribute('style');
    const kept = declarations.join(';');
    if (!kept) continue;
    let n = rules.get(kept);
    if (n === undefined) rules.set(kept, (n = rules.size));
    element.setAttribute('data-ss', String(n));
  }
  // The CSP admits no style attribute: each becomes a rule (the service worker adds the nonce).
  // `<` escaped so the rules can never close their <style>.
  const css = [...rules]
    .map(([declarations, n]) => `#screen-snapshot [data-ss="${n}"]{${declarations.replace(/</g, '\\3c ')}}`)
    .join('\n');
  return { html: clone.innerHTML, css };
}

/** Attributes the app and its tests find elements by, and their names in the saved screen. */
const SAVED_ATTRIBUTES = [
  ['data-testid', 'data-saved-testid'],
  ['data-conversation-id', 'data-saved-conversation-id'],
] as const;

/** What makes a screen worth keeping: rows of the list or messages, not an empty shell; as the app marks it, and as the saved screen does. */
export const SCREEN_CONTENT = [
  { live: '[data-testid="message-text"]', saved: '[data-saved-testid="message-text"]' },
  { live: '[data-conversation-id]', saved: '[data-saved-conversation-id]' },
] as const;
export const showsContent = (element: ParentNode): boolean =>
  SCREEN_CONTENT.some(({ live }) => element.querySelector(live) !== null);
