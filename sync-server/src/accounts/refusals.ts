import { DomainError } from '../domain-error.ts';

/**
 * Every refusal of the accounts rules (usernames, the registration policy, sign-in methods),
 * each with its own code and the field at fault. Domain errors, not HTTP ones: the API's
 * `onError` gives each code its status, and the OAuth callback shows the message as the
 * reason on the sign-in page.
 */
export const refuse = {
  usernameTaken: (username: string) =>
    new DomainError('username_taken', `The username "${username}" is already taken`, 'username'),
  inviteRequired: () =>
    new DomainError(
      'invite_required',
      'This server is invite-only: open an invite link to sign up',
      'inviteCode',
    ),
  invalidInvite: () =>
    new DomainError('invalid_invite', 'This invite link is unknown, used or expired', 'inviteCode'),
  lastSignInMethod: () =>
    new DomainError(
      'last_sign_in_method',
      'This is your only way to sign in: add another passkey or link an account first',
    ),
};
