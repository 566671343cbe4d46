import type { Theme } from '@messenjo/shared';

export type ThemeChoice = Theme;

/** localStorage key of the last choice on this device, read before the first paint. */
export const THEME_STORAGE_KEY = 'messenjo-theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';
const CHOICES: readonly ThemeChoice[] = ['light', 'dark', 'system'];

/** What the theme touches outside itself, so tests can stand in for the browser. */
export interface ThemeHost {
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  media: Pick<MediaQueryList, 'matches' | 'addEventListener' | 'removeEventListener'>;
  /** Shows the page dark or light. */
  paint(dark: boolean): void;
}

function browserHost(): ThemeHost {
  return {
    storage: window.localStorage,
    media: window.matchMedia(DARK_QUERY),
    paint(dark) {
      // The class alone: index.css sets `color-scheme` with it (native controls, scrollbars). An
      // inline style here restyled every element of the saved screen at each start.
      document.documentElement.classList.toggle('dark', dark);
      // The installed app's title bar takes the canvas colour (index.css --canvas). index.html
      // has one tag per colour scheme (right before any script runs); a theme chosen here sets
      // both, so the bar follows the choice whatever the system's scheme.
      for (const meta of document.querySelectorAll('meta[name="theme-color"]')) {
        meta.setAttribute('content', dark ? '#0a0a0a' : '#ffffff');
      }
    },
  };
}

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return CHOICES.includes(value as ThemeChoice);
}

/**
 * The device's theme: "system" follows the OS and keeps following it. The choice is
 * remembered in localStorage so the next start paints right before the user document loads;
 * a person's choice goes to `onChoose` (the user document), a synced one arrives by `show`.
 */
export class ThemeController {
  private choice: ThemeChoice;
  private readonly listeners = new Set<() => void>();
  private chooser: ((choice: ThemeChoice) => void) | null = null;

  constructor(private readonly host: ThemeHost) {
    let stored: string | null = null;
    try {
      stored = host.storage.getItem(THEME_STORAGE_KEY);
    } catch {
      // Storage refused (private mode): start from the system.
    }
    this.choice = isThemeChoice(stored) ? stored : 'system';
    host.media.addEventListener('change', this.repaint);
    this.repaint();
  }

  get = (): ThemeChoice => this.choice;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Shows a choice that came from elsewhere (the synced user document). */
  show(choice: ThemeChoice): void {
    if (choice === this.choice) return;
    this.choice = choice;
    try {
      this.host.storage.setItem(THEME_STORAGE_KEY, choice);
    } catch {
      // Not remembered: the next start paints the system theme until the document loads.
    }
    this.repaint();
    for (const listener of [...this.listeners]) listener();
  }

  /** The person picked a theme here: show it and hand it to whoever syncs it. */
  choose(choice: ThemeChoice): void {
    this.show(choice);
    this.chooser?.(choice);
  }

  /** Where choices go (the user document while signed in); returns its removal. */
  onChoose(chooser: (choice: ThemeChoice) => void): () => void {
    this.chooser = chooser;
    return () => {
      if (this.chooser === chooser) this.chooser = null;
    };
  }

  private readonly repaint = (): void => {
    this.host.paint(this.choice === 'dark' || (this.choice === 'system' && this.host.media.matches));
  };
}

let instance: ThemeController | null = null;

/** The page's one theme, created (and painted) on first use: call it before the first render. */
export function pageTheme(): ThemeController {
  instance ??= new ThemeController(browserHost());
  return instance;
}
