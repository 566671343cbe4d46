import { useState, useSyncExternalStore, type ReactNode } from 'react';
import { router, type Route } from '../../app/router.ts';
import { ConversationList } from '../../social/ConversationList.tsx';
import { ConversationPane } from '../../social/ConversationPane.tsx';
import { FriendsPanel } from '../../social/FriendsPanel.tsx';
import { NewGroupPanel } from '../../social/NewGroupPanel.tsx';
import { useSocial } from '../../social/use-social.ts';
import { useDeviceSync } from '../../app/use-device-sync.ts';
import { NavBar } from './NavBar.tsx';
import { SyncStatusBadge } from './SyncStatusBadge.tsx';

/**
 * The signed-in layout users of the original know: the conversation list on the left (search
 * box, list, navigation at the bottom), the open conversation or panel on the right. On a
 * narrow screen one side shows at a time.
 */
export function ChatShell(props: { meId: string; settings: ReactNode; onSignOut: () => void }) {
  const sync = useDeviceSync(props.meId);
  const route = useSyncExternalStore(router.subscribe, router.getSnapshot);
  const { conversations, friends } = useSocial();
  const [filter, setFilter] = useState('');
  const go = (next: Route) => router.navigate(next);
  const selectedId = route.view === 'conversation' ? route.id : null;
  const shown = filter.trim()
    ? conversations.filter((c) => c.name.toLocaleLowerCase().includes(filter.trim().toLocaleLowerCase()))
    : conversations;

  return (
    <div className="flex h-full gap-4 bg-neutral-950 p-0 text-neutral-100 md:p-4">
      <aside
        className={`${route.view === 'home' ? 'flex' : 'hidden md:flex'} w-full flex-col rounded-none border-neutral-800 bg-neutral-950 p-3 md:w-96 md:rounded-3xl md:border`}
      >
        <div className="flex items-center gap-2">
          <input
            type="search"
            aria-label="Search conversations"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Search"
            className="w-full rounded-full border border-neutral-800 bg-neutral-900 px-4 py-1.5 text-sm outline-none focus:border-neutral-500"
          />
          {sync && <SyncStatusBadge client={sync} />}
        </div>
        <nav className="mt-3 min-h-0 flex-1 overflow-y-auto">
          <ConversationList
            conversations={shown}
            selectedId={selectedId}
            onSelect={(id) => go({ view: 'conversation', id })}
          />
        </nav>
        <NavBar
          route={route}
          incomingRequests={friends.incoming.length}
          onNavigate={go}
          onSignOut={props.onSignOut}
        />
      </aside>
      <main
        className={`${route.view === 'home' ? 'hidden md:block' : 'block'} min-w-0 flex-1 overflow-y-auto rounded-none border-neutral-800 md:rounded-3xl md:border`}
      >
        {route.view === 'conversation' && (
          <ConversationPane
            key={route.id}
            id={route.id}
            meId={props.meId}
            client={sync}
            onLeft={() => go({ view: 'home' })}
          />
        )}
        {route.view === 'friends' && (
          <FriendsPanel onOpenConversation={(id) => go({ view: 'conversation', id })} />
        )}
        {route.view === 'new-group' && <NewGroupPanel onCreated={(id) => go({ view: 'conversation', id })} />}
        {route.view === 'settings' && props.settings}
        {route.view === 'home' && (
          <p className="flex h-full items-center justify-center text-neutral-500">Choose a conversation</p>
        )}
      </main>
    </div>
  );
}
