import { launchBrowser } from '../../harness/browser.ts';
import { openBenchPage } from '../attachments/bench-page.ts';
import type { AttachmentBenchPage, CipherTimes } from '../attachments/page.ts';
import { median } from '../stats.ts';
import type { Measurement, Workload } from './types.ts';

/**
 * W14 (docs/workloads.md): what encrypting a file costs the device before it is sent, and
 * decrypting it after it is fetched. The app's own code (app/src/attachments/file-cipher.ts,
 * bundled into a page) in Chromium on files of 1, 10 and 50 MB: ms per MB of `encryptFile`
 * (AES-256-GCM per 1 MiB chunk, SHA-256 of the ciphertext, the Blob) and `decryptToBlob`,
 * beside Web Crypto's AES-GCM alone and its one-shot SHA-256 on the same bytes, which say where
 * the time goes.
 */

const MB = 1_000_000;
const SIZES_MB = [1, 10, 50];
/** Timed repetitions per size (after one untimed warm-up), fewer for the larger files. */
const REPEATS: Record<number, number> = { 1: 9, 10: 5, 50: 3 };

export const w14Encryption: Workload = {
  id: 'W14',
  title: 'attachment encryption in Chromium (the app’s cipher)',
  rounds: 1,
  deviceOnly: true,
  async run(_target, { scale, progress }) {
    const sizes = scale >= 1 ? SIZES_MB : [1, 5];
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const page = await openBenchPage(context);
      const out: Measurement[] = [];
      for (const mb of sizes) {
        const bytes = mb * MB;
        const run = () =>
          page.evaluate(
            (n) => (globalThis as unknown as { attbench: AttachmentBenchPage }).attbench.cipher(n),
            bytes,
          );
        progress(`${mb} MB: warm-up`);
        await run();
        const times: CipherTimes[] = [];
        const repeats = scale >= 1 ? (REPEATS[mb] ?? 3) : 3;
        for (let i = 0; i < repeats; i++) {
          progress(`${mb} MB: ${i + 1}/${repeats}`);
          times.push(await run());
        }
        const perMb = (pick: (t: CipherTimes) => number) => median(times.map(pick)) / mb;
        out.push(
          { metric: `${mb} MB: encrypt (encryptFile), per MB`, value: perMb((t) => t.encryptMs), unit: 'ms' },
          {
            metric: `${mb} MB: decrypt (decryptToBlob), per MB`,
            value: perMb((t) => t.decryptMs),
            unit: 'ms',
          },
          { metric: `${mb} MB: Web Crypto AES-GCM alone, per MB`, value: perMb((t) => t.aesMs), unit: 'ms' },
          {
            metric: `${mb} MB: Web Crypto SHA-256 alone, per MB`,
            value: perMb((t) => t.nativeHashMs),
            unit: 'ms',
          },
        );
      }
      await context.close();
      return out;
    } finally {
      await browser.close();
    }
  },
};
