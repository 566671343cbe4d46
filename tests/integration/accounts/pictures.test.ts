import { readdirSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { MeResponse } from '@messenjo/shared';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { authedFetch, signUp, type TestAccount } from '../../harness/accounts.ts';
import { useServer } from '../../harness/fixtures.ts';

type ErrorBody = { error: { code: string; message: string; field?: string } };

/** A JPEG straight from a phone: camera make and GPS position in its EXIF. */
async function jpegWithGps(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneCam' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100' },
    })
    .toBuffer();
  const exif = (await sharp(jpeg).metadata()).exif;
  // The GPS IFD pointer (tag 0x8825, little-endian) is really there before upload.
  expect(exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);
  return jpeg;
}

/** A tiny PNG whose header claims 30000×30000 pixels: a decompression bomb's shape. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('profile pictures', () => {
  const server = useServer('accounts-pictures');
  const upload = (account: TestAccount | null, body: Buffer, type = 'image/png') =>
    authedFetch(server().url, account, '/api/me/picture', {
      method: 'PUT',
      body: new Uint8Array(body),
      headers: { 'content-type': type },
    });
  const mediaFiles = () => {
    try {
      return readdirSync(path.join(server().dataDir, 'media'));
    } catch {
      return [];
    }
  };

  it('re-encodes a JPEG to square WebP variants without any metadata, served immutable', async () => {
    const account = await signUp(server().url);
    const response = await upload(account, await jpegWithGps(), 'image/jpeg');
    expect(response.status).toBe(200);
    const me = (await response.json()) as MeResponse;
    expect(me.picture?.large).toMatch(/^\/media\/[0-9a-f]{64}-256\.webp$/);
    expect(me.picture?.small).toMatch(/^\/media\/[0-9a-f]{64}-64\.webp$/);
    for (const [url, size] of [
      [me.picture!.large, 256],
      [me.picture!.small, 64],
    ] as const) {
      const served = await fetch(`${server().url}${url}`);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/webp');
      expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: size, height: size });
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.icc).toBeUndefined();
    }
  });

  it('changes and removes the picture, deleting the old files', async () => {
    const account = await signUp(server().url);
    const red = await sharp({ create: { width: 90, height: 50, channels: 4, background: '#f00f' } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 50, height: 90, channels: 3, background: '#00f' } })
      .webp()
      .toBuffer();
    const first = (await (await upload(account, red)).json()) as MeResponse;
    const firstHash = /([0-9a-f]{64})/.exec(first.picture!.large)![1]!;
    const second = (await (await upload(account, blue, 'image/webp')).json()) as MeResponse;
    expect(second.picture!.large).not.toBe(first.picture!.large);
    expect(mediaFiles().some((f) => f.startsWith(firstHash))).toBe(false);
    expect((await fetch(`${server().url}${first.picture!.large}`)).status).toBe(404);
    const removed = await authedFetch(server().url, account, '/api/me/picture', { method: 'DELETE' });
    expect(((await removed.json()) as MeResponse).picture).toBeNull();
    expect((await fetch(`${server().url}${second.picture!.large}`)).status).toBe(404);
  });

  it('takes the first frame of an animated GIF, and accepts AVIF and WebP by content whatever the declared type', async () => {
    const account = await signUp(server().url);
    const square = (colour: string) =>
      sharp({ create: { width: 40, height: 40, channels: 3, background: colour } })
        .png()
        .toBuffer();
    const animated = await sharp([await square('#f00'), await square('#00f')], { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(animated, { pages: -1 }).metadata()).pages).toBe(2);
    const base = () => sharp({ create: { width: 40, height: 30, channels: 3, background: '#0a0' } });
    const cases: [Buffer, [number, number, number]][] = [
      [animated, [255, 0, 0]],
      [await base().avif().toBuffer(), [0, 170, 0]],
      [await base().webp().toBuffer(), [0, 170, 0]],
    ];
    for (const [image, colour] of cases) {
      const response = await upload(account, image, 'application/octet-stream');
      expect(response.status).toBe(200);
      const me = (await response.json()) as MeResponse;
      const served = Buffer.from(await (await fetch(`${server().url}${me.picture!.small}`)).arrayBuffer());
      const meta = await sharp(served).metadata();
      expect(meta).toMatchObject({ format: 'webp', width: 64, height: 64 });
      expect(meta.pages ?? 1).toBe(1);
      const pixel = [
        ...(await sharp(served).extract({ left: 32, top: 32, width: 1, height: 1 }).raw().toBuffer()),
      ];
      pixel.slice(0, 3).forEach((value, i) => expect(Math.abs(value - colour[i]!)).toBeLessThan(24));
    }
  });

  it('refuses a text file named .png, an 11 MB file and a 30000×30000 PNG, storing nothing', async () => {
    const account = await signUp(server().url);
    const before = mediaFiles();
    const text = await upload(account, Buffer.from('just some text, honestly not an image'));
    expect(text.status).toBe(415);
    expect((await text.json()) as ErrorBody).toEqual({
      error: {
        code: 'unsupported_media_type',
        field: 'picture',
        message: 'The file is not a JPEG, PNG, WebP, GIF or AVIF image',
      },
    });

    const big = Buffer.concat([await jpegWithGps(), Buffer.alloc(11 * 1024 * 1024)]);
    const tooBig = await upload(account, big, 'image/jpeg');
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()) as ErrorBody).toEqual({
      error: { code: 'payload_too_large', field: 'picture', message: 'Pictures may be at most 10 MB' },
    });

    const bomb = await upload(account, pngDeclaring(30000, 30000));
    expect(bomb.status).toBe(400);
    expect((await bomb.json()) as ErrorBody).toEqual({
      error: {
        code: 'validation_failed',
        field: 'picture',
        message: 'The image is 30000×30000 pixels; pictures may have at most 40 megapixels',
      },
    });

    expect(mediaFiles()).toEqual(before);
    const me = (await (await authedFetch(server().url, account, '/api/me')).json()) as MeResponse;
    expect(me.picture).toBeNull();
  });

  it('refuses uploads anonymously and cross-site', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    expect((await upload(null, png)).status).toBe(401);
    const account = await signUp(server().url);
    const crossSite = await fetch(`${server().url}/api/me/picture`, {
      method: 'PUT',
      headers: { cookie: account.cookie, origin: 'https://evil.example' },
      body: png,
    });
    expect(crossSite.status).toBe(403);
  });
});
