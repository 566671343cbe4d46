import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MembershipStore } from '../conversations/membership-store.ts';
import type { ScratchDatabase } from '../db/scratch-sqlite.ts';
import { DomainError } from '../domain-error.ts';
import { createEventBus } from '../events/bus.ts';
import { silentLogger } from '../logger.ts';
import { Attachments, UPLOAD_EXPIRY_MS, type PartialUploads } from './attachments.ts';
import { BlobFiles } from './blob-files.ts';
import { SqlBlobStore } from './blob-store.ts';

/**
 * The blob lifecycle on a real database and real files: quota reservations, the hash check,
 * dedup, reference counting and the grace period. Run against SQLite (`pnpm check`) and
 * PostgreSQL (tests/integration/stores/); the HTTP side is tested through the built server in
 * tests/integration/attachments/.
 */
export function attachmentsContract(open: () => Promise<ScratchDatabase>): void {
  const GRACE = 60_000;
  const QUOTA = 10_000;

  let dir: string;
  let scratch: ScratchDatabase;
  let memberships: MembershipStore;
  let store: SqlBlobStore;
  let attachments: Attachments;
  let clock: number;
  let ann: string;
  let bob: string;
  let group: string;
  let uploadN = 0;

  const partials = (): PartialUploads => ({
    pathOf: (id) => path.join(dir, 'uploads', id),
    remove: (id) => {
      rmSync(path.join(dir, 'uploads', id), { force: true });
      return Promise.resolve();
    },
  });

  const person = async (id: string): Promise<string> => {
    await scratch.database.run('INSERT INTO users (id, created_at) VALUES (?, ?)', [id, 0]);
    return id;
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'messenjo-blobs-'));
    mkdirSync(path.join(dir, 'uploads'));
    scratch = await open();
    memberships = new MembershipStore(
      scratch.database,
      createEventBus(() => {}),
    );
    ann = await person('u_ann');
    bob = await person('u_bob');
    group = await memberships.createConversation({ kind: 'group', name: 'g', createdBy: ann });
    await memberships.addMember(group, ann, 'owner');
    await memberships.addMember(group, bob, 'member');
    clock = 1_000_000;
    store = new SqlBlobStore(scratch.database);
    attachments = new Attachments({
      store,
      files: new BlobFiles(path.join(dir, 'blobs')),
      partials: partials(),
      audience: {
        canWrite: async (userId, conversationId) =>
          (await memberships.activeRoles(userId, [conversationId])).size > 0,
        isMemberOfAny: async (userId, ids) => (await memberships.activeRoles(userId, ids)).size > 0,
      },
      config: { maxFileBytes: 5_000, quotaBytes: QUOTA, graceMs: GRACE },
      logger: silentLogger,
      now: () => clock,
    });
  });

  afterEach(async () => {
    await scratch.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Uploads `bytes` as `userId` (the partial file written as tus would) and finishes it. */
  async function upload(userId: string, bytes: Buffer, claimed?: string): Promise<string> {
    const blobId = claimed ?? createHash('sha256').update(bytes).digest('hex');
    const uploadId = `up${++uploadN}`;
    await attachments.beginUpload({ uploadId, userId, conversationId: group, blobId, length: bytes.length });
    writeFileSync(partials().pathOf(uploadId), bytes);
    await attachments.finishUpload(uploadId);
    return blobId;
  }

  const code = async (work: Promise<unknown>): Promise<string> => {
    const error: unknown = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    return error instanceof DomainError ? error.code : `no refusal (${String(error)})`;
  };

  describe('attachment blobs', () => {
    it('a verified upload is stored once by its hash and fetched by members only', async () => {
      const bytes = randomBytes(1000);
      const blob = await upload(ann, bytes);
      expect(await upload(bob, bytes)).toBe(blob);
      expect(await attachments.blobFor(bob, blob)).toEqual({ size: 1000 });
      const eve = await person('u_eve');
      expect(await code(attachments.blobFor(eve, blob))).toBe('blob_not_found');
      await memberships.endMembership(group, bob, 'removed');
      expect(await code(attachments.blobFor(bob, blob))).toBe('blob_not_found');
    });

    it('bytes that do not hash to the id claimed are refused and dropped', async () => {
      const claimed = createHash('sha256').update('something else').digest('hex');
      expect(await code(upload(ann, randomBytes(100), claimed))).toBe('attachment_hash_mismatch');
      expect(await store.get(claimed)).toBeUndefined();
      expect(await store.usage(ann)).toBe(0);
    });

    it('uploads in progress count against the quota; the refusal says what is used', async () => {
      await attachments.beginUpload({
        uploadId: 'a',
        userId: ann,
        conversationId: group,
        blobId: 'a'.repeat(64),
        length: 4_000,
      });
      expect(await store.usage(ann)).toBe(4_000);
      await upload(ann, randomBytes(4_000));
      expect(await store.usage(ann)).toBe(8_000);
      const refused = await attachments
        .beginUpload({
          uploadId: 'b',
          userId: ann,
          conversationId: group,
          blobId: 'b'.repeat(64),
          length: 4_000,
        })
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'attachment_quota_exceeded' });
      // Bob's quota is his own; a dropped upload gives Ann her room back.
      await upload(bob, randomBytes(4_000));
      await attachments.dropUpload('a');
      await attachments.beginUpload({
        uploadId: 'c',
        userId: ann,
        conversationId: group,
        blobId: 'c'.repeat(64),
        length: 4_000,
      });
    });

    it('refuses a file over the limit and a conversation the uploader cannot write in', async () => {
      const big = {
        uploadId: 'x',
        userId: ann,
        conversationId: group,
        blobId: 'd'.repeat(64),
        length: 9_000,
      };
      expect(await code(attachments.beginUpload(big))).toBe('attachment_too_large');
      await memberships.endMembership(group, bob, 'left');
      expect(await code(attachments.beginUpload({ ...big, userId: bob, length: 10 }))).toBe('not_a_member');
    });

    it('a blob nothing references is freed after the grace period, not before', async () => {
      const blob = await upload(ann, randomBytes(500));
      const file = path.join(dir, 'blobs', blob.slice(0, 2), blob);
      clock += GRACE - 1;
      expect(await attachments.sweep()).toMatchObject({ blobs: 0 });
      clock += 1;
      expect(await attachments.sweep()).toMatchObject({ blobs: 1 });
      expect(existsSync(file)).toBe(false);
      expect(await store.get(blob)).toBeUndefined();
    });

    it('a referenced blob stays; deleting its last message frees it after the grace period', async () => {
      const blob = await upload(ann, randomBytes(500));
      await store.addReferences(group, 'm1', [blob]);
      await store.addReferences(group, 'm2', [blob]);
      clock += GRACE * 2;
      expect((await attachments.sweep()).blobs).toBe(0);
      await store.dropMessage(group, 'm1', clock);
      clock += GRACE * 2;
      expect((await attachments.sweep()).blobs).toBe(0);
      await store.dropMessage(group, 'm2', clock);
      clock += GRACE - 1;
      expect((await attachments.sweep()).blobs).toBe(0);
      clock += 1;
      expect((await attachments.sweep()).blobs).toBe(1);
      expect(await store.usage(ann)).toBe(0);
    });

    it("deleting a conversation drops its messages' references", async () => {
      const blob = await upload(ann, randomBytes(500));
      await store.addReferences(group, 'm1', [blob]);
      await store.dropConversation(group, clock);
      clock += GRACE;
      expect((await attachments.sweep()).blobs).toBe(1);
    });

    it('[VAL8] a blob may be sent by its uploader in its conversation, or forwarded within it', async () => {
      const annBlob = await upload(ann, randomBytes(300));
      const missing = 'f'.repeat(64);
      const other = await memberships.createConversation({ kind: 'group', name: 'h', createdBy: ann });
      await memberships.addMember(other, ann, 'owner');
      await memberships.addMember(other, bob, 'member');
      const usable = async (userId: string, conversationId: string): Promise<Map<string, number>> =>
        (await attachments.claim(userId, conversationId, [{ key: '0:mProbe', blobs: [annBlob, missing] }]))
          .usable;
      expect(await usable(ann, group)).toEqual(new Map([[annBlob, 300]]));
      // Not Bob's upload, not Ann's for the other conversation.
      expect(await usable(bob, group)).toEqual(new Map());
      expect(await usable(ann, other)).toEqual(new Map());
      // Sent in the group: anyone there may send it again there (not elsewhere).
      await store.addReferences(group, '0:m1', [annBlob]);
      expect(await usable(bob, group)).toEqual(new Map([[annBlob, 300]]));
      expect(await usable(bob, other)).toEqual(new Map());
    });

    it('[REF1] a claim references the blobs at once (nothing added when one is refused); undone, the grace period starts', async () => {
      const blob = await upload(ann, randomBytes(300));
      const refused = await attachments.claim(ann, group, [{ key: '0:m1', blobs: [blob, 'f'.repeat(64)] }]);
      expect(refused.claimed).toEqual([]);
      const claim = await attachments.claim(ann, group, [{ key: '0:m1', blobs: [blob] }]);
      expect(claim.claimed).toEqual([{ blob, key: '0:m1' }]);
      // Claimed again (a resend): nothing new to undo.
      expect((await attachments.claim(ann, group, [{ key: '0:m1', blobs: [blob] }])).claimed).toEqual([]);
      clock += GRACE * 2;
      expect((await attachments.sweep()).blobs).toBe(0);
      await attachments.unclaim(group, claim.claimed);
      clock += GRACE - 1;
      expect((await attachments.sweep()).blobs).toBe(0);
      clock += 1;
      expect((await attachments.sweep()).blobs).toBe(1);
      expect((await attachments.claim(ann, group, [{ key: '0:m2', blobs: [blob] }])).usable).toEqual(
        new Map(),
      );
    });

    it('[REF2] a deleted message drops its references; the same id in another segment keeps its own', async () => {
      const blob = await upload(ann, randomBytes(300));
      await attachments.referenced(group, [
        { key: '0:mSame', blobs: [blob] },
        { key: '1:mSame', blobs: [blob] },
      ]);
      await attachments.deleted(group, ['1:mSame']);
      clock += GRACE * 2;
      expect((await attachments.sweep()).blobs).toBe(0);
      await attachments.deleted(group, ['0:mSame']);
      clock += GRACE;
      expect((await attachments.sweep()).blobs).toBe(1);
    });

    it('an upload not finished within a day is dropped with its partial bytes', async () => {
      await attachments.beginUpload({
        uploadId: 'slow',
        userId: ann,
        conversationId: group,
        blobId: 'e'.repeat(64),
        length: 900,
      });
      writeFileSync(partials().pathOf('slow'), randomBytes(300));
      clock += UPLOAD_EXPIRY_MS + 1;
      expect(await attachments.sweep()).toEqual({ blobs: 0, uploads: 1 });
      expect(existsSync(partials().pathOf('slow'))).toBe(false);
      expect(await store.upload('slow')).toBeUndefined();
    });
  });
}
