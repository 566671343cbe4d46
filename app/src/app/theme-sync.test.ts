import { readSettings, setTheme } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { THEME_STORAGE_KEY, ThemeController, type ThemeHost } from '../lib/theme.ts';
import { syncThemeWithUserDoc, type UserDocSource } from './theme-sync.ts';

/** A browser stand-in: storage, an OS preference that can flip, and what was painted. */
function fakeHost(options: { stored?: string; systemDark?: boolean } = {}) {
  const storage = new Map<string, string>(options.stored ? [[THEME_STORAGE_KEY, options.stored]] : []);
  const listeners = new Set<() => void>();
  const painted: boolean[] = [];
  const media = {
    matches: options.systemDark ?? false,
    addEventListener: (_: string, listener: () => void) => listeners.add(listener),
    removeEventListener: (_: string, listener: () => void) => listeners.delete(listener),
  };
  const host = {
    storage: {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
    },
    media,
    paint: (dark: boolean) => painted.push(dark),
  } as unknown as ThemeHost;
  return {
    host,
    storage,
    dark: () => painted.at(-1),
    setSystemDark(dark: boolean) {
      media.matches = dark;
      for (const listener of listeners) listener();
    },
  };
}

/**
 * One user's document on a device; `link` makes two devices exchange every update, like the
 * server. `opened` settles after the document was handed to whoever opened it, and after their
 * reaction to it (reactions to one promise run in the order they were registered).
 */
function deviceDoc(): { doc: Y.Doc; source: UserDocSource; opened: () => Promise<unknown> } {
  const doc = new Y.Doc();
  const handed: Promise<void>[] = [];
  const source: UserDocSource = {
    get: () => Promise.resolve(doc),
    // Loaded a moment later, as a document opens from storage.
    watch: (listener) => {
      handed.push(Promise.resolve().then(() => listener(doc)));
      return () => {};
    },
  };
  return { doc, source, opened: () => Promise.all(handed) };
}
function link(a: Y.Doc, b: Y.Doc): void {
  a.on('update', (update: Uint8Array, origin: unknown) => origin !== b && Y.applyUpdate(b, update, a));
  b.on('update', (update: Uint8Array, origin: unknown) => origin !== a && Y.applyUpdate(a, update, b));
}

describe('theme', () => {
  it('follows the system by default, and keeps following it', () => {
    const browser = fakeHost({ systemDark: true });
    const theme = new ThemeController(browser.host);
    expect(theme.get()).toBe('system');
    expect(browser.dark()).toBe(true);
    browser.setSystemDark(false);
    expect(browser.dark()).toBe(false);
  });

  it('paints the remembered choice at start, before any document', () => {
    const browser = fakeHost({ stored: 'dark', systemDark: false });
    expect(new ThemeController(browser.host).get()).toBe('dark');
    expect(browser.dark()).toBe(true);
    browser.setSystemDark(true);
    browser.setSystemDark(false);
    expect(browser.dark()).toBe(true);
  });

  it('ignores a stored value that is not a theme', () => {
    const browser = fakeHost({ stored: 'purple' });
    expect(new ThemeController(browser.host).get()).toBe('system');
  });

  it('a choice on one device shows on another device of the same user, and is remembered there', async () => {
    const laptop = deviceDoc();
    const phone = deviceDoc();
    link(laptop.doc, phone.doc);
    const laptopBrowser = fakeHost();
    const phoneBrowser = fakeHost();
    const laptopTheme = new ThemeController(laptopBrowser.host);
    const phoneTheme = new ThemeController(phoneBrowser.host);
    const stops = [
      syncThemeWithUserDoc(laptop.source, laptopTheme),
      syncThemeWithUserDoc(phone.source, phoneTheme),
    ];
    await Promise.all([laptop.opened(), phone.opened()]);

    laptopTheme.choose('dark');
    expect(readSettings(laptop.doc).theme).toBe('dark');
    expect(phoneTheme.get()).toBe('dark');
    expect(phoneBrowser.dark()).toBe(true);
    expect(phoneBrowser.storage.get(THEME_STORAGE_KEY)).toBe('dark');

    phoneTheme.choose('light');
    expect(laptopTheme.get()).toBe('light');
    for (const stop of stops) stop();

    // Disposed: later changes no longer reach this device's theme.
    setTheme(laptop.doc, 'dark');
    expect(phoneTheme.get()).toBe('light');
  });

  it('a document without a choice keeps the remembered one; a choice made before it loaded is written', async () => {
    const device = deviceDoc();
    const theme = new ThemeController(fakeHost({ stored: 'light' }).host);
    const stop = syncThemeWithUserDoc(device.source, theme);
    theme.choose('dark');
    await device.opened();
    expect(theme.get()).toBe('dark');
    expect(readSettings(device.doc).theme).toBe('dark');
    stop();
  });
});
