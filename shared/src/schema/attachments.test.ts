import { describe, expect, it } from 'vitest';
import { ATTACHMENT_LIMITS } from '../limits.ts';
import {
  attachmentBlobs,
  checkAttachmentEntry,
  checkAttachmentList,
  decodeWaveform,
  encodeWaveform,
  encryptedSize,
  isBlobId,
  type AttachmentEntry,
} from './attachments.ts';

const HASH_A = 'a'.repeat(64);
const HASH_B = '0123456789abcdef'.repeat(4);
const KEY = 'A'.repeat(42) + 'w';

const picture: AttachmentEntry = {
  kind: 'image',
  cipher: 'aes256gcm-chunked-v1',
  blob: HASH_A,
  key: KEY,
  size: 2_000_000,
  chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
  type: 'image/jpeg',
  name: 'beach.jpg',
  width: 4032,
  height: 3024,
  thumbnail: { blob: HASH_B, key: KEY, size: 9000, type: 'image/webp', width: 320, height: 240 },
  thumbHash: '1QcSHQRnh493V4dIh4eXh1h4kJUI',
};

const voice: AttachmentEntry = {
  kind: 'voice',
  cipher: 'aes256gcm-chunked-v1',
  blob: HASH_B,
  key: KEY,
  size: 40_000,
  chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
  type: 'audio/webm',
  name: 'voice.webm',
  durationMs: 4200,
  waveform: 'AAECAwQFBgc',
};

const problemOf = (value: unknown, max?: number): string => {
  const checked = checkAttachmentEntry(value, max);
  return checked.ok ? 'ok' : checked.problem;
};

