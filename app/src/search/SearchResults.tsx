import { useMemo } from 'react';
import { router } from '../app/router.ts';
import { useStore } from '../lib/use-store.ts';
import { useDeviceSession } from '../session/index.ts';
import { useFriends } from '../social/use-social.ts';
import { Avatar } from '../ui/Avatar.tsx';
import { listTime } from '../ui/format-time.ts';
import type { FoundMessage } from './protocol.ts';
import { normalize } from './tokens.ts';
import { snippet } from './snippet.ts';
import { searchable, useMessageSearch } from './use-message-search.ts';

/**
 * Below the conversations the list's search box found by name: people (friends, by display
 * name or username; a click opens the direct conversation) and messages on this device (full
 * text, newest first, the match marked; a click opens the conversation at that message). All of
 * it from the device, so it works offline.
 */
export function SearchResults(props: { query: string }) {
  const query = props.query.trim();
  if (query === '') return null;
  return (
    <>
      <People query={query} />
      <Messages query={query} />
    </>
  );
}

function People(props: { query: string }) {
  const friends = useFriends().friends;
  const q = normalize(props.query);
  const people = useMemo(
    () =>
      friends.filter(
        (f) => normalize(f.displayName).includes(q) || normalize(f.username).startsWith(q.replace(/^@/, '')),
      ),
    [friends, q],
  );
  if (people.length === 0) return null;
  return (
    <section aria-label="People" className="mt-4">
      <h3 className="px-2 text-xs font-semibold tracking-wide text-fg-muted uppercase">People</h3>
      <ul className="mt-1 flex flex-col gap-1">
        {people.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              onClick={() => router.navigate({ view: 'conversation', id: p.conversationId })}
              className="flex w-full items-center gap-3 rounded-xl px-2 py-2 text-left hover:bg-surface"
              data-testid="person-result"
            >
              <Avatar id={p.id} name={p.displayName || p.username} picture={p.picture} size={36} />
              <span className="min-w-0 flex-1">
                <span className="block truncate font-semibold">{p.displayName || p.username}</span>
                <span className="block truncate text-sm text-fg-muted">@{p.username}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Messages(props: { query: string }) {
  const { hits, searching, error, indexing, hasMore, more } = useMessageSearch(props.query);
  if (!searchable(props.query)) return null;
  return (
    <section aria-label="Messages" className="mt-4" aria-busy={searching}>
      <h3 className="px-2 text-xs font-semibold tracking-wide text-fg-muted uppercase">Messages</h3>
      {indexing && (
        <p className="px-2 py-1 text-xs text-fg-muted" role="status" data-testid="search-indexing">
          Reading the messages on this device… {indexing.done} of {indexing.total} parts
        </p>
      )}
      {error ? (
        <p className="px-2 py-2 text-sm text-fg-danger">Search failed: {error}</p>
      ) : hits === null ? (
        <p className="px-2 py-2 text-sm text-fg-muted">Searching…</p>
      ) : hits.length === 0 ? (
        <p className="px-2 py-2 text-sm text-fg-muted" data-testid="no-message-results">
          No message on this device contains “{props.query}”.
        </p>
      ) : (
        <>
          <ul className="mt-1 flex flex-col gap-1" aria-label="Messages found">
            {hits.map((hit) => (
              <li key={hit.id}>
                <Hit hit={hit} />
              </li>
            ))}
          </ul>
          {hasMore && (
            <button
              type="button"
              onClick={more}
              className="mt-1 w-full rounded-xl px-2 py-2 text-sm text-fg-muted hover:bg-surface"
            >
              Older messages
            </button>
          )}
        </>
      )}
    </section>
  );
}

function Hit(props: { hit: FoundMessage }) {
  const session = useDeviceSession();
  const rows = useStore(session.conversations);
  useStore(session.profiles);
  const { hit } = props;
  const conversation = rows.find((r) => r.id === hit.conversationId);
  const parts = snippet(hit.text, hit.ranges);
  return (
    <button
      type="button"
      onClick={() => router.navigate({ view: 'conversation', id: hit.conversationId, messageId: hit.id })}
      className="block w-full rounded-xl px-2 py-2 text-left hover:bg-surface"
      data-testid="message-result"
      data-message-id={hit.id}
    >
      <span className="flex items-baseline justify-between gap-2 text-sm">
        <span className="truncate font-semibold">
          {conversation?.name ?? 'Conversation'}
          <span className="font-normal text-fg-muted"> · {session.nameOf(hit.author)}</span>
        </span>
        <time className="shrink-0 text-xs text-fg-muted" dateTime={new Date(hit.sentAt).toISOString()}>
          {listTime(hit.sentAt)}
        </time>
      </span>
      <span className="line-clamp-2 text-sm text-fg-muted" dir="auto" data-testid="message-result-text">
        {parts.map((part, i) =>
          part.match ? (
            <mark key={i} className="rounded-sm bg-accent/25 px-0.5 text-fg">
              {part.text}
            </mark>
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
      </span>
    </button>
  );
}
