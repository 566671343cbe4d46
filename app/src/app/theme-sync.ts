import { readSettings, setTheme } from '@messenjo/shared';
import type * as Y from 'yjs';
import { isThemeChoice, type ThemeChoice, type ThemeController } from '../lib/theme.ts';

/** The user's private document as the session offers it (`session.userDocument`). */
export interface UserDocSource {
  /** Opens it (once). */
  get(): Promise<Y.Doc>;
  /** Calls `listener` with the document once loaded and with each replacement; returns the disposer. */
  watch(listener: (doc: Y.Doc) => void): () => void;
}

/**
 * Keeps the theme and the user's private document in step: the document's choice is shown
 * (on load and whenever another device changes it), and a choice made here is written to it.
 * A document without a choice yet leaves the device's remembered one. Returns the disposer.
 */
export function syncThemeWithUserDoc(userDoc: UserDocSource, theme: ThemeController): () => void {
  let doc: Y.Doc | null = null;
  /** Chosen before the document finished loading: written once it has. */
  let unsaved: ThemeChoice | null = null;
  let stopped = false;

  const showFromDoc = (): void => {
    const choice = doc && readSettings(doc).theme;
    if (isThemeChoice(choice)) theme.show(choice);
  };
  const watch = (next: Y.Doc): void => {
    doc?.getMap('settings').unobserve(showFromDoc);
    doc = next;
    doc.getMap('settings').observe(showFromDoc);
    if (unsaved) setTheme(doc, unsaved);
    unsaved = null;
    showFromDoc();
  };

  void userDoc.get();
  const disposers = [
    theme.onChoose((choice) => {
      if (doc) setTheme(doc, choice);
      else unsaved = choice;
    }),
    userDoc.watch((next) => {
      if (!stopped) watch(next);
    }),
  ];
  return () => {
    stopped = true;
    doc?.getMap('settings').unobserve(showFromDoc);
    for (const dispose of disposers) dispose();
  };
}
