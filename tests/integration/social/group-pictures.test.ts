import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ConversationDetail } from '@messenjo/shared';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';
import { makeFriends, ok } from '../../harness/social.ts';

describe('group pictures', () => {
  const server = useServer('social-group-pictures');
  const url = () => server().url;
  let owner: TestAccount, ann: TestAccount, stranger: TestAccount;
  let group: string;
  const mediaFiles = () => readdirSync(path.join(server().dataDir, 'media')).length;
  const upload = (account: TestAccount, body: Uint8Array | string) =>
    authedFetch(url(), account, `/api/groups/${group}/picture`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
    });

  beforeAll(async () => {
    [owner, ann, stranger] = await Promise.all([signUp(url()), signUp(url()), signUp(url())]);
    await makeFriends(url(), owner, ann);
    group = (
      await ok<{ id: string }>(
        authedFetch(url(), owner, '/api/groups', {
          method: 'POST',
          body: JSON.stringify({ name: 'Pics', memberIds: [ann.userId] }),
        }),
        'create',
      )
    ).id;
  });

  it('any member sets, changes and removes it; the list shows it to everyone, cached immutably', async () => {
    const red = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#c00' } })
      .png()
      .toBuffer();
    const set = await ok<ConversationDetail>(upload(ann, red), 'upload');
    expect(set.picture?.large).toMatch(/^\/media\/[0-9a-f]+-256\.webp$/);
    const seenByOwner = await ok<ConversationDetail>(
      authedFetch(url(), owner, `/api/conversations/${group}`),
      'detail',
    );
    expect(seenByOwner.picture).toEqual(set.picture);
    const file = await fetch(`${url()}${set.picture!.small}`);
    expect(file.headers.get('content-type')).toBe('image/webp');
    expect(file.headers.get('cache-control')).toContain('immutable');
    const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([64, 64]);

    const blue = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#00c' } })
      .jpeg()
      .toBuffer();
    const changed = await ok<ConversationDetail>(upload(owner, blue), 'change');
    expect(changed.picture?.large).not.toBe(set.picture?.large);
    // The replaced picture's files are gone.
    expect((await fetch(`${url()}${set.picture!.large}`)).status).toBe(404);

    const removed = await ok<ConversationDetail>(
      authedFetch(url(), owner, `/api/groups/${group}/picture`, { method: 'DELETE' }),
      'remove',
    );
    expect(removed.picture).toBeNull();
    expect(mediaFiles()).toBe(0);
  });

  it('refuses strangers before reading the upload, and bad images with a clear error, storing nothing', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    const byStranger = await upload(stranger, png);
    expect(byStranger.status).toBe(403);
    expect(await byStranger.json()).toMatchObject({ error: { code: 'not_a_member' } });
    const text = await upload(ann, 'this is not an image');
    expect(text.status).toBeGreaterThanOrEqual(400);
    expect(text.status).toBeLessThan(500);
    expect(await text.json()).toMatchObject({ error: { field: 'picture' } });
    const tooBig = await upload(ann, new Uint8Array(11 * 1024 * 1024));
    expect(tooBig.status).toBe(413);
    expect(mediaFiles()).toBe(0);
    const detail = await ok<ConversationDetail>(
      authedFetch(url(), owner, `/api/conversations/${group}`),
      'detail',
    );
    expect(detail.picture).toBeNull();
  });
});
