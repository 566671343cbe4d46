import type { ErrorCode } from '@messenjo/shared';

/**
 * A rule of the domain refused what was asked: not friends, not a member, a name that breaks
 * the naming rule. It carries the shared `ErrorCode` clients switch on, a sentence for people
 * and the input field at fault, and knows nothing of HTTP: the HTTP layer's one `onError`
 * gives each code its status (`http/error-status.ts`), and a socket or a job can report the
 * same error its own way.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
