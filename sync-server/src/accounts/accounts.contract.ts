import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database, Sql } from '../db/index.ts';
import type { ScratchDatabase } from '../db/scratch-sqlite.ts';
import { DomainError } from '../domain-error.ts';
import { createEventBus } from '../events/bus.ts';
import { SessionStore } from '../sessions/index.ts';
import { Accounts } from './accounts.ts';
import { MediaStore } from './media/media-store.ts';
import { Pictures } from './media/pictures.ts';
import { completeOAuth } from './oauth/complete.ts';
import { OAuthFlowError } from './oauth/provider.ts';
import type { User } from './users.ts';

/**
 * The accounts stores' contract (users, sign-in methods, invites, flows, media rows) and the
 * rules that must hold with requests at once: run against SQLite and PostgreSQL.
 */
export function accountsContract(open: () => Promise<ScratchDatabase>): void {
  let scratch: ScratchDatabase;
  let db: Database;
  let dir: string;
  let accounts: Accounts;
  let admin: User;

  const linkGithub = (subject: string) => (user: User, tx: Sql) =>
    accounts.identities.link(
      { provider: 'github', subject, userId: user.id, label: subject, createdAt: 0 },
      tx,
    );

  beforeEach(async () => {
    scratch = await open();
    db = scratch.database;
    dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-accounts-'));
    const bus = createEventBus((error) => {
      throw error;
    });
    let now = 1_000;
    const clock = () => now++;
    accounts = new Accounts(
      db,
      bus,
      new SessionStore(db, bus, clock),
      { registration: 'invite-only' },
      clock,
    );
    // The first account of a fresh server needs no invite and becomes its admin.
    admin = await accounts.createAccount({ displayName: 'Ada', username: 'ada' }, linkGithub('1'));
  });
  afterEach(async () => {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The refusal a call ends in, as clients see it: code and field (no HTTP status here). */
  async function refusalOf(fn: () => Promise<unknown>): Promise<{ code: string; field?: string }> {
    try {
      await fn();
    } catch (error) {
      if (error instanceof DomainError)
        return { code: error.code, ...(error.field ? { field: error.field } : {}) };
      throw error;
    }
    throw new Error('expected a refusal');
  }
  const count = async (table: string) =>
    (await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`))?.n;

  describe('accounts', () => {
    it('makes the first account the admin, and stores a passkey’s bytes and fields as they were', async () => {
      expect(admin.isAdmin).toBe(true);
      const key = new Uint8Array([0, 1, 2, 250, 255]);
      await accounts.passkeys.add({
        id: 'cred-1',
        userId: admin.id,
        webauthnUser: 'handle',
        publicKey: key,
        counter: 7,
        transports: ['usb', 'nfc'],
        name: 'Yubikey',
        createdAt: 5,
      });
      expect(await accounts.passkeys.get('cred-1')).toEqual({
        id: 'cred-1',
        userId: admin.id,
        webauthnUser: 'handle',
        publicKey: key,
        counter: 7,
        transports: ['usb', 'nfc'],
        name: 'Yubikey',
        createdAt: 5,
        lastUsedAt: null,
      });
      await accounts.passkeys.recordUse('cred-1', 8, 9);
      expect(await accounts.passkeys.get('cred-1')).toMatchObject({ counter: 8, lastUsedAt: 9 });
      expect((await accounts.methods(admin.id)).map((m) => m.kind)).toEqual(['passkey', 'github']);
    });

    it('hands a flow out once, and never an expired one or one of another kind', async () => {
      const id = await accounts.flows.put('passkey.login', { challenge: 'c' });
      expect(await accounts.flows.take('passkey.register', id)).toBeNull();
      const again = await accounts.flows.put('passkey.login', { challenge: 'd' });
      const [one, two] = await Promise.all([
        accounts.flows.take('passkey.login', again),
        accounts.flows.take('passkey.login', again),
      ]);
      expect([one, two].filter((f) => f !== null)).toEqual([{ challenge: 'd' }]);
    });

    it('refuses sign-up without a usable invite on an invite-only server, creating nothing', async () => {
      const signUp = (inviteCode?: string) => () =>
        accounts.createAccount(
          { displayName: 'Bob', ...(inviteCode ? { inviteCode } : {}) },
          linkGithub('2'),
        );
      expect(await refusalOf(signUp())).toEqual({ code: 'invite_required', field: 'inviteCode' });
      expect(await refusalOf(signUp('nosuchinvite'))).toEqual({
        code: 'invalid_invite',
        field: 'inviteCode',
      });
      expect(await count('users')).toBe(1);
      expect(await accounts.identities.find('github', '2')).toBeNull();
    });

    it('lets one invite in once when two people use it at the same moment', async () => {
      const invite = await accounts.registration.create(admin.id, new URL('http://localhost'));
      const results = await Promise.allSettled(
        ['2', '3', '4'].map((subject) =>
          accounts.createAccount({ displayName: subject, inviteCode: invite.code }, linkGithub(subject)),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect(r.reason).toMatchObject({ code: 'invalid_invite' });
      expect(await count('users')).toBe(2);
      expect(await count('oauth_identities')).toBe(2);
      expect((await accounts.registration.list(new URL('http://localhost')))[0]?.usedAt).not.toBeNull();
    });

    it('refuses a taken username (any case), also to two people claiming it at once', async () => {
      const invites = await Promise.all(
        [1, 2].map(() => accounts.registration.create(admin.id, new URL('http://localhost'))),
      );
      const [bob, cat] = await Promise.all(
        invites.map((invite, i) =>
          accounts.createAccount({ displayName: 'x', inviteCode: invite.code }, linkGithub(`s${i}`)),
        ),
      );
      expect(await refusalOf(() => accounts.users.setUsername(bob!.id, 'ADA'))).toEqual({
        code: 'username_taken',
        field: 'username',
      });
      expect((await accounts.users.get(bob!.id))?.username).toBeNull();
      const claims = await Promise.allSettled([
        accounts.users.setUsername(bob!.id, 'Zed'),
        accounts.users.setUsername(cat!.id, 'zed'),
      ]);
      expect(claims.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
      const names = [
        (await accounts.users.get(bob!.id))?.username,
        (await accounts.users.get(cat!.id))?.username,
      ];
      expect(names.filter((n) => n?.toLowerCase() === 'zed')).toHaveLength(1);
    });

    it('never removes the last way in, also when two devices remove the last two at once', async () => {
      const github = {
        exists: () => Promise.resolve(true),
        remove: (tx: Sql) => accounts.identities.unlink(admin.id, 'github', tx),
      };
      expect(
        await accounts.removeMethod(admin.id, {
          exists: () => Promise.resolve(false),
          remove: github.remove,
        }),
      ).toBe(false);
      expect(await refusalOf(() => accounts.removeMethod(admin.id, github))).toEqual({
        code: 'last_sign_in_method',
      });
      await accounts.passkeys.add({
        id: 'cred-2',
        userId: admin.id,
        webauthnUser: 'h',
        publicKey: new Uint8Array([1]),
        counter: 0,
        transports: [],
        name: '',
        createdAt: 1,
      });
      const removals = await Promise.allSettled([
        accounts.removeMethod(admin.id, {
          exists: () => Promise.resolve(true),
          remove: (tx) => accounts.passkeys.remove(admin.id, 'cred-2', tx),
        }),
        accounts.removeMethod(admin.id, github),
      ]);
      expect(removals.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(await accounts.methodCount(admin.id)).toBe(1);
    });

    it('turns a registration refusal during OAuth sign-up into the reason shown on the sign-in page', async () => {
      const checks = { state: 's', codeVerifier: 'v', nonce: 'n', redirectUri: 'http://localhost/cb' };
      const profile = {
        subject: '3',
        label: 'carol',
        displayName: 'Carol',
        suggestedUsername: 'carol',
        pictureUrl: null,
      };
      const thrown = await completeOAuth(
        accounts,
        { ...checks, provider: 'github', mode: 'signin' },
        profile,
        undefined,
      ).then(
        () => null,
        (error: unknown) => error,
      );
      expect(thrown).toBeInstanceOf(OAuthFlowError);
      expect((thrown as OAuthFlowError).reason).toBe(
        'This server is invite-only: open an invite link to sign up',
      );
      expect(await accounts.identities.find('github', '3')).toBeNull();
    });

    it('refuses a file that is not an image by its content, storing nothing', async () => {
      const media = new MediaStore(db);
      const pictures = new Pictures(media, path.join(dir, 'media'), () => 0);
      const refusal = await pictures
        .ingest(admin.id, new TextEncoder().encode('<svg>not allowed</svg>'))
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal).toMatchObject({ code: 'unsupported_media_type', field: 'picture' });
      expect(await count('media')).toBe(0);
    });

    it('keeps a picture’s row until its last user releases it', async () => {
      const media = new MediaStore(db);
      await media.insert({ id: 'm1', ownerId: admin.id, hash: 'h', createdAt: 1 });
      await media.insert({ id: 'm2', ownerId: admin.id, hash: 'h', createdAt: 2 });
      expect(await media.urls('m1')).toEqual({ large: '/media/h-256.webp', small: '/media/h-64.webp' });
      expect(await media.delete('m1', 'h')).toBe(1);
      expect(await media.delete('m2', 'h')).toBe(0);
      expect(await media.get('m2')).toBeNull();
    });
  });
}
