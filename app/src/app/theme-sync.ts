import { readSettings, setTheme, userDocId } from '@messenjo/shared';
import type * as Y from 'yjs';
import { isThemeChoice, type ThemeChoice, type ThemeController } from '../lib/theme.ts';
import type { SyncClient } from '../sync/index.ts';

/** The parts of the sync client the theme needs. */
export type UserDocSource = Pick<SyncClient, 'open' | 'onDocReplaced'>;

/**
 * Keeps the theme and the user's private document in step: the document's choice is shown
 * (on load and whenever another device changes it), and a choice made here is written to it.
 * A document without a choice yet leaves the device's remembered one. Returns the disposer.
 */
export function syncThemeWithUserDoc(
  client: UserDocSource,
  userId: string,
  theme: ThemeController,
): () => void {
  const docId = userDocId(userId);
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

  void client.open(docId).then((opened) => {
    if (!stopped) watch(opened);
  });
  const disposers = [
    theme.onChoose((choice) => {
      if (doc) setTheme(doc, choice);
      else unsaved = choice;
    }),
    client.onDocReplaced((id, replaced) => {
      if (id === docId && !stopped) watch(replaced);
    }),
  ];
  return () => {
    stopped = true;
    doc?.getMap('settings').unobserve(showFromDoc);
    for (const dispose of disposers) dispose();
  };
}
