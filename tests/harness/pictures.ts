import type { Page } from './browser.ts';

/**
 * A real picture of `width`×`height` drawn by the page's browser: a diagonal gradient (so it is
 * not one colour, and a crop or a stretch would show) with a darker top-left quarter (so an
 * upside-down or mirrored picture would too); `speckled` adds coloured squares all over, so that
 * a JPEG compresses as a camera's photo would, not to a few kilobytes. Carried back as base64 (a
 * 12 MP picture as a list of numbers takes seconds to cross).
 */
async function drawn(
  page: Page,
  width: number,
  height: number,
  type: 'image/png' | 'image/jpeg',
  speckled: boolean,
): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ([w, h, mime, speckles]) => {
      const canvas = new OffscreenCanvas(w, h);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('no 2d canvas');
      const gradient = context.createLinearGradient(0, 0, w, h);
      gradient.addColorStop(0, '#c03');
      gradient.addColorStop(1, '#06c');
      context.fillStyle = gradient;
      context.fillRect(0, 0, w, h);
      context.fillStyle = 'rgb(0 0 0 / 0.3)';
      context.fillRect(0, 0, w / 2, h / 2);
      for (let i = 0; i < speckles; i++) {
        context.fillStyle = `hsl(${(i * 37) % 360} 60% 50% / 0.5)`;
        context.fillRect((i * 7919) % w, (i * 104729) % h, 40, 40);
      }
      const blob = await canvas.convertToBlob({ type: mime, quality: 0.9 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(text);
    },
    [width, height, type, speckled ? 4000 : 0] as const,
  );
  return Buffer.from(base64, 'base64');
}

/** A PNG drawn by the page's browser (`drawn`): a gradient with a darker top-left quarter. */
export const drawnPng = (page: Page, width: number, height: number): Promise<Buffer> =>
  drawn(page, width, height, 'image/png', false);

/** A photo-like JPEG drawn by the page's browser (`drawn`, speckled). */
export const drawnJpeg = (page: Page, width: number, height: number): Promise<Buffer> =>
  drawn(page, width, height, 'image/jpeg', true);

/**
 * A real WebM video recorded by the page's browser (MediaRecorder over a canvas): `frames` drawn
 * frames of 320×240, each a different colour.
 */
export async function recordedWebm(page: Page, frames = 48): Promise<Buffer> {
  const bytes = await page.evaluate(async (count) => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    const recorder = new MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm' });
    const parts: Blob[] = [];
    recorder.ondataavailable = (event) => parts.push(event.data);
    const stopped = new Promise((resolve) => (recorder.onstop = resolve));
    recorder.start();
    for (let frame = 0; frame < count; frame++) {
      context.fillStyle = `hsl(${frame * 7}, 80%, 50%)`;
      context.fillRect(0, 0, 320, 240);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    recorder.stop();
    await stopped;
    return [...new Uint8Array(await new Blob(parts).arrayBuffer())];
  }, frames);
  return Buffer.from(bytes);
}
