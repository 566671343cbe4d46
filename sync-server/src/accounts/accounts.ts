import type { LinkedMethod, MeResponse, OAuthProviderId, PictureUrls } from '@messenjo/shared';
import type { Db } from '../db/index.ts';
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
    readonly db: Db,
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
   * all in one transaction: an account never exists without a way into it.
   */
  createAccount(
    input: {
      displayName: string;
      username?: string | null;
      suggestedUsername?: string | null;
      inviteCode?: string;
    },
    attachMethod: (user: User) => void,
  ): User {
    return this.db
      .transaction(() => {
        this.registration.check(input.inviteCode);
        const user = this.users.create(input);
        this.registration.consume(input.inviteCode, user);
        attachMethod(user);
        return user;
      })
      .immediate();
  }

  /** How many ways into the account exist (passkeys + linked identities). */
  methodCount(userId: string): number {
    return this.passkeys.listForUser(userId).length + this.identities.listForUser(userId).length;
  }

  /** Throws when removing one method would lock the person out. */
  assertNotLastMethod(userId: string): void {
    if (this.methodCount(userId) <= 1) throw refuse.lastSignInMethod();
  }

  methods(userId: string): LinkedMethod[] {
    const passkeys: LinkedMethod[] = this.passkeys.listForUser(userId).map((p) => ({
      kind: 'passkey',
      id: p.id,
      label: p.name ? `Passkey (${p.name})` : 'Passkey',
      createdAt: p.createdAt,
      lastUsedAt: p.lastUsedAt,
    }));
    const identities: LinkedMethod[] = this.identities.listForUser(userId).map((i) => ({
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

  me(user: User, picture: PictureUrls | null): MeResponse {
    return {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      picture,
      isAdmin: user.isAdmin,
      createdAt: user.createdAt,
      methods: this.methods(user.id),
      suggestedUsername: user.username === null ? user.suggestedUsername : null,
    };
  }
}
