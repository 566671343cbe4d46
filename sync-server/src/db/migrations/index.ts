import type { Db } from '../open.ts';
import { m0001Init } from './0001-init.ts';

export interface Migration {
  /** Strictly increasing, never reused or renumbered once released. */
  version: number;
  name: string;
  up(db: Db): void;
}

/** Every migration in order. Append only: a released migration never changes. */
export const MIGRATIONS: readonly Migration[] = [m0001Init];
