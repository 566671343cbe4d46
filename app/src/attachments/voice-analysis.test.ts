import { checkAttachmentEntry, decodeWaveform, ATTACHMENT_LIMITS } from '@messenjo/shared';
import { describe, expect, it } from 'vitest';
import {
  analyseRecording,
  durationMsOf,
  formatDuration,
  peakLevels,
  pickRecordingType,
  resampleLevels,
  voiceFactsOf,
  voiceFileName,
  WAVEFORM_BARS,
  type DecodedAudio,
} from './voice-analysis.ts';

/** Decoded audio of `channels`, as an AudioBuffer would give it. */
function audio(sampleRate: number, ...channels: Float32Array[]): DecodedAudio {
  return {
    sampleRate,
    length: channels[0]?.length ?? 0,
    numberOfChannels: channels.length,
    getChannelData: (channel) => channels[channel] ?? new Float32Array(),
  };
}

/** 2 s at 48 kHz: silence, then a loud second half with a beep at half the height in the first. */
function twoSeconds(): Float32Array {
  const samples = new Float32Array(96_000);
  for (let i = 12_000; i < 18_000; i++) samples[i] = 0.25 * Math.sin(i / 10);
  for (let i = 48_000; i < 96_000; i++) samples[i] = 0.5 * Math.sin(i / 10);
  return samples;
}

describe('voice note analysis', () => {
  it('measures the length from the decoded samples, not the container', () => {
    expect(durationMsOf(audio(48_000, twoSeconds()))).toBe(2000);
    expect(durationMsOf({ length: 44_100 * 3 + 441, sampleRate: 44_100 })).toBe(3010);
    expect(durationMsOf({ length: 0, sampleRate: 48_000 })).toBe(0);
  });

  it('draws 64 bars of peaks, scaled so the loudest is 255', () => {
    const levels = peakLevels(audio(48_000, twoSeconds()));
    expect(levels).toHaveLength(WAVEFORM_BARS);
    // Bars 0–7 are the first quarter second: silence. The beep (0.25) sits in bars 8–11.
    expect(levels.slice(0, 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Math.max(...levels.slice(8, 12))).toBeGreaterThanOrEqual(126);
    expect(Math.max(...levels.slice(8, 12))).toBeLessThanOrEqual(129);
    expect(levels.slice(12, 32).every((level) => level === 0)).toBe(true);
    expect(levels.slice(32).every((level) => level >= 250)).toBe(true);
  });

  it('takes the louder channel of a stereo recording, and gives silence a flat line', () => {
    const quiet = new Float32Array(4800).fill(0.1);
    const loud = new Float32Array(4800);
    loud[4000] = -0.8;
    const levels = peakLevels(audio(48_000, quiet, loud), 8);
    expect(levels).toEqual([32, 32, 32, 32, 32, 32, 255, 32]);
    expect(peakLevels(audio(48_000, new Float32Array(1000)), 8)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(peakLevels(audio(48_000, new Float32Array(3)), 8)).toHaveLength(8);
  });

  it('gives facts the message entry accepts', () => {
    const facts = voiceFactsOf(audio(48_000, twoSeconds()));
    expect(facts.durationMs).toBe(2000);
    expect(decodeWaveform(facts.waveform)).toEqual(peakLevels(audio(48_000, twoSeconds())));
    const entry = {
      kind: 'voice',
      cipher: 'aes256gcm-chunked-v1',
      blob: 'a'.repeat(64),
      key: 'A'.repeat(43),
      size: 30_000,
      chunkBytes: ATTACHMENT_LIMITS.CHUNK_BYTES,
      type: 'audio/webm',
      name: voiceFileName('audio/webm;codecs=opus', new Date(2026, 11, 6, 14, 5)),
      ...facts,
    };
    expect(entry.name).toBe('voice-2026-12-06-1405.webm');
    expect(checkAttachmentEntry(entry)).toMatchObject({ ok: true });
  });

  it("falls back to the recording's own measure when the browser cannot decode it", async () => {
    const facts = await analyseRecording(
      new Blob([new Uint8Array(10)]),
      { elapsedMs: 2345.6, meterLevels: [0, 0.1, 0.4, 0.2] },
      () => Promise.reject(new Error('EncodingError')),
    );
    expect(facts.durationMs).toBe(2346);
    const levels = decodeWaveform(facts.waveform);
    expect(levels).toHaveLength(WAVEFORM_BARS);
    expect(Math.max(...levels)).toBe(255);
    expect(levels[0]).toBe(0);
  });

  it('resamples meter readings to the bars, keeping each slice’s peak', () => {
    expect(resampleLevels([1, 5, 2, 8], 2)).toEqual([5, 8]);
    expect(resampleLevels([3], 4)).toEqual([3, 3, 3, 3]);
    expect(resampleLevels([], 3)).toEqual([0, 0, 0]);
  });

  it('records Opus in WebM where the browser can, MP4 where that is what it records', () => {
    expect(pickRecordingType((type) => type.startsWith('audio/webm'))).toBe('audio/webm;codecs=opus');
    expect(pickRecordingType((type) => type === 'audio/mp4')).toBe('audio/mp4');
    expect(pickRecordingType(() => false)).toBeUndefined();
    expect(voiceFileName('audio/mp4', new Date(2026, 0, 2, 3, 4))).toBe('voice-2026-01-02-0304.m4a');
  });

  it('shows lengths as m:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(2999)).toBe('0:02');
    expect(formatDuration(65_000)).toBe('1:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
  });
});
