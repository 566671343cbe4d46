// Renders the app's PNG icons from its SVGs (app/public/icon.svg, icon-maskable.svg), for
// browsers and platforms that want bitmaps (Android's install banner and splash, iOS home
// screen, Lighthouse's installability). Reproducible: run `node tests/scripts/make-icons.mjs`
// after changing an SVG and commit the PNGs it writes. Lives in tests/ for sharp (a dependency
// here); the app's build never runs it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const PUBLIC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'app', 'public');

const ICONS = [
  { from: 'icon.svg', to: 'icon-192.png', size: 192 },
  { from: 'icon.svg', to: 'icon-512.png', size: 512 },
  // Maskable: the glyph sits inside the centre 80 % safe zone, the background fills the square.
  { from: 'icon-maskable.svg', to: 'icon-maskable-192.png', size: 192 },
  { from: 'icon-maskable.svg', to: 'icon-maskable-512.png', size: 512 },
  // iOS ignores the manifest's icons and masks its own corners: a full square.
  { from: 'icon-maskable.svg', to: 'apple-touch-icon.png', size: 180 },
];

for (const icon of ICONS) {
  const svg = readFileSync(path.join(PUBLIC, icon.from));
  const png = await sharp(svg, { density: 72 * (icon.size / 512) * 4 })
    .resize(icon.size, icon.size)
    // No timestamps or text chunks: the same SVG gives the same bytes.
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
  writeFileSync(path.join(PUBLIC, icon.to), png);
  console.log(`${icon.to}: ${icon.size}×${icon.size}, ${png.length} bytes`);
}
