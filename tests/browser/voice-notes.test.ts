import { describe, expect, it } from 'vitest';
import { signUp, type TestAccount } from '../harness/accounts.ts';
import { FAKE_MEDIA_ARGS, type Page } from '../harness/browser.ts';
import { useDevices } from '../harness/devices.ts';
import { useBrowser, useServer } from '../harness/fixtures.ts';
import { LIVE } from '../harness/patience.ts';
import { makeFriends } from '../harness/social.ts';

/**
 * Voice notes in Chromium (issue 17; docs/attachments.md, "Voice notes"): two people, the real
 * server, Chromium's fake microphone (a short beep twice a second). Alice records, the note is
 * encrypted and uploaded like any file; Bob sees its length and waveform, plays it at 2× from
 * the bytes Alice recorded, and Alice sees it was played.
 */
describe('voice notes in Chromium', () => {
  const server = useServer('browser-voice');
  const browser = useBrowser(FAKE_MEDIA_ARGS);
  const devices = useDevices(server, browser);

  /** A device of `account` with the conversation open and the microphone allowed; `initScripts` run before the app. */
  async function device(
    account: TestAccount,
    conversationId: string,
    initScripts: (() => void)[] = [],
  ): Promise<{ page: Page }> {
    const page = await devices.device(account, {
      path: `/c/${conversationId}`,
      permissions: ['microphone'],
      beforeLoad: (p) => initScripts.forEach((script) => void p.addInitScript(script)),
    });
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    return { page };
  }

  /** Keeps what MediaRecorder hands the app, so the test knows the bytes Alice recorded. */
  function keepRecordedChunks(): void {
    const Recorder = window.MediaRecorder;
    const kept: Blob[] = [];
    Object.assign(window, { recordedChunks: kept });
    window.MediaRecorder = class extends Recorder {
      constructor(stream: MediaStream, options?: MediaRecorderOptions) {
        super(stream, options);
        kept.length = 0;
        this.addEventListener('dataavailable', (event) => kept.push(event.data));
      }
    };
  }

  /**
   * Keeps every Blob the app turns into an object URL, by URL: the page's CSP (connect-src
   * 'self') rightly forbids fetching a blob: URL, so the test reads the bytes behind an
   * <audio> src from the Blob itself.
   */
  function keepObjectUrls(): void {
    const create = URL.createObjectURL.bind(URL);
    const kept = new Map<string, Blob>();
    Object.assign(window, { objectUrls: kept });
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = create(object);
      if (object instanceof Blob) kept.set(url, object);
      return url;
    };
  }

  /** A microphone the person refused. */
  function refuseMicrophone(): void {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  }

  it('Alice records about 2 s and sends it; Bob sees its length and waveform and plays her bytes at 2×; Alice sees "Played"', async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `alice_${tag}` });
    const bob = await signUp(server().url, { username: `bob_${tag}` });
    const conversationId = await makeFriends(server().url, alice, bob);
    const a = await device(alice, conversationId, [keepRecordedChunks]);
    const b = await device(bob, conversationId, [refuseMicrophone, keepObjectUrls]);

    // Bob's microphone is refused: a clear sentence, the composer back as it was, nothing sent.
    await b.page.getByRole('button', { name: 'Record a voice note' }).click();
    await b.page
      .getByRole('alert')
      .getByText(/Microphone access was refused/)
      .waitFor();
    await b.page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await b.page.getByTestId('voice-recorder').count()).toBe(0);

    // Alice taps the record button: it locks on, with a running timer and a moving level meter.
    const started = Date.now();
    await a.page.getByRole('button', { name: 'Record a voice note' }).click();
    await a.page.getByTestId('voice-recorder').waitFor();
    await a.page.waitForFunction(
      () => Number(document.querySelector<HTMLElement>('[data-testid=voice-level]')?.dataset.level) > 0.1,
      undefined,
      { polling: 'raf', timeout: LIVE.timeout },
    );
    const seconds = async () => {
      const [minutes = '0', secs = '0'] = (
        (await a.page.getByTestId('voice-timer').textContent()) ?? ''
      ).split(':');
      return Number(minutes) * 60 + Number(secs);
    };
    await expect.poll(seconds, LIVE).toBeGreaterThanOrEqual(2);
    await a.page.getByRole('button', { name: 'Send voice note' }).click();
    const recordedFor = Date.now() - started;
    await a.page.getByTestId('voice-recorder').waitFor({ state: 'detached' });
    const recorded = Buffer.from(
      await a.page.evaluate(async () => {
        const chunks = (window as unknown as { recordedChunks: Blob[] }).recordedChunks;
        return [...new Uint8Array(await new Blob(chunks).arrayBuffer())];
      }),
    );
    expect(recorded.length).toBeGreaterThan(1000);

    // Shown at once on Alice's device, then stored by the server.
    const sent = a.page.locator('[data-message-id]', { has: a.page.getByTestId('voice-note') }).last();
    await sent.waitFor();
    await expect.poll(() => sent.getAttribute('data-status'), LIVE).toMatch(/^(sent|read)$/);

    // Bob: a voice note of a plausible length (measured on Alice's device) and a waveform with a
    // shape (the beeps loud, the gaps between them quiet).
    const note = b.page.getByTestId('voice-note').last();
    await note.waitFor();
    const durationMs = Number(await note.getAttribute('data-duration-ms'));
    expect(durationMs).toBeGreaterThanOrEqual(1500);
    expect(durationMs).toBeLessThanOrEqual(recordedFor + 500);
    const heights = await note
      .getByTestId('voice-bar')
      .evaluateAll((bars) => bars.map((bar) => Number.parseFloat((bar as HTMLElement).style.height)));
    expect(heights).toHaveLength(64);
    expect(Math.max(...heights)).toBe(100);
    expect(Math.min(...heights)).toBeLessThan(60);
    expect(await note.getByTestId('voice-time').textContent()).toMatch(/^0:00 \/ 0:0[1-9]$/);

    // At 2×, played to the end: Alice's exact bytes, decrypted on Bob's device.
    await note.getByRole('button', { name: 'Playback speed 1×' }).click();
    await note.getByRole('button', { name: 'Playback speed 1.5×' }).click();
    await note.getByRole('button', { name: 'Playback speed 2×' }).waitFor();
    await note.getByRole('button', { name: 'Play voice note' }).click();
    const audio = note.getByTestId('voice-audio');
    await audio.waitFor({ state: 'attached' });
    await expect.poll(() => audio.evaluate((element: HTMLAudioElement) => element.ended), LIVE).toBe(true);
    expect(await audio.evaluate((element: HTMLAudioElement) => element.playbackRate)).toBe(2);
    const played = Buffer.from(
      await audio.evaluate(async (element: HTMLAudioElement) => {
        const blob = (window as unknown as { objectUrls: Map<string, Blob> }).objectUrls.get(element.src);
        return blob ? [...new Uint8Array(await blob.arrayBuffer())] : [];
      }),
    );
    expect(played.equals(recorded)).toBe(true);

    // The waveform is the seek bar: Home goes to the start, an arrow key a second on.
    const wave = note.getByRole('slider', { name: 'Voice note position' });
    await wave.focus();
    await wave.press('Home');
    await expect.poll(() => note.getByTestId('voice-time').textContent()).toMatch(/^0:00 \//);
    await wave.press('ArrowRight');
    await expect.poll(() => note.getByTestId('voice-time').textContent()).toMatch(/^0:01 \//);
    expect(await audio.evaluate((element: HTMLAudioElement) => element.currentTime)).toBe(1);

    // Alice sees that Bob played it; Bob's own note shows no such thing for himself.
    await sent.getByTestId('voice-played').getByText('Played').waitFor();
    expect(await note.getByTestId('voice-played').count()).toBe(0);
  });
  it('held, sliding away discards the recording; held and let go, it is sent', async () => {
    const tag = Math.random().toString(36).slice(2, 6);
    const alice = await signUp(server().url, { username: `alice_${tag}` });
    const bob = await signUp(server().url, { username: `bob_${tag}` });
    const conversationId = await makeFriends(server().url, alice, bob);
    const a = await device(alice, conversationId);
    const b = await device(bob, conversationId);
    const record = a.page.getByTestId('voice-record');
    const box = await record.boundingBox();
    if (!box) throw new Error('no record button');
    const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
    const elapsed = async () => {
      const [minutes = '0', secs = '0'] = (
        (await a.page.getByTestId('voice-timer').textContent()) ?? ''
      ).split(':');
      return Number(minutes) * 60 + Number(secs);
    };

    // Pressed and held: recording, not locked; slid 120 px to the left: discarded, nothing sent.
    await a.page.mouse.move(x, y);
    await a.page.mouse.down();
    await a.page.getByTestId('voice-recorder').waitFor();
    await expect.poll(() => record.getAttribute('aria-label'), LIVE).toBe('Recording: release to send');
    await expect.poll(elapsed, LIVE).toBeGreaterThanOrEqual(1);
    await a.page.mouse.move(x - 120, y, { steps: 6 });
    await a.page.getByTestId('voice-recorder').waitFor({ state: 'detached' });
    await a.page.mouse.up();
    expect(await record.getAttribute('aria-label')).toBe('Record a voice note');
    expect(await a.page.getByTestId('voice-note').count()).toBe(0);

    // Held again for a second and let go where it was pressed: sent, and Bob gets it.
    await a.page.mouse.move(x, y);
    await a.page.mouse.down();
    await a.page.getByTestId('voice-recorder').waitFor();
    await expect.poll(elapsed, LIVE).toBeGreaterThanOrEqual(1);
    await a.page.mouse.up();
    await b.page.getByTestId('voice-note').waitFor({ timeout: LIVE.timeout });
    expect(await b.page.getByTestId('voice-note').count()).toBe(1);
    expect(await a.page.getByTestId('voice-note').count()).toBe(1);
  });
});
