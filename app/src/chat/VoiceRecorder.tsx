import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { analyseRecording, formatDuration, voiceFileName } from '../attachments/voice-analysis.ts';
import { MicrophoneError, VoiceRecording } from '../attachments/voice-recorder.ts';
import { Icon, ICONS } from '../ui/Icon.tsx';
import type { ConversationModel } from './conversation-model.ts';

/** A press shorter than this is a tap: it locks the recording on instead of holding it. */
const TAP_MS = 350;
/** Sliding this far left while holding discards the recording. */
const CANCEL_SLIDE_PX = 80;
/** Per frame, the meter keeps this share of what it showed (about half a second to fall). */
const METER_FALL = 0.9;

type Phase =
  | { kind: 'idle' }
  | { kind: 'starting'; released: boolean }
  | { kind: 'recording'; locked: boolean }
  | { kind: 'sending' };

/**
 * The composer's record button and what shows while recording (docs/attachments.md, "Voice
 * notes"), as people know it from other messengers: hold to record and let go to send, slide
 * left to discard; or tap to lock it on, then "Send voice note" or "Discard voice note" (the
 * keyboard: Enter or Space starts locked, Escape discards). A timer and a live level meter show
 * while it records. A refused or missing microphone is said in the composer; nothing is sent.
 */
