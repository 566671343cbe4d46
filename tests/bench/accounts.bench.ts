/**
 * Accounts costs against the real built server (run: `pnpm --filter @messenjo/tests bench:accounts`
 * after `pnpm build`): an authenticated request (session validation on every call), a full
 * passkey sign-up and sign-in (two HTTP round trips each, ES256 verification), and a phone
 * photo (12 MP JPEG) through the picture pipeline.
 */
import sharp from 'sharp';
import { afterAll, bench, describe } from 'vitest';
import { authedFetch, signIn, signUp } from '../harness/accounts.ts';
import { startServer } from '../harness/server.ts';

const server = await startServer();
afterAll(() => server.dispose());
const account = await signUp(server.url);
const photo = await sharp({
  create: {
    width: 4000,
    height: 3000,
    channels: 3,
    background: '#000',
    noise: { type: 'gaussian', mean: 128, sigma: 40 },
  },
})
  .jpeg({ quality: 85 })
  .toBuffer();

const CEREMONIES = { iterations: 12, time: 0, warmupIterations: 1, warmupTime: 0 };

describe('accounts', () => {
  bench('GET /api/me with a session cookie', async () => {
    await (await authedFetch(server.url, account, '/api/me')).arrayBuffer();
  });
  // Few iterations: sign-in attempts are rate-limited per address (burst 60), as they should be.
  bench(
    'passkey sign-up (options + verify)',
    async () => {
      await signUp(server.url);
    },
    CEREMONIES,
  );
  bench(
    'passkey sign-in (options + verify)',
    async () => {
      await signIn(server.url, account);
    },
    CEREMONIES,
  );
  bench(
    'profile picture: 12 MP JPEG -> WebP 256 + 64',
    async () => {
      await (
        await authedFetch(server.url, account, '/api/me/picture', {
          method: 'PUT',
          body: new Uint8Array(photo),
        })
      ).arrayBuffer();
    },
    { iterations: 10, time: 0, warmupIterations: 1, warmupTime: 0 },
  );
});