describe('attachment entries', () => {
  it('accept a picture with its thumbnail and a voice note with its waveform', () => {
    expect(checkAttachmentEntry(picture)).toEqual({ ok: true, value: picture });
    expect(checkAttachmentEntry(voice)).toEqual({ ok: true, value: voice });
  });

  it('name a blob only by the lowercase hex SHA-256', () => {
    expect(isBlobId(HASH_A)).toBe(true);
    expect(isBlobId(HASH_A.toUpperCase())).toBe(false);
    expect(isBlobId(`sha256-${HASH_A}`)).toBe(false);
    expect(problemOf({ ...picture, blob: '../../etc/passwd' })).toMatch(/64 lowercase hex/);
    expect(problemOf({ ...picture, thumbnail: { ...picture.thumbnail, blob: 'x' } })).toMatch(
      /thumbnail blob/,
    );
  });

  it('refuse a file over the operator limit, and a thumbnail over its own', () => {
    expect(problemOf({ ...picture, size: ATTACHMENT_LIMITS.DEFAULT_MAX_FILE_BYTES + 1 })).toMatch(/size/);
    expect(problemOf(picture, 1_000_000)).toMatch(/at most 1000000/);
    expect(
      problemOf({
        ...picture,
        thumbnail: { ...picture.thumbnail, size: ATTACHMENT_LIMITS.MAX_THUMBNAIL_BYTES + 1 },
      }),
    ).toMatch(/thumbnail size/);
  });

  it('refuse keys, ciphers and chunk sizes other than the one scheme', () => {
    expect(problemOf({ ...picture, key: 'short' })).toMatch(/key/);
    expect(problemOf({ ...picture, cipher: 'none' })).toMatch(/cipher/);
    expect(problemOf({ ...picture, chunkBytes: 4096 })).toMatch(/chunkBytes/);
  });

  it('refuse names that are paths or hold control characters, and odd types', () => {
    expect(problemOf({ ...picture, name: '../secret' })).toMatch(/path/);
    expect(problemOf({ ...picture, name: 'a\u0000b' })).toMatch(/control/);
    expect(problemOf({ ...picture, name: ' ' })).toMatch(/name/);
    expect(problemOf({ ...picture, type: 'text/html; charset=utf-8' })).toMatch(/MIME/);
  });

  it('keep each kind to its own fields', () => {
    expect(problemOf({ ...voice, thumbHash: 'abc' })).toMatch(/only pictures and video/);
    expect(problemOf({ ...picture, waveform: 'abc' })).toMatch(/only voice notes/);
    expect(
      problemOf({
        ...picture,
        kind: 'file',
        thumbnail: undefined,
        thumbHash: undefined,
        width: undefined,
        height: undefined,
      }),
    ).toBe('ok');
    expect(problemOf({ ...picture, durationMs: 5 })).toMatch(/durationMs/);
    expect(problemOf({ ...picture, extra: 1 })).toMatch(/unknown field extra/);
    expect(problemOf({ ...picture, width: 10, height: undefined })).toMatch(/together/);
  });

  it('[VAL7] hold a voice note to audio with its duration and a waveform of 1–128 byte levels', () => {
    expect(problemOf({ ...voice, type: 'video/webm' })).toMatch(/audio type/);
    expect(problemOf({ ...voice, durationMs: undefined })).toMatch(/needs its durationMs/);
    expect(problemOf({ ...voice, durationMs: -1 })).toMatch(/durationMs/);
    expect(problemOf({ ...voice, durationMs: 1.5 })).toMatch(/durationMs/);
    expect(problemOf({ ...voice, waveform: undefined })).toMatch(/needs its waveform/);
    expect(problemOf({ ...voice, waveform: '' })).toMatch(/waveform must be base64/);
    expect(problemOf({ ...voice, waveform: 'AAECAw==' })).toMatch(/waveform must be base64/);
    expect(problemOf({ ...voice, waveform: [1, 2, 3] })).toMatch(/waveform must be base64/);
    expect(problemOf({ ...voice, waveform: 'AAECA' })).toMatch(/whole bytes/);
    const most = encodeWaveform(Array.from({ length: ATTACHMENT_LIMITS.MAX_WAVEFORM_LEVELS }, () => 255));
    expect(most).toHaveLength(ATTACHMENT_LIMITS.MAX_WAVEFORM_CHARS);
    expect(problemOf({ ...voice, waveform: most })).toBe('ok');
    expect(problemOf({ ...voice, waveform: `${most}AA` })).toMatch(/waveform must be base64/);
  });

  it('carry waveform levels as unpadded base64, the same as the standard encoding', () => {
    for (const length of [1, 2, 3, 4, 64, 128]) {
      const levels = Array.from({ length }, (_, i) => (i * 37 + 11) % 256);
      const encoded = encodeWaveform(levels);
      expect(decodeWaveform(encoded)).toEqual(levels);
    }
    expect(encodeWaveform([0, 1, 2, 3, 4, 5, 6, 7])).toBe('AAECAwQFBgc');
    expect(encodeWaveform([255, 254, 253])).toBe('//79');
    expect(decodeWaveform(encodeWaveform([-4, 300, 12.6, Number.NaN]))).toEqual([0, 255, 13, 0]);
    expect(() => encodeWaveform([])).toThrow(RangeError);
    expect(() => encodeWaveform(new Array(129).fill(1))).toThrow(RangeError);
    expect(decodeWaveform('AAECA')).toEqual([]);
    expect(decodeWaveform('<script>')).toEqual([]);
  });

  it('come 1 to 10 to a message, and list their blobs once each', () => {
    expect(checkAttachmentList([picture, voice]).ok).toBe(true);
    expect(checkAttachmentList([]).ok).toBe(false);
    expect(checkAttachmentList(Array.from({ length: 11 }, () => voice)).ok).toBe(false);
    expect(attachmentBlobs([picture, voice]).sort()).toEqual([HASH_B, HASH_A].sort());
  });

  it('say how large the ciphertext is: 16 bytes of tag per 1 MiB chunk', () => {
    const chunk = ATTACHMENT_LIMITS.CHUNK_BYTES;
    expect(encryptedSize(0, chunk)).toBe(16);
    expect(encryptedSize(chunk, chunk)).toBe(chunk + 16);
    expect(encryptedSize(chunk + 1, chunk)).toBe(chunk + 1 + 32);
  });
});