export function VoiceRecorder(props: {
  model: ConversationModel;
  replyTo: string | undefined;
  /** Recording or sending: the composer gives its row to the recorder meanwhile. */
  onActive: (active: boolean) => void;
  onProblem: (problem: string | null) => void;
  /** The note went to the outbox (the reply, if any, is done). */
  onSent: () => void;
}) {
  const { model, replyTo, onActive, onProblem, onSent } = props;
  const [phase, setPhaseState] = useState<Phase>({ kind: 'idle' });
  const phaseRef = useRef(phase);
  const recording = useRef<VoiceRecording | null>(null);
  const press = useRef<{ at: number; x: number } | null>(null);
  /** The click that follows a press handled by the pointer events is not a second action. */
  const pressClick = useRef(false);
  const meter = useRef<HTMLSpanElement>(null);
  const [seconds, setSeconds] = useState(0);
  const [slide, setSlide] = useState(0);

  /** The phase now (a call: what an `await` may have changed is read again). */
  const currentPhase = (): Phase => phaseRef.current;
  const setPhase = (next: Phase) => {
    phaseRef.current = next;
    setPhaseState(next);
    onActive(next.kind !== 'idle');
  };

  // The timer (whole seconds) and the meter (every frame, straight to the element: no re-render).
  // The meter falls back slowly, as a level meter does, so short sounds stay visible.
  const active = phase.kind === 'recording';
  useEffect(() => {
    if (!active) return;
    let shown = 0;
    let frame = requestAnimationFrame(function draw() {
      const current = recording.current;
      if (current) {
        setSeconds(Math.floor(current.elapsedMs() / 1000));
        shown = Math.max(current.level(), shown * METER_FALL);
        if (meter.current) {
          meter.current.style.transform = `scaleX(${Math.max(0.02, shown)})`;
          meter.current.dataset.level = shown.toFixed(2);
        }
      }
      frame = requestAnimationFrame(draw);
    });
    return () => cancelAnimationFrame(frame);
  }, [active]);

  // Leaving the conversation mid-recording discards it and frees the microphone.
  useEffect(
    () => () => {
      recording.current?.cancel();
      recording.current = null;
    },
    [],
  );

  const start = async (locked: boolean) => {
    if (phaseRef.current.kind !== 'idle') return;
    onProblem(null);
    setSeconds(0);
    setSlide(0);
    setPhase({ kind: 'starting', released: locked });
    try {
      const started = await VoiceRecording.start();
      // Read again: the press may have ended (or been discarded) while the microphone started.
      const now = currentPhase();
      if (now.kind !== 'starting') {
        started.cancel(); // discarded while the microphone was starting
        return;
      }
      recording.current = started;
      setPhase({ kind: 'recording', locked: now.released });
    } catch (error) {
      setPhase({ kind: 'idle' });
      onProblem(error instanceof MicrophoneError ? error.message : `Not recorded: ${String(error)}`);
    }
  };

  const discard = () => {
    recording.current?.cancel();
    recording.current = null;
    press.current = null;
    setPhase({ kind: 'idle' });
  };

  const send = async () => {
    const current = recording.current;
    if (!current || phaseRef.current.kind !== 'recording') return;
    recording.current = null;
    press.current = null;
    setPhase({ kind: 'sending' });
    try {
      const done = await current.finish();
      if (done.recording.size === 0) throw new Error('nothing was recorded.');
      const facts = await analyseRecording(done.recording, done);
      const file = new File([done.recording], voiceFileName(done.recording.type, new Date()), {
        type: done.recording.type,
      });
      await model.sendVoice(file, facts, replyTo);
      onSent();
    } catch (error) {
      onProblem(`Voice note not sent: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setPhase({ kind: 'idle' });
    }
  };

  // Hold: the button keeps the pointer while pressed; letting go sends, a quick tap locks it on.
  const onPointerDown = (event: PointerEvent<HTMLButtonElement>) => {
    if (event.button !== 0 || phaseRef.current.kind !== 'idle') return;
    event.currentTarget.setPointerCapture(event.pointerId);
    press.current = { at: performance.now(), x: event.clientX };
    void start(false);
  };
  const onPointerMove = (event: PointerEvent<HTMLButtonElement>) => {
    if (!press.current) return;
    const moved = Math.max(0, press.current.x - event.clientX);
    setSlide(moved);
    if (moved > CANCEL_SLIDE_PX) discard();
  };
  const onPointerUp = () => {
    const pressed = press.current;
    if (!pressed) return;
    press.current = null;
    pressClick.current = true;
    setSlide(0);
    const now = phaseRef.current;
    const tap = performance.now() - pressed.at < TAP_MS;
    if (now.kind === 'starting') setPhase({ kind: 'starting', released: true });
    else if (now.kind === 'recording' && !now.locked)
      if (tap) setPhase({ kind: 'recording', locked: true });
      else void send();
  };

  const holding = phase.kind === 'recording' && !phase.locked;
  const busy = phase.kind === 'starting' || phase.kind === 'sending';
  const recordLabel =
    phase.kind === 'idle'
      ? 'Record a voice note'
      : phase.kind === 'recording' && phase.locked
        ? 'Send voice note'
        : phase.kind === 'sending'
          ? 'Sending voice note'
          : 'Recording: release to send';

  return (
    <>
      {phase.kind !== 'idle' && (
        <div
          className="flex h-11 min-w-0 flex-1 items-center gap-3 rounded-xl border-2 border-line bg-canvas px-3"
          data-testid="voice-recorder"
          data-state={phase.kind}
        >
          {phase.kind === 'recording' && phase.locked && (
            <button
              type="button"
              onClick={discard}
              aria-label="Discard voice note"
              className="rounded px-1 text-lg text-fg-muted hover:text-fg focus-visible:ring-2 focus-visible:ring-focus"
            >
              <span aria-hidden="true">🗑</span>
            </button>
          )}
          <span aria-hidden="true" className="h-2.5 w-2.5 shrink-0 animate-pulse rounded-full bg-danger" />
          <span
            className="w-12 shrink-0 text-sm text-fg tabular-nums"
            data-testid="voice-timer"
            aria-label={`Recording: ${formatDuration(seconds * 1000)}`}
          >
            {formatDuration(seconds * 1000)}
          </span>
          <span
            className="block h-2 min-w-0 flex-1 overflow-hidden rounded-full bg-surface"
            aria-hidden="true"
          >
            <span
              ref={meter}
              data-testid="voice-level"
              className="block h-full w-full origin-left rounded-full bg-accent transition-transform duration-75"
              style={{ transform: 'scaleX(0.02)' }}
            />
          </span>
          {holding && (
            <span className="shrink-0 text-xs text-fg-muted" style={{ opacity: 1 - slide / CANCEL_SLIDE_PX }}>
              ‹ Slide to discard
            </span>
          )}
          {busy && (
            <span className="shrink-0 text-xs text-fg-muted">
              {phase.kind === 'sending' ? 'Sending…' : 'Starting…'}
            </span>
          )}
        </div>
      )}
      <button
        type="button"
        aria-label={recordLabel}
        title={recordLabel}
        aria-pressed={phase.kind === 'idle' ? undefined : true}
        disabled={phase.kind === 'sending'}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => {
          if (press.current) discard();
        }}
        onClick={(event) => {
          // A press is handled by the pointer events; any other click (the keyboard's Enter or
          // Space, a click on "Send voice note") starts a locked recording or sends it.
          if (pressClick.current || (event.detail !== 0 && phaseRef.current.kind === 'idle')) {
            pressClick.current = false;
            return;
          }
          if (phaseRef.current.kind === 'idle') void start(true);
          else void send();
        }}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && phaseRef.current.kind !== 'idle') {
            event.preventDefault();
            discard();
          }
        }}
        className={`h-11 w-11 shrink-0 touch-none rounded-xl text-lg select-none focus-visible:ring-2 focus-visible:ring-focus disabled:opacity-50 ${
          phase.kind === 'idle'
            ? 'border-2 border-line text-fg-muted hover:text-fg'
            : 'bg-accent text-on-accent hover:bg-accent-strong'
        }`}
        data-testid="voice-record"
      >
        <Icon d={phase.kind === 'recording' && phase.locked ? ICONS.send : ICONS.microphone} size={20} />
      </button>
    </>
  );
}
