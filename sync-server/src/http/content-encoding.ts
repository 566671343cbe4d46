/**
 * Precompressed variants of the built app's files: the app's build writes `<file>.br` and
 * `<file>.gz` beside each text file (app/scripts/precompress.mjs), so the server never compresses
 * on the fly (no CPU per request, brotli at its best level). Only static files: the API's small
 * JSON answers and the sync socket's frames (Yjs updates, already dense) are never compressed.
 */
export interface EncodedVariant {
  /** The `Content-Encoding` value. */
  encoding: 'br' | 'gzip';
  /** Appended to the file's path. */
  suffix: '.br' | '.gz';
}

/** Best first: brotli is ~15–20 % smaller than gzip on our scripts. */
const VARIANTS: readonly EncodedVariant[] = [
  { encoding: 'br', suffix: '.br' },
  { encoding: 'gzip', suffix: '.gz' },
];

/**
 * The file types the build precompresses: text, and WebAssembly (the search worker's SQLite, whose
 * code compresses well); pictures and fonts are compressed already.
 */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt|wasm)$/;

export function isCompressible(file: string): boolean {
  return COMPRESSIBLE.test(file);
}

/**
 * The encodings `Accept-Encoding` allows (RFC 9110 §12.5.3): listed with a q-value above zero, or
 * covered by `*`. A missing header allows none of them (identity).
 */
export function acceptedEncodings(header: string | undefined): Set<string> {
  const accepted = new Set<string>();
  if (!header) return accepted;
  const refused = new Set<string>();
  let wildcard = false;
  for (const part of header.split(',')) {
    const [rawName, ...params] = part.split(';');
    const name = rawName?.trim().toLowerCase();
    if (!name) continue;
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
    const allowed = q === undefined || Number(q) > 0;
    if (name === '*') wildcard = allowed;
    else if (allowed) accepted.add(name);
    else refused.add(name);
  }
  if (wildcard) for (const { encoding } of VARIANTS) if (!refused.has(encoding)) accepted.add(encoding);
  return accepted;
}

/** The variants worth trying for this request, best first. */
export function variantsFor(file: string, acceptEncoding: string | undefined): EncodedVariant[] {
  if (!isCompressible(file)) return [];
  const accepted = acceptedEncodings(acceptEncoding);
  return VARIANTS.filter((variant) => accepted.has(variant.encoding));
}
