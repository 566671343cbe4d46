import type { UserSummary } from '@messenjo/shared';
import { Store } from '../lib/store.ts';

/**
 * Names and pictures of the people this device knows (from the index at start, then the
 * server's answers): what previews, server lines and avatars show.
 */
export class Profiles {
  readonly people = new Store<ReadonlyMap<string, UserSummary>>(new Map());

  constructor(private readonly me: string) {}

  add(people: readonly UserSummary[]): void {
    if (people.length === 0) return;
    const next = new Map(this.people.get());
    for (const person of people) next.set(person.id, person);
    this.people.set(next);
  }

  /** Names for previews and server lines: known profiles, the user, else "someone". */
  nameOf = (userId: string): string => {
    if (userId === this.me) return 'You';
    const person = this.people.get().get(userId);
    return person ? person.displayName || person.username : 'someone';
  };
}
