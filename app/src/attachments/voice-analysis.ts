import { ATTACHMENT_LIMITS, encodeWaveform } from '@messenjo/shared';

/**
 * What a voice note says of itself before it is sent (docs/attachments.md, "Voice notes"): its
 * length and its waveform, measured on the device by decoding the recording. The length cannot
 * come from the browser's <audio>: MediaRecorder writes WebM without a duration, so it reports
 * Infinity. Both travel inside the encrypted message entry (`durationMs`, `waveform`).
 */

/** Bars of the waveform a recording gets (the entry allows up to MAX_WAVEFORM_LEVELS). */
export const WAVEFORM_BARS = 64;

/** The recording types asked for, best first: Opus in WebM (Chromium, Firefox), else MP4 (Safari). */
export const RECORDING_TYPES = [
  'audio/webm;codecs=opus',
  'audio/ogg;codecs=opus',
  'audio/mp4;codecs=opus',
  'audio/mp4',
] as const;

/**
 * The first type this browser records (MediaRecorder.isTypeSupported), or undefined: then the
 * browser picks its own and the recording's Blob says which.
 */
export function pickRecordingType(isTypeSupported: (type: string) => boolean): string | undefined {
  return RECORDING_TYPES.find((type) => isTypeSupported(type));
}

/** A file name for a recording made at `at`: voice-2026-12-06-1405.webm (the type's extension). */
export function voiceFileName(type: string, at: Date): string {
  const bare = type.split(';')[0]?.trim() ?? '';
  const extension = bare === 'audio/mp4' ? 'm4a' : bare === 'audio/ogg' ? 'ogg' : 'webm';
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}`;
  return `voice-${stamp}.${extension}`;
}

/** What decoding gives (an AudioBuffer has these); a stand-in in unit tests. */
export interface DecodedAudio {
  sampleRate: number;
  length: number;
  numberOfChannels: number;
  getChannelData(channel: number): Float32Array;
}

/** The length of decoded audio in whole milliseconds. */
export function durationMsOf(audio: Pick<DecodedAudio, 'length' | 'sampleRate'>): number {
  if (audio.sampleRate <= 0) return 0;
  return Math.min(ATTACHMENT_LIMITS.MAX_DURATION_MS, Math.round((audio.length / audio.sampleRate) * 1000));
}

/**
 * The waveform: the audio cut into `bars` equal slices, each the loudest sample (any channel) in
 * it, scaled so the loudest slice is 255. Scaled to the note itself, as messengers draw it: a
 * quiet speaker's note still has a shape. Silence is all zeros.
 */
export function peakLevels(audio: DecodedAudio, bars: number = WAVEFORM_BARS): number[] {
  const peaks = new Array<number>(bars).fill(0);
  if (audio.length === 0) return peaks;
  for (let channel = 0; channel < audio.numberOfChannels; channel++) {
    const samples = audio.getChannelData(channel);
    for (let bar = 0; bar < bars; bar++) {
      const start = Math.floor((bar * samples.length) / bars);
      const end = Math.max(start + 1, Math.floor(((bar + 1) * samples.length) / bars));
      let peak = peaks[bar] ?? 0;
      for (let i = start; i < end && i < samples.length; i++) {
        const value = Math.abs(samples[i] ?? 0);
        if (value > peak) peak = value;
      }
      peaks[bar] = peak;
    }
  }
  return scaleToLoudest(peaks);
}

/** Levels scaled so the loudest is 255, rounded; all zeros stay zeros. */
export function scaleToLoudest(levels: readonly number[]): number[] {
  const loudest = Math.max(0, ...levels);
  if (loudest <= 0) return levels.map(() => 0);
  return levels.map((level) => Math.round((Math.max(0, level) / loudest) * 255));
}

/**
 * `count` levels from a longer or shorter list, each the loudest of the samples falling in its
 * slice: the live meter's readings as a waveform when the recording cannot be decoded.
 */
export function resampleLevels(levels: readonly number[], count: number): number[] {
  if (levels.length === 0) return new Array<number>(count).fill(0);
  return Array.from({ length: count }, (_, bar) => {
    const start = Math.floor((bar * levels.length) / count);
    const end = Math.max(start + 1, Math.floor(((bar + 1) * levels.length) / count));
    return Math.max(...levels.slice(start, end));
  });
}

export interface VoiceFacts {
  durationMs: number;
  /** The entry's waveform (unpadded base64 of WAVEFORM_BARS levels). */
  waveform: string;
}

/** The facts of decoded audio. */
export function voiceFactsOf(audio: DecodedAudio, bars: number = WAVEFORM_BARS): VoiceFacts {
  return { durationMs: durationMsOf(audio), waveform: encodeWaveform(peakLevels(audio, bars)) };
}

/** Decodes a recording with Web Audio (a context made for it and closed after). */
export async function decodeRecording(recording: Blob): Promise<DecodedAudio> {
  const bytes = await recording.arrayBuffer();
  const context = new AudioContext();
  try {
    return await context.decodeAudioData(bytes);
  } finally {
    void context.close();
  }
}

/**
 * The facts of a recording: decoded on the device. When this browser cannot decode what it
 * recorded, the caller's own measure stands in (the recording's elapsed time and the live
 * meter's levels), so a voice note is never held back by its waveform.
 */
export async function analyseRecording(
  recording: Blob,
  fallback: { elapsedMs: number; meterLevels: readonly number[] },
  decode: (recording: Blob) => Promise<DecodedAudio> = decodeRecording,
): Promise<VoiceFacts> {
  try {
    const facts = voiceFactsOf(await decode(recording));
    if (facts.durationMs > 0) return facts;
  } catch (error) {
    console.warn('voice note not decoded; using the live measure', error);
  }
  return {
    durationMs: Math.max(0, Math.round(fallback.elapsedMs)),
    waveform: encodeWaveform(scaleToLoudest(resampleLevels(fallback.meterLevels, WAVEFORM_BARS))),
  };
}

/** m:ss (or h:mm:ss) of a duration, for the timer and the player. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}
