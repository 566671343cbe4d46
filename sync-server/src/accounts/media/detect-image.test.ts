import { describe, expect, it } from 'vitest';
import { detectImageFormat } from './detect-image.ts';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((ch) => ch.charCodeAt(0)) : p)));
const pad = (b: Uint8Array): Uint8Array => Uint8Array.from([...b, ...new Array<number>(16).fill(0)]);

describe('detectImageFormat', () => {
  it('recognises each accepted format by its first bytes', () => {
    expect(detectImageFormat(pad(bytes([0xff, 0xd8, 0xff, 0xe0])))).toBe('jpeg');
    expect(detectImageFormat(pad(bytes('\x89PNG\r\n\x1a\n')))).toBe('png');
    expect(detectImageFormat(pad(bytes('GIF89a')))).toBe('gif');
    expect(detectImageFormat(pad(bytes('RIFF', [0, 0, 0, 0], 'WEBP')))).toBe('webp');
    expect(detectImageFormat(pad(bytes([0, 0, 0, 28], 'ftypavif', [0, 0, 0, 0], 'mif1')))).toBe('avif');
    expect(detectImageFormat(pad(bytes([0, 0, 0, 28], 'ftypmif1', [0, 0, 0, 0], 'avif')))).toBe('avif');
  });

  it('refuses everything else, whatever it is called', () => {
    expect(detectImageFormat(pad(bytes('<svg xmlns="http://www.w3.org/2000/svg">')))).toBeNull();
    expect(detectImageFormat(pad(bytes([0, 0, 0, 24], 'ftypheic')))).toBeNull();
    expect(detectImageFormat(pad(bytes('%PDF-1.7')))).toBeNull();
    expect(detectImageFormat(bytes([0xff, 0xd8]))).toBeNull();
  });
});
