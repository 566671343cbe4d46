import type { UserSearchResult, UserSummary } from '@messenjo/shared';
import { USER_SEARCH_MIN_CHARS } from '@messenjo/shared';
import { useEffect, useState, type ReactNode } from 'react';
import { Avatar } from '../ui/Avatar.tsx';
import { Button } from '../ui/Button.tsx';
import { useConfirm } from '../ui/ConfirmDialog.tsx';
import { useAction } from '../ui/use-action.ts';
import { useFriends, useSocialActions } from './use-social.ts';

const SEARCH_DELAY_MS = 250;

const nameOf = (user: UserSummary): string => user.displayName || user.username;

/** A person and what can be done about them; on a narrow screen the buttons wrap below the name. */
function Person(props: { user: UserSummary; children?: ReactNode }) {
  return (
    <li className="flex flex-wrap items-center gap-x-3 gap-y-2 py-2" data-user-id={props.user.id}>
      <span className="flex min-w-0 flex-[1_1_12rem] items-center gap-3">
        <Avatar id={props.user.id} name={nameOf(props.user)} picture={props.user.picture} size={36} />
        <span className="min-w-0 flex-1">
          <span className="block truncate font-medium">{nameOf(props.user)}</span>
          <span className="block truncate text-xs text-fg-muted">@{props.user.username}</span>
        </span>
      </span>
      <span className="ml-auto flex flex-wrap justify-end gap-2">{props.children}</span>
    </li>
  );
}

function Section(props: { title: string; count: number; children: ReactNode }) {
  if (props.count === 0) return null;
  return (
    <section className="mt-6" aria-label={props.title}>
      <h2 className="text-xs font-semibold tracking-wide text-fg-muted uppercase">
        {props.title} ({props.count})
      </h2>
      <ul className="divide-y divide-line">{props.children}</ul>
    </section>
  );
}

/** Find people, answer requests, and manage friends and blocks (the title is the shell's pane header). */
export function FriendsPanel(props: { onOpenConversation: (id: string) => void }) {
  const friends = useFriends();
  const social = useSocialActions();
  const action = useAction();
  const [dialog, confirm] = useConfirm();
  const [query, setQuery] = useState('');
  // Answers are kept with the query they answer, so a stale answer is never shown for a new query.
  const [answer, setAnswer] = useState<{
    q: string;
    results: UserSearchResult[];
    error: string | null;
  } | null>(null);
  const q = query.trim();
  const searching = [...q].length >= USER_SEARCH_MIN_CHARS;
  const results = searching && answer?.q === q ? answer.results : null;
  const searchError = searching && answer?.q === q ? answer.error : null;

  useEffect(() => {
    if (!searching) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      social.search(q).then(
        (r) => !cancelled && setAnswer({ q, results: r.results, error: null }),
        (e: unknown) =>
          !cancelled && setAnswer({ q, results: [], error: e instanceof Error ? e.message : String(e) }),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // Searching again when the friends lists change keeps each result's relationship current.
  }, [q, searching, friends, social]);

  const relationshipAction = (user: UserSearchResult) => {
    switch (user.relationship) {
      case 'none':
        return <Button onClick={() => void action.run(() => social.request(user.id))}>Add friend</Button>;
      case 'incoming':
        return (
          <Button variant="primary" onClick={() => void action.run(() => social.accept(user.id))}>
            Accept
          </Button>
        );
      case 'outgoing':
        return <span className="text-xs text-fg-muted">Requested</span>;
      case 'friend':
        return <span className="text-xs text-fg-muted">Friends</span>;
      case 'blocked':
        return <Button onClick={() => void action.run(() => social.unblock(user.id))}>Unblock</Button>;
      case 'self':
        return <span className="text-xs text-fg-muted">You</span>;
    }
  };

  return (
    <div className="mx-auto w-full max-w-xl px-4 pt-4 pb-6 md:px-6">
      <label className="block">
        <span className="sr-only">Find people by username</span>
        <input
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Find people by username"
          autoComplete="off"
          className="w-full rounded-xl border border-line bg-surface px-3 py-2 text-fg placeholder:text-fg-muted"
        />
      </label>
      {(action.error ?? searchError) && (
        <p role="alert" className="mt-2 text-sm text-fg-danger">
          {action.error ?? searchError}
        </p>
      )}
      {results !== null && (
        <Section title="Search results" count={Math.max(results.length, 1)}>
          {results.length === 0 ? (
            <li className="py-2 text-sm text-fg-muted">Nobody with that username.</li>
          ) : (
            results.map((user) => (
              <Person key={user.id} user={user}>
                {relationshipAction(user)}
              </Person>
            ))
          )}
        </Section>
      )}
      <Section title="Requests for you" count={friends.incoming.length}>
        {friends.incoming.map((user) => (
          <Person key={user.id} user={user}>
            <Button
              variant="primary"
              disabled={action.busy}
              onClick={() => void action.run(() => social.accept(user.id))}
            >
              Accept
            </Button>
            <Button disabled={action.busy} onClick={() => void action.run(() => social.decline(user.id))}>
              Decline
            </Button>
          </Person>
        ))}
      </Section>
      <Section title="Sent requests" count={friends.outgoing.length}>
        {friends.outgoing.map((user) => (
          <Person key={user.id} user={user}>
            <Button disabled={action.busy} onClick={() => void action.run(() => social.cancel(user.id))}>
              Cancel
            </Button>
          </Person>
        ))}
      </Section>
      <Section title="Friends" count={friends.friends.length}>
        {friends.friends.map((user) => (
          <Person key={user.id} user={user}>
            <Button onClick={() => props.onOpenConversation(user.conversationId)}>Message</Button>
            <Button
              disabled={action.busy}
              onClick={() =>
                void confirm({
                  title: `Remove ${nameOf(user)} from your friends?`,
                  body: 'Your conversation stays readable for both of you, but no new messages can be sent in it.',
                  confirmLabel: 'Remove friend',
                }).then((yes) => yes && action.run(() => social.removeFriend(user.id)))
              }
            >
              Remove
            </Button>
            <Button
              variant="danger"
              disabled={action.busy}
              onClick={() =>
                void confirm({
                  title: `Block ${nameOf(user)}?`,
                  body: 'You stop being friends, and they can no longer send you requests or messages. You can unblock them later.',
                  confirmLabel: 'Block',
                }).then((yes) => yes && action.run(() => social.block(user.id)))
              }
            >
              Block
            </Button>
          </Person>
        ))}
      </Section>
      <Section title="Blocked" count={friends.blocked.length}>
        {friends.blocked.map((user) => (
          <Person key={user.id} user={user}>
            <Button disabled={action.busy} onClick={() => void action.run(() => social.unblock(user.id))}>
              Unblock
            </Button>
          </Person>
        ))}
      </Section>
      {dialog}
    </div>
  );
}
