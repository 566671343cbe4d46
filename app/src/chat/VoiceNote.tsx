import { decodeWaveform, type AttachmentEntry } from '@messenjo/shared';
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { AttachmentUnavailableError, openAttachment } from '../attachments/blob-download.ts';
import { formatDuration, resampleLevels, WAVEFORM_BARS } from '../attachments/voice-analysis.ts';
import { Icon, ICONS } from '../ui/Icon.tsx';
import { DownloadProgress } from './DownloadProgress.tsx';

/** What a voice note knows of being played (PL1). */
export interface VoicePlayed {
  /** This user sent it: "Played" shows once someone else has played it. */
  mine: boolean;
  /** Who has played it. */
  playedBy: readonly string[];
  /** This user played it (someone else's note): marks it played for its author. */
  onPlayed: () => void;
}

const SPEEDS = [1, 1.5, 2] as const;
/** Arrow keys on the waveform move this far. */
const SEEK_STEP_MS = 1000;

type Source =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; url: string }
  | { state: 'failed'; problem: string };

/**
 * A voice note in the timeline (docs/attachments.md, "Voice notes"): play/pause, its waveform as
 * the seek bar (click, or the arrow keys, Home and End), elapsed and total time, speed 1×, 1.5×
 * and 2×. The recording is fetched and decrypted on the first play (from the device's cache when
 * it is there); offline and not on the device, it says it needs the network. The length is the
 * one measured when it was recorded: a recorded WebM tells <audio> none (Infinity).
 */
