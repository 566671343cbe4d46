import { Suspense, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { router, type Route } from '../app/router.ts';
import { syncThemeWithUserDoc } from '../app/theme-sync.ts';
import { pageTheme } from '../lib/theme.ts';
import { askForPersistentStorage } from '../pwa/persistent-storage.ts';
import { warnBeforeUnloadWhileUnsent } from '../pwa/unsent-warning.ts';
import { useStore } from '../lib/use-store.ts';
import { notifyInBackground } from '../notifications/background-notifier.ts';
import { signOutOfDevice, useDeviceSession } from '../session/index.ts';
import { SearchResults } from '../search/SearchResults.tsx';
import { ConversationList } from '../social/ConversationList.tsx';
import { ConversationPanePreview } from '../social/ConversationPanePreview.tsx';
import { OfflineBanner } from '../social/OfflineBanner.tsx';
import { useFriends } from '../social/use-social.ts';
import { ConversationPane, FriendsPanel, NewGroupPanel, preloadScreensWhenIdle } from './screens.tsx';
import { BackButton } from './BackButton.tsx';
import { focusScreenIfLost } from './focus-screen.ts';
import { RefusalNotice } from './RefusalNotice.tsx';
import { NavBar } from './NavBar.tsx';
import { PaneHeader } from './PaneHeader.tsx';
import { SyncStatusBadge } from './SyncStatusBadge.tsx';

/**
 * The signed-in layout users of the original know: the conversation list on the left (search
 * box, list, navigation at the bottom), the open conversation or panel on the right. Below the
 * `md` breakpoint one side shows at a time: the list on the home screen, otherwise the pane
 * with a back button in its header.
 */
export function ChatShell(props: {
  meId: string;
  settings: ReactNode;
  /** Ends the session on the server (after this device's data is removed). */
  onSignOut: () => Promise<void>;
}) {
  const session = useDeviceSession();
  const route = useStore(router.route);
  const friends = useFriends();
  const [filter, setFilter] = useState('');
  const go = (next: Route) => router.navigate(next);
  const home = route.view === 'home';
  const selectedId = route.view === 'conversation' ? route.id : null;
  // The list is the home screen's title; elsewhere the pane's header has the level-1 heading.
  const ListHeading = home ? 'h1' : 'h2';

  // The conversation the app opened on starts loading with the session, not after the chat's code.
  const [openedOn] = useState(selectedId);
  // The chat's code (and the documents it asks for) loads behind the first paint, which the
  // preview makes from the device's index: started earlier, it held that paint back.
  const [paneMayLoad, setPaneMayLoad] = useState(openedOn === null);
  useEffect(() => {
    if (paneMayLoad) return;
    let live = true;
    void session.painted.then(() => {
      if (live) setPaneMayLoad(true);
    });
    return () => {
      live = false;
    };
  }, [session, paneMayLoad]);
  useLayoutEffect(() => {
    if (openedOn !== null) session.openFirst(openedOn);
  }, [session, openedOn]);

  const mainRef = useRef<HTMLElement>(null);
  const shownRoute = useRef(route);
  useEffect(() => {
    if (shownRoute.current === route) return;
    shownRoute.current = route;
    focusScreenIfLost(mainRef.current);
  }, [route]);

  useEffect(() => {
    void askForPersistentStorage();
  }, []);
  // A warning before the tab closes while something is unsent (armed only then).
  useEffect(() => warnBeforeUnloadWhileUnsent(session.unsent), [session]);
  // New messages while the page is hidden become OS notifications (the service worker shows them).
  useEffect(() => notifyInBackground(session), [session]);
  // The other screens' code loads once the list is shown, never ahead of it.
  const listReady = useStore(session.listReady);
  useEffect(() => (listReady ? preloadScreensWhenIdle() : undefined), [listReady]);
  useEffect(() => {
    let stop: (() => void) | null = null;
    let live = true;
    session.parts().then(
      (parts) => {
        if (live) stop = syncThemeWithUserDoc(parts.userDocument, pageTheme());
      },
      () => {}, // the session ended before its working half loaded
    );
    return () => {
      live = false;
      stop?.();
    };
  }, [session]);

  return (
    <div className="flex h-full gap-4 bg-canvas text-fg md:p-4">
      <RefusalNotice />
      <aside
        aria-label="Conversations"
        className={`${home ? 'flex' : 'hidden md:flex'} w-full min-w-0 flex-col border-line p-3 md:w-96 md:shrink-0 md:rounded-3xl md:border`}
      >
        <ListHeading tabIndex={-1} className="sr-only">
          Conversations
        </ListHeading>
        <div className="flex items-center gap-2">
          <input
            type="search"
            aria-label="Search conversations, people and messages"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Search"
            className="w-full min-w-0 rounded-full border border-line bg-surface px-4 py-1.5 text-sm placeholder:text-fg-muted"
          />
          <SyncStatusBadge />
        </div>
        <div className="mt-3 min-h-0 flex-1 overflow-y-auto">
          <ConversationList
            filter={filter}
            selectedId={selectedId}
            onSelect={(id) => go({ view: 'conversation', id })}
          />
          <SearchResults query={filter} />
        </div>
        <NavBar
          route={route}
          incomingRequests={friends.incoming.length}
          onNavigate={go}
          onSignOut={() => void signOutOfDevice(session, props.onSignOut)}
        />
      </aside>
      <main
        ref={mainRef}
        className={`${home ? 'hidden md:flex' : 'flex'} min-w-0 flex-1 flex-col overflow-clip border-line md:rounded-3xl md:border`}
      >
        {/* On phones the list (and its banner) is hidden behind the pane: every pane says it too. */}
        <div className="px-3 pt-2 empty:hidden md:hidden">
          <OfflineBanner />
        </div>
        {route.view === 'conversation' &&
          (paneMayLoad ? (
            // While the chat's code loads, the pane paints from the first read of the device's index.
            <Suspense
              fallback={<ConversationPanePreview id={route.id} meId={props.meId} back={<BackButton />} />}
            >
              <ConversationPane
                key={route.id}
                id={route.id}
                meId={props.meId}
                onLeft={() => go({ view: 'home' })}
                back={<BackButton />}
              />
            </Suspense>
          ) : (
            <ConversationPanePreview id={route.id} meId={props.meId} back={<BackButton />} />
          ))}
        {route.view === 'friends' && (
          <Pane title="Friends">
            <FriendsPanel onOpenConversation={(id) => go({ view: 'conversation', id })} />
          </Pane>
        )}
        {route.view === 'new-group' && (
          <Pane title="New group">
            <NewGroupPanel onCreated={(id) => go({ view: 'conversation', id })} />
          </Pane>
        )}
        {route.view === 'settings' && <Pane title="Settings">{props.settings}</Pane>}
        {home && (
          <p className="flex h-full items-center justify-center text-fg-muted">Choose a conversation</p>
        )}
      </main>
    </div>
  );
}

/** A panel under its header (title and, on phones, the way back), scrolling on its own. */
function Pane(props: { title: string; children: ReactNode }) {
  return (
    <>
      <PaneHeader title={props.title} />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <Suspense fallback={null}>{props.children}</Suspense>
      </div>
    </>
  );
}
