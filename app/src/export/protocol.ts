import type { ConversationMeta } from './build-export.ts';
import type { ExportPerson } from './format.ts';

export type ExportFormat = 'json' | 'markdown';

/** The page asks the export worker for one file. */
export interface ExportRequest {
  format: ExportFormat;
  syncDbName: string;
  account: { id: string } & ExportPerson;
  people: [string, ExportPerson][];
  conversations: [string, ConversationMeta][];
}

export type ExportAnswer =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'done'; text: string }
  | { kind: 'failed'; message: string };
