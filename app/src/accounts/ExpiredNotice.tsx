import { useEffect, useState } from 'react';
import { countKeptUnsent, expiredNotice, type ExpiredAccount } from '../session/index.ts';

/**
 * The sign-in page's word after a session expired (SE1): whose it was and how many messages wait
 * to go out, counted from the kept outbox in IndexedDB while nothing else of the app runs.
 */
export function ExpiredNotice(props: { account: ExpiredAccount }) {
  const { userId, name } = props.account;
  const [unsent, setUnsent] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    void countKeptUnsent(userId).then((count) => live && setUnsent(count));
    return () => {
      live = false;
    };
  }, [userId]);
  return (
    <p
      role="status"
      className="mt-4 rounded-lg bg-raised px-3 py-2 text-sm text-fg"
      data-testid="session-expired"
      data-unsent={unsent ?? undefined}
    >
      {expiredNotice(name, unsent)}
    </p>
  );
}
