import { pickRecordingType } from './voice-analysis.ts';

/**
 * Recording a voice note (docs/attachments.md, "Voice notes"): the microphone through
 * MediaRecorder with Opus, and an AnalyserNode on the same stream for the live level meter.
 * Framework-free: the composer's VoiceRecorder drives it and reads `level()` each frame.
 * Every way out (`finish`, `cancel`, a failure) stops the microphone: the browser's recording
 * indicator goes off with it.
 */

/** The microphone could not be used; the message says why, for the person. */
export class MicrophoneError extends Error {
  override readonly name = 'MicrophoneError';
}

/** A sentence for what getUserMedia refused. */
export function microphoneProblem(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Microphone access was refused. Allow the microphone for this site in the browser to record a voice note.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found. Connect one to record a voice note.';
  if (name === 'NotReadableError' || name === 'AbortError')
    return 'The microphone is in use by another app or could not be started.';
  return 'The microphone could not be started.';
}

/** Meter readings are kept this often; they stand in for the waveform if decoding fails. */
const METER_SAMPLE_MS = 50;

export class VoiceRecording {
  private readonly chunks: Blob[] = [];
  private readonly startedAt = performance.now();
  private readonly meterLevels: number[] = [];
  private readonly samples: Float32Array<ArrayBuffer>;
  private readonly meterTimer: ReturnType<typeof setInterval>;
  private stoppedAt: number | undefined;
  private done = false;

  private constructor(
    private readonly stream: MediaStream,
    private readonly recorder: MediaRecorder,
    private readonly audio: AudioContext,
    private readonly analyser: AnalyserNode,
  ) {
    this.samples = new Float32Array(analyser.fftSize);
    recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) this.chunks.push(event.data);
    });
    this.meterTimer = setInterval(() => this.meterLevels.push(this.level()), METER_SAMPLE_MS);
  }

  /** Asks for the microphone and starts recording; throws MicrophoneError with a sentence. */
  static async start(): Promise<VoiceRecording> {
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia)
      throw new MicrophoneError('This browser cannot record audio here (it needs a secure connection).');
    if (typeof MediaRecorder === 'undefined')
      throw new MicrophoneError('This browser cannot record voice notes.');
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
    } catch (error) {
      throw new MicrophoneError(microphoneProblem(error));
    }
    try {
      const mimeType = pickRecordingType((type) => MediaRecorder.isTypeSupported(type));
      const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
      const audio = new AudioContext();
      const analyser = audio.createAnalyser();
      analyser.fftSize = 1024;
      audio.createMediaStreamSource(stream).connect(analyser);
      const recording = new VoiceRecording(stream, recorder, audio, analyser);
      // Chunks every second: a recording cut short (the tab closed) loses at most that.
      recorder.start(1000);
      return recording;
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      throw new MicrophoneError(
        `This browser cannot record voice notes: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Milliseconds recorded so far (frozen once stopped). */
  elapsedMs(): number {
    return (this.stoppedAt ?? performance.now()) - this.startedAt;
  }

  /** The input's level now, 0–1: the peak of the last frame of samples. */
  level(): number {
    if (this.done) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    let peak = 0;
    for (const sample of this.samples) peak = Math.max(peak, Math.abs(sample));
    return Math.min(1, peak);
  }

  /** Stops and gives the recording, with the live measure kept while it ran. */
  async finish(): Promise<{ recording: Blob; elapsedMs: number; meterLevels: number[] }> {
    if (this.done) throw new Error('This recording has already ended.');
    const stopped = new Promise<void>((resolve) =>
      this.recorder.addEventListener('stop', () => resolve(), { once: true }),
    );
    this.stoppedAt = performance.now();
    if (this.recorder.state !== 'inactive') {
      this.recorder.stop();
      await stopped;
    }
    this.release();
    const type = this.recorder.mimeType || this.chunks[0]?.type || 'audio/webm';
    return {
      recording: new Blob(this.chunks, { type }),
      elapsedMs: this.elapsedMs(),
      meterLevels: [...this.meterLevels],
    };
  }

  /** Stops and forgets what was recorded. */
  cancel(): void {
    if (this.done) return;
    this.stoppedAt = performance.now();
    if (this.recorder.state !== 'inactive') this.recorder.stop();
    this.chunks.length = 0;
    this.release();
  }

  private release(): void {
    this.done = true;
    clearInterval(this.meterTimer);
    for (const track of this.stream.getTracks()) track.stop();
    void this.audio.close().catch(() => {});
  }
}
