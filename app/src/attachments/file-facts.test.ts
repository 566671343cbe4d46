import { checkAttachmentEntry, ATTACHMENT_CIPHER, ATTACHMENT_LIMITS } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import {
  attachmentName,
  attachmentType,
  fitWithin,
  formatBytes,
  fromBase64,
  kindOf,
  openedType,
  sizeProblem,
  toBase64,
} from './file-facts.ts';

const entryWith = (name: string, type: string) => ({
  kind: 'file',
  cipher: ATTACHMENT_CIPHER,
  blob: 'a'.repeat(64),
  key: 'A'.repeat(43),
  size: 1,
  chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
  type,
  name,
});

describe('what the app says of a chosen file', () => {
  it('makes names and types the message entry accepts, whatever the browser gave', () => {
    const cases: [string, string][] = [
      ['report.pdf', 'application/pdf'],
      ['C:\\Users\\me\\secret plan.docx', 'text/plain; charset=utf-8'],
      ['../../etc/passwd', ''],
      ['tab\there\u0007.txt', 'not a type'],
      ['', 'IMAGE/PNG'],
      [`${'x'.repeat(400)}.pdf`, 'application/pdf'],
    ];
    for (const [name, type] of cases) {
      const checked = checkAttachmentEntry(entryWith(attachmentName(name), attachmentType(type)));
      expect(checked.ok, `${name} ${type}`).toBe(true);
    }
    expect(attachmentName('C:\\Users\\me\\secret plan.docx')).toBe('secret plan.docx');
    expect(attachmentName('../../etc/passwd')).toBe('passwd');
    expect(attachmentName('')).toBe('file');
    expect(attachmentName(`${'x'.repeat(400)}.pdf`)).toMatch(/^x{251}\.pdf$/);
    expect(attachmentType('text/plain; charset=utf-8')).toBe('text/plain');
    expect(attachmentType('')).toBe('application/octet-stream');
    expect(attachmentType('IMAGE/PNG')).toBe('image/png');
  });

  it('treats the pictures a browser decodes as pictures, everything else as files', () => {
    expect(['image/jpeg', 'image/png', 'image/webp', 'image/gif'].map(kindOf)).toEqual([
      'image',
      'image',
      'image',
      'image',
    ]);
    expect(['image/heic', 'image/svg+xml', 'application/pdf', 'video/mp4'].map(kindOf)).toEqual([
      'file',
      'file',
      'file',
      'file',
    ]);
  });

  it('says a file over the limit is too large, in sizes people read', () => {
    expect(sizeProblem('movie.mp4', 150_000_000, 100 * 1024 * 1024)).toBe(
      'movie.mp4 is 150 MB: files up to 105 MB can be sent.',
    );
    expect(sizeProblem('small.pdf', 1000, 100 * 1024 * 1024)).toBeNull();
    expect([formatBytes(12), formatBytes(1500), formatBytes(820_000), formatBytes(2_500_000_000)]).toEqual([
      '12 bytes',
      '1.5 kB',
      '820 kB',
      '2.5 GB',
    ]);
  });

  it('fits a picture within a box without enlarging it', () => {
    expect(fitWithin(4000, 3000, 320)).toEqual({ width: 320, height: 240 });
    expect(fitWithin(1000, 5000, 320)).toEqual({ width: 64, height: 320 });
    expect(fitWithin(100, 50, 320)).toEqual({ width: 100, height: 50 });
    expect(fitWithin(10_000, 1, 100)).toEqual({ width: 100, height: 1 });
  });

  it('round-trips base64 without padding', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
    expect(toBase64(bytes)).not.toContain('=');
    expect([...fromBase64(toBase64(bytes))]).toEqual([...bytes]);
  });

  it('opens only pictures, audio and video as their declared type: anything else is bytes to download', () => {
    // The type is the sender's word: a hostile sender can call an HTML page a picture.
    const shown: [string, string][] = [
      ['image/jpeg', 'image/jpeg'],
      ['image/webp', 'image/webp'],
      ['audio/webm;codecs=opus', 'audio/webm'],
      ['video/mp4', 'video/mp4'],
    ];
    for (const [declared, opened] of shown) expect(openedType(declared)).toBe(opened);
    for (const declared of [
      'text/html',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/xml',
      'application/pdf',
      'text/javascript',
      'TEXT/HTML; charset=utf-8',
      '',
      'nonsense',
    ])
      expect(openedType(declared), declared).toBe('application/octet-stream');
  });
});
