import type { Db } from '../open.ts';

/** One step of the schema. Its own file so that each migration and the list of them import it without a cycle. */
export interface Migration {
  /** Strictly increasing, never reused or renumbered once released. */
  version: number;
  name: string;
  up(db: Db): void;
}
