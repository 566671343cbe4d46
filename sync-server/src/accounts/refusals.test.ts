import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, openDatabase, type Db } from '../db/index.ts';
import { DomainError } from '../domain-error.ts';
import { createEventBus } from '../events/bus.ts';
import { SessionStore } from '../sessions/index.ts';
import { Accounts } from './accounts.ts';
import { MediaStore } from './media/media-store.ts';
import { Pictures } from './media/pictures.ts';
import { completeOAuth } from './oauth/complete.ts';
import { OAuthFlowError } from './oauth/provider.ts';
import type { User } from './users.ts';

let dir: string;
let db: Db;
let accounts: Accounts;
let admin: User;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-accounts-'));
  db = openDatabase(path.join(dir, 'db.sqlite'));
  migrate(db, MIGRATIONS);
  const bus = createEventBus((error) => {
    throw error;
  });
  let now = 1_000;
  const clock = () => now++;
  accounts = new Accounts(db, bus, new SessionStore(db, bus, clock), { registration: 'invite-only' }, clock);
  // The first account of a fresh server needs no invite and becomes its admin.
  admin = accounts.createAccount({ displayName: 'Ada', username: 'ada' }, (user) => linkGithub(user, '1'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function linkGithub(user: User, subject: string): void {
  accounts.identities.link({ provider: 'github', subject, userId: user.id, label: subject, createdAt: 0 });
}

/** The refusal a call ends in, as clients see it: code and field (no HTTP status here). */
function refusalOf(fn: () => unknown): { code: string; field?: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError)
      return { code: error.code, ...(error.field ? { field: error.field } : {}) };
    throw error;
  }
  throw new Error('expected a refusal');
}
const userCount = () => (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;

describe('accounts refusals are domain errors', () => {
  it('refuses sign-up without a usable invite on an invite-only server, creating nothing', () => {
    const signUp = (inviteCode?: string) => () =>
      accounts.createAccount({ displayName: 'Bob', ...(inviteCode ? { inviteCode } : {}) }, (user) =>
        linkGithub(user, '2'),
      );
    expect(refusalOf(signUp())).toEqual({ code: 'invite_required', field: 'inviteCode' });
    expect(refusalOf(signUp('nosuchinvite'))).toEqual({ code: 'invalid_invite', field: 'inviteCode' });
    expect(userCount()).toBe(1);
    expect(accounts.identities.find('github', '2')).toBeNull();
  });

  it('refuses a taken username (any case) and keeps the name the person had', () => {
    const invite = accounts.registration.create(admin.id, new URL('http://localhost'));
    const bob = accounts.createAccount({ displayName: 'Bob', inviteCode: invite.code }, (user) =>
      linkGithub(user, '2'),
    );
    expect(refusalOf(() => accounts.users.setUsername(bob.id, 'ADA'))).toEqual({
      code: 'username_taken',
      field: 'username',
    });
    expect(accounts.users.get(bob.id)?.username).toBeNull();
  });

  it('refuses to remove the last way into an account', () => {
    expect(refusalOf(() => accounts.assertNotLastMethod(admin.id))).toEqual({ code: 'last_sign_in_method' });
  });

  it('turns a registration refusal during OAuth sign-up into the reason shown on the sign-in page', () => {
    const checks = { state: 's', codeVerifier: 'v', nonce: 'n', redirectUri: 'http://localhost/cb' };
    const profile = {
      subject: '3',
      label: 'carol',
      displayName: 'Carol',
      suggestedUsername: 'carol',
      pictureUrl: null,
    };
    let thrown: unknown;
    try {
      completeOAuth(accounts, { ...checks, provider: 'github', mode: 'signin' }, profile, undefined);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OAuthFlowError);
    expect((thrown as OAuthFlowError).reason).toBe(
      'This server is invite-only: open an invite link to sign up',
    );
    expect(accounts.identities.find('github', '3')).toBeNull();
  });

  it('refuses a file that is not an image by its content, storing nothing', async () => {
    const media = new MediaStore(db);
    const pictures = new Pictures(media, path.join(dir, 'media'), () => 0);
    const refusal = await pictures.ingest(admin.id, new TextEncoder().encode('<svg>not allowed</svg>')).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal).toMatchObject({ code: 'unsupported_media_type', field: 'picture' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM media').get()).toEqual({ n: 0 });
  });
});
