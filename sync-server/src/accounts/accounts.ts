import type { LinkedMethod, MeResponse, OAuthProviderId, PictureUrls } from '@messenjo/shared';
import type { Sql } from '../db/index.ts';
import type { EventBus } from '../events/bus.ts';
import type { SessionStore } from '../sessions/index.ts';
import type { AccountsConfig } from './config.ts';
import { FlowStore } from './flows.ts';
import { IdentityStore } from './oauth/identity-store.ts';
import { PasskeyStore } from './passkeys/credential-store.ts';
import { refuse } from './refusals.ts';
import { Registration } from './registration.ts';
import { UserStore, type User } from './users.ts';

const PROVIDER_NAMES: Record<OAuthProviderId, string> = {
  github: 'GitHub',
  google: 'Google',
  oidc: 'OpenID Connect',
};

/**
 * The accounts feature's stores and the rules that span them (creating an account under the
 * registration policy, never removing the last way in). Built once, part of `Services`.
 */
export class Accounts {
  readonly users: UserStore;
  readonly passkeys: PasskeyStore;
  readonly identities: IdentityStore;
  readonly flows: FlowStore;
  readonly registration: Registration;

  constructor(
    readonly db: Sql,
    readonly bus: EventBus,
    readonly sessions: SessionStore,
    readonly config: AccountsConfig,
    readonly now: () => number,
  ) {
    this.users = new UserStore(db, now);
    this.passkeys = new PasskeyStore(db);
    this.identities = new IdentityStore(db);
    this.flows = new FlowStore(db, now);
    this.registration = new Registration(db, this.users, config.registration, now);
  }

  /**
   * Creates an account under the registration policy and attaches its first sign-in method,
   * all in one transaction: an account never exists without a way into it. `attachMethod`
   * writes through the transaction it is handed (and may run again on PostgreSQL: no other effects).
   */
  createAccount(
    input: {
      displayName: string;
      username?: string | null;
      suggestedUsername?: string | null;
      inviteCode?: string;
    },
    attachMethod: (user: User, tx: Sql) => Promise<void>,
  ): Promise<User> {
    return this.db.transaction(async (tx) => {
      await this.registration.check(input.inviteCode, tx);
      const user = await this.users.create(input, tx);
      await this.registration.consume(input.inviteCode, user, tx);
      await attachMethod(user, tx);
      return user;
    });
  }

  /** How many ways into the account exist (passkeys + linked identities). */
  async methodCount(userId: string, q: Sql = this.db): Promise<number> {
    const [passkeys, identities] = await Promise.all([
      this.passkeys.listForUser(userId, q),
      this.identities.listForUser(userId, q),
    ]);
    return passkeys.length + identities.length;
  }

  /**
   * Removes one way in unless it is the last: the count and the removal are one transaction, so
   * two removals at once (two devices) never leave the account without one (on PostgreSQL, the
   * serializable transaction sees the other's removal and is run again). False when the account
   * has no such method (nothing removed).
   */
  removeMethod(
    userId: string,
    method: { exists(tx: Sql): Promise<boolean>; remove(tx: Sql): Promise<unknown> },
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await method.exists(tx))) return false;
      if ((await this.methodCount(userId, tx)) <= 1) throw refuse.lastSignInMethod();
      await method.remove(tx);
      return true;
    });
  }

  async methods(userId: string): Promise<LinkedMethod[]> {
    const [passkeyRows, identityRows] = await Promise.all([
      this.passkeys.listForUser(userId),
      this.identities.listForUser(userId),
    ]);
    const passkeys: LinkedMethod[] = passkeyRows.map((p) => ({
      kind: 'passkey',
      id: p.id,
      label: p.name ? `Passkey (${p.name})` : 'Passkey',
      createdAt: p.createdAt,
      lastUsedAt: p.lastUsedAt,
    }));
    const identities: LinkedMethod[] = identityRows.map((i) => ({
      kind: i.provider,
      id: i.provider,
      label: `${this.providerName(i.provider)}${i.label ? ` (${i.label})` : ''}`,
      createdAt: i.createdAt,
      lastUsedAt: i.lastUsedAt,
    }));
    return [...passkeys, ...identities];
  }

  providerName(provider: OAuthProviderId): string {
    return provider === 'oidc' ? (this.config.oidc?.name ?? PROVIDER_NAMES.oidc) : PROVIDER_NAMES[provider];
  }

  async me(user: User, picture: PictureUrls | null): Promise<MeResponse> {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      picture,
      isAdmin: user.isAdmin,
      createdAt: user.createdAt,
      methods: await this.methods(user.id),
      suggestedUsername: user.username === null ? user.suggestedUsername : null,
    };
  }
}