export function VoiceNote(props: {
  meId: string;
  entry: AttachmentEntry;
  uploading: boolean;
  played: VoicePlayed | undefined;
}) {
  const { entry, played } = props;
  const audio = useRef<HTMLAudioElement>(null);
  const [source, setSource] = useState<Source>({ state: 'idle' });
  const [playing, setPlaying] = useState(false);
  const [positionMs, setPositionMs] = useState(0);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const totalMs = entry.durationMs ?? 0;
  const bars = barsOf(entry.waveform);
  const wantPlay = useRef(false);
  const pendingSeek = useRef<number | null>(null);

  // The object URL lives as long as the note is shown.
  const url = source.state === 'ready' ? source.url : null;
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url]);

  useEffect(() => {
    if (audio.current) audio.current.playbackRate = speed;
  }, [speed, url]);

  const load = () => {
    if (source.state === 'loading' || source.state === 'ready') return;
    setSource({ state: 'loading' });
    openAttachment(props.meId, entry, entry.type).then(
      (file) => setSource({ state: 'ready', url: URL.createObjectURL(file) }),
      (error: unknown) =>
        setSource({
          state: 'failed',
          problem:
            error instanceof AttachmentUnavailableError
              ? error.sentenceFor('voice note')
              : error instanceof Error
                ? error.message
                : String(error),
        }),
    );
  };

  // Once loaded because play was pressed, it plays (and seeks where the waveform was clicked).
  useEffect(() => {
    const element = audio.current;
    if (!url || !element) return;
    if (pendingSeek.current !== null) element.currentTime = pendingSeek.current / 1000;
    pendingSeek.current = null;
    if (wantPlay.current) {
      wantPlay.current = false;
      element.playbackRate = speed;
      void element.play().catch((error: unknown) => setSource({ state: 'failed', problem: String(error) }));
    }
    // Only a new URL starts this; speed is applied by its own effect.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url]);

  const toggle = () => {
    const element = audio.current;
    if (!url || !element) {
      wantPlay.current = true;
      load();
      return;
    }
    if (element.paused) {
      if (element.ended) element.currentTime = 0;
      void element.play();
    } else element.pause();
  };

  const seekTo = (ms: number) => {
    const clamped = Math.max(0, Math.min(totalMs, ms));
    setPositionMs(clamped);
    if (url && audio.current) audio.current.currentTime = clamped / 1000;
    else pendingSeek.current = clamped;
  };

  const onWaveClick = (event: MouseEvent<HTMLDivElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    if (box.width > 0) seekTo(((event.clientX - box.left) / box.width) * totalMs);
  };
  const onWaveKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const to =
      event.key === 'ArrowRight' || event.key === 'ArrowUp'
        ? positionMs + SEEK_STEP_MS
        : event.key === 'ArrowLeft' || event.key === 'ArrowDown'
          ? positionMs - SEEK_STEP_MS
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? totalMs
              : null;
    if (to === null) return;
    event.preventDefault();
    seekTo(to);
  };

  const share = totalMs > 0 ? Math.min(1, positionMs / totalMs) : 0;
  const others = played ? played.playedBy.filter((id) => id !== props.meId) : [];
  const label = playing ? 'Pause voice note' : 'Play voice note';

  return (
    <div
      className="flex min-w-64 flex-col gap-1 rounded-xl bg-surface px-3 py-2 text-fg"
      data-testid="voice-note"
      data-duration-ms={totalMs}
      data-state={playing ? 'playing' : source.state}
    >
      <div className="flex items-center gap-2">
        <button
          type="button"
          onClick={toggle}
          disabled={props.uploading || source.state === 'loading'}
          aria-label={label}
          title={label}
          className="h-9 w-9 shrink-0 rounded-full bg-accent text-on-accent hover:bg-accent-strong focus-visible:ring-2 focus-visible:ring-focus disabled:opacity-50"
        >
          <Icon d={playing ? ICONS.pause : ICONS.play} size={18} filled={!playing} />
        </button>
        <div
          role="slider"
          tabIndex={0}
          aria-label="Voice note position"
          aria-valuemin={0}
          aria-valuemax={Math.round(totalMs / 1000)}
          aria-valuenow={Math.round(positionMs / 1000)}
          aria-valuetext={`${formatDuration(positionMs)} of ${formatDuration(totalMs)}`}
          onClick={onWaveClick}
          onKeyDown={onWaveKey}
          className="flex h-8 min-w-0 flex-1 cursor-pointer items-center gap-px rounded focus-visible:ring-2 focus-visible:ring-focus"
          data-testid="voice-waveform"
        >
          {bars.map((level, i) => (
            <span
              key={i}
              aria-hidden="true"
              data-testid="voice-bar"
              className={`min-w-px flex-1 rounded-full ${i / bars.length < share ? 'bg-accent' : 'bg-fg-muted/50'}`}
              style={{ height: `${Math.max(8, (level / 255) * 100)}%` }}
            />
          ))}
        </div>
        <button
          type="button"
          onClick={() => setSpeed(SPEEDS[(SPEEDS.indexOf(speed) + 1) % SPEEDS.length] ?? 1)}
          aria-label={`Playback speed ${speed}×`}
          title="Playback speed"
          className="w-11 shrink-0 rounded-lg border-2 border-line px-1 text-xs font-semibold hover:border-focus focus-visible:ring-2 focus-visible:ring-focus"
          data-testid="voice-speed"
        >
          {speed}×
        </button>
      </div>
      <div className="flex justify-between gap-2 pl-11 text-xs text-fg-muted">
        <span className="tabular-nums" data-testid="voice-time">
          {formatDuration(positionMs)} / {formatDuration(totalMs)}
        </span>
        {played?.mine && others.length > 0 && (
          <span data-testid="voice-played">
            {others.length === 1 ? 'Played' : `Played by ${others.length}`}
          </span>
        )}
      </div>
      {source.state === 'loading' && (
        <DownloadProgress blob={entry.blob} name={entry.name} size={entry.size} />
      )}
      {source.state === 'failed' && (
        <p className="text-xs" role="alert">
          {source.problem}
        </p>
      )}
      {url && (
        <audio
          ref={audio}
          src={url}
          preload="auto"
          data-testid="voice-audio"
          onPlay={() => {
            setPlaying(true);
            if (played && !played.mine && !played.playedBy.includes(props.meId)) played.onPlayed();
          }}
          onPause={() => setPlaying(false)}
          onEnded={() => {
            setPlaying(false);
            setPositionMs(totalMs);
          }}
          onTimeUpdate={(event) =>
            setPositionMs(Math.min(totalMs, Math.round(event.currentTarget.currentTime * 1000)))
          }
        />
      )}
    </div>
  );
}

/** The bars drawn: the entry's levels at WAVEFORM_BARS (a flat line when it has none). */
function barsOf(waveform: string | undefined): number[] {
  const levels = decodeWaveform(waveform);
  return levels.length === WAVEFORM_BARS ? levels : resampleLevels(levels, WAVEFORM_BARS);
}
