import { displayNameSchema } from '@messenjo/shared';
import { DomainError } from '../../domain-error.ts';
import type { Accounts } from '../accounts.ts';
import type { User } from '../users.ts';
import { OAuthFlowError, type ProviderProfile } from './provider.ts';
import type { PendingAuthorization } from './state-cookie.ts';

/**
 * What a verified provider profile means here: sign in to the account it is linked to, link
 * it to the signed-in account, or create a new account (under the registration policy).
 * Returns the user to start a session for, or null when linking (the session stays).
 */
export async function completeOAuth(
  accounts: Accounts,
  pending: PendingAuthorization,
  profile: ProviderProfile,
  current: User | undefined,
): Promise<{ user: User; created: boolean } | null> {
  const name = accounts.providerName(pending.provider);
  const existing = await accounts.identities.find(pending.provider, profile.subject);

  if (pending.mode === 'link') {
    if (!current)
      throw new OAuthFlowError('Your session ended before the link finished: sign in and try again');
    if (existing) {
      if (existing.userId === current.id) return null;
      throw new OAuthFlowError(`This ${name} account is already linked to another Messenjo account`);
    }
    if ((await accounts.identities.listForUser(current.id)).some((i) => i.provider === pending.provider)) {
      throw new OAuthFlowError(`Your account already has a ${name} account linked: unlink it first`);
    }
    await accounts.identities.link({
      provider: pending.provider,
      subject: profile.subject,
      userId: current.id,
      label: profile.label,
      createdAt: accounts.now(),
    });
    return null;
  }

  if (existing) {
    const user = await accounts.users.get(existing.userId);
    if (!user) throw new OAuthFlowError('This account was deleted');
    await accounts.identities.recordUse(pending.provider, profile.subject, accounts.now());
    return { user, created: false };
  }

  try {
    const user = await accounts.createAccount(
      {
        // A provider's name follows its rules, not ours: kept only when valid here.
        displayName: displayNameSchema.safeParse(profile.displayName).data ?? '',
        username: null,
        suggestedUsername: profile.suggestedUsername,
        ...(pending.inviteCode ? { inviteCode: pending.inviteCode } : {}),
      },
      (created, tx) =>
        accounts.identities.link(
          {
            provider: pending.provider,
            subject: profile.subject,
            userId: created.id,
            label: profile.label,
            createdAt: accounts.now(),
          },
          tx,
        ),
    );
    return { user, created: true };
  } catch (error) {
    // Registration refusals (invite required…) become the reason shown on the sign-in page.
    if (error instanceof DomainError) throw new OAuthFlowError(error.message);
    throw error;
  }
}
