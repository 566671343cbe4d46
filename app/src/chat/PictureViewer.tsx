import type { AttachmentEntry } from '@messenjo/shared';
import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import { prefetchAttachment } from '../attachments/blob-download.ts';
import { placeholderUrl } from '../attachments/placeholder.ts';
import type { ConversationPicture } from './conversation-pictures.ts';
import { DownloadProgress } from './DownloadProgress.tsx';
import { useAttachmentUrl } from './use-attachment-url.ts';

/** A horizontal swipe this long (CSS px) goes to the next picture; downwards, closes. */
const SWIPE_PX = 60;
/** Two taps this close together (ms) toggle the zoom. */
const DOUBLE_TAP_MS = 300;
const MAX_ZOOM = 8;

/**
 * The full picture over the page (docs/attachments.md, "Receiving"): zoom with the buttons, a
 * pinch or a double tap; the conversation's other pictures (newest last) with the arrow keys, the
 * buttons or a swipe, older history loaded when the oldest loaded one is passed; Escape, ✕ or a
 * swipe down closes. Touch gestures act only on the picture's area. Only the picture shown and its
 * two neighbours are fetched (into the device's cache), so the next one opens at once, offline too.
 */
export function PictureViewer(props: {
  meId: string;
  /** The conversation's loaded pictures, oldest first (conversation-pictures.ts). */
  pictures: readonly ConversationPicture[];
  /** The key of the picture opened first. */
  start: string;
  /** Older history may hold more pictures. */
  hasOlder: boolean;
  /** Loads older history until it holds a picture before the oldest loaded one (or has none); the pictures then. */
  loadOlder: () => Promise<readonly ConversationPicture[]>;
  onClose: () => void;
}) {
  const { pictures, onClose, meId } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  // The picture shown is held by its key: new messages and older history move its index.
  const [shown, setShown] = useState({ key: props.start, index: -1 });
  const found = pictures.findIndex((p) => p.key === shown.key);
  if (found >= 0 && found !== shown.index) setShown({ key: shown.key, index: found });
  // Gone (its message was deleted meanwhile): the one that took its place.
  const index = found >= 0 ? found : Math.min(Math.max(shown.index, 0), pictures.length - 1);
  const setCurrent = (key: string) => setShown({ key, index });
  const [olderLoading, setOlderLoading] = useState(false);
  const [zoom, setZoomNow] = useState(1);
  const area = useRef<HTMLDivElement>(null);
  // The point that stays put while the zoom changes: where it is on the screen and where on the
  // picture (a share of its width and height), applied once the new size is laid out.
  const anchor = useRef<{ x: number; y: number; fx: number; fy: number } | null>(null);
  /**
   * Zooms to `next` keeping the point under `at` (client px: the pinch's or tap's point; the
   * middle of the view for the buttons) where it is, as photo viewers do.
   */
  const setZoom = (next: number | ((z: number) => number), at?: { x: number; y: number }) => {
    const value = typeof next === 'function' ? next(zoom) : next;
    if (value === zoom) return; // no change, so no layout to keep the point through
    const element = area.current;
    const shownPicture = element?.querySelector<HTMLElement>('[data-zoomable]');
    if (element && shownPicture) {
      const view = element.getBoundingClientRect();
      const point = at ?? {
        x: view.left + element.clientLeft + element.clientWidth / 2,
        y: view.top + element.clientTop + element.clientHeight / 2,
      };
      const box = shownPicture.getBoundingClientRect();
      if (box.width > 0 && box.height > 0)
        anchor.current = {
          ...point,
          fx: Math.min(1, Math.max(0, (point.x - box.left) / box.width)),
          fy: Math.min(1, Math.max(0, (point.y - box.top) / box.height)),
        };
    }
    setZoomNow(value);
  };
  useLayoutEffect(() => {
    const held = anchor.current;
    anchor.current = null;
    const element = area.current;
    const shownPicture = element?.querySelector<HTMLElement>('[data-zoomable]');
    if (!held || !element || !shownPicture) return;
    const box = shownPicture.getBoundingClientRect();
    element.scrollLeft += box.left + held.fx * box.width - held.x;
    element.scrollTop += box.top + held.fy * box.height - held.y;
  }, [zoom]);
  // Stepping back past the oldest loaded picture: the key stepped back from, until an older
  // picture is loaded. Older history may arrive after loadOlder settles (a segment opens before
  // the server's copy of it arrives on a device that never had it), so the step is taken when the
  // pictures change, not when loading says it is done.
  const [backFrom, setBackFrom] = useState<string | null>(null);
  if (backFrom !== null) {
    const from = pictures.findIndex((p) => p.key === backFrom);
    const previous = pictures[from - 1];
    if (from < 0) setBackFrom(null);
    else if (previous) {
      setBackFrom(null);
      setShown({ key: previous.key, index: from - 1 });
      setZoomNow(1);
    }
  }
  const entry = pictures[index]?.entry;
  const picture = useAttachmentUrl(meId, entry ?? null, entry?.type ?? 'image/png', 'picture');
  // Shown in the picture's final box at once, until the full picture is here: the thumbnail the
  // timeline already has on the device (else the ThumbHash).
  const thumbnail = useAttachmentUrl(
    meId,
    entry?.thumbnail ?? null,
    entry?.thumbnail?.type ?? 'image/webp',
    'preview',
  );
  const preview = thumbnail.state === 'ready' ? thumbnail.url : placeholderUrl(entry?.thumbHash);
  const before = pictures[index - 1]?.entry;
  const after = pictures[index + 1]?.entry;
  useEffect(() => {
    // The neighbours' ciphertext comes onto the device meanwhile; a failure shows when opened.
    for (const neighbour of [after, before]) if (neighbour) void prefetchAttachment(meId, neighbour);
  }, [meId, before, after]);
  const touches = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<{ x: number; y: number; pinch?: number; zoom: number } | null>(null);
  const lastTap = useRef(0);

  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);

  const { hasOlder, loadOlder } = props;
  const shownKey = pictures[index]?.key;
  const go = (step: number) => {
    const next = pictures[index + step];
    if (next) {
      setBackFrom(null);
      setCurrent(next.key);
      setZoomNow(1);
    } else if (step < 0 && index === 0 && hasOlder && !olderLoading && shownKey !== undefined) {
      // Before the oldest loaded picture: older history, then the picture just before this one
      // (taken above as soon as it is loaded; none older, and the buttons say where it stands).
      setBackFrom(shownKey);
      setOlderLoading(true);
      loadOlder()
        .catch(() => {})
        .finally(() => setOlderLoading(false));
    }
  };

  const distance = () => {
    const [a, b] = [...touches.current.values()];
    return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
  };
  const down = (event: PointerEvent) => {
    if (event.pointerType !== 'touch') return;
    touches.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    gesture.current =
      touches.current.size === 2
        ? { x: event.clientX, y: event.clientY, pinch: distance(), zoom }
        : { x: event.clientX, y: event.clientY, zoom };
  };
  const move = (event: PointerEvent) => {
    if (!touches.current.has(event.pointerId)) return;
    touches.current.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const start = gesture.current;
    if (start?.pinch && touches.current.size === 2) {
      const [a, b] = [...touches.current.values()];
      const middle = a && b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : undefined;
      setZoom(Math.min(MAX_ZOOM, Math.max(1, (start.zoom * distance()) / start.pinch)), middle);
    }
  };
  const up = (event: PointerEvent) => {
    if (!touches.current.delete(event.pointerId)) return;
    const start = gesture.current;
    if (!start || start.pinch !== undefined) {
      if (touches.current.size === 0) gesture.current = null;
      return;
    }
    gesture.current = null;
    const [dx, dy] = [event.clientX - start.x, event.clientY - start.y];
    if (zoom === 1 && Math.abs(dx) > SWIPE_PX && Math.abs(dx) > Math.abs(dy)) return go(dx < 0 ? 1 : -1);
    if (zoom === 1 && dy > SWIPE_PX && dy > Math.abs(dx)) return onClose();
    if (Math.abs(dx) < 10 && Math.abs(dy) < 10) {
      if (event.timeStamp - lastTap.current < DOUBLE_TAP_MS) {
        setZoom((z) => (z === 1 ? 2 : 1), { x: event.clientX, y: event.clientY });
        lastTap.current = 0;
      } else lastTap.current = event.timeStamp;
    }
  };

  if (!entry) return null;
  const several = pictures.length > 1 || hasOlder;
  const first = index === 0 && !hasOlder;
  return (
    <dialog
      ref={dialog}
      onClose={onClose}
      onKeyDown={(event) => {
        if (event.key === 'ArrowRight') go(1);
        else if (event.key === 'ArrowLeft') go(-1);
      }}
      aria-label={entry.name}
      className="m-0 h-full max-h-none w-full max-w-none bg-black/90 p-0 text-white"
      data-testid="picture-viewer"
    >
      {/* On a phone the buttons are symbols (their names stay whole): the close button stays on screen. */}
      <div className="flex items-center gap-1 p-2 sm:gap-2">
        <span className="min-w-0 flex-1 truncate text-sm" dir="auto">
          {entry.name}
          {several && (
            <span className="ml-2 text-white/70" data-testid="picture-position">
              {olderLoading
                ? 'Loading older pictures…'
                : `${index + 1} of ${pictures.length}${hasOlder ? ' loaded' : ''}`}
            </span>
          )}
        </span>
        {several && (
          <>
            <StepButton
              label="Previous picture"
              symbol="‹"
              disabled={first || olderLoading}
              onClick={() => go(-1)}
            />
            <StepButton
              label="Next picture"
              symbol="›"
              disabled={index === pictures.length - 1}
              onClick={() => go(1)}
            />
          </>
        )}
        <StepButton label="Zoom out" symbol="−" onClick={() => setZoom((z) => Math.max(1, z / 2))} />
        <StepButton label="Zoom in" symbol="+" onClick={() => setZoom((z) => Math.min(MAX_ZOOM, z * 2))} />
        <button type="button" className="rounded px-3 py-1" onClick={onClose} aria-label="Close picture">
          ✕
        </button>
      </div>
      <div
        // A size container: the picture is fitted to its box (FittedPicture), and centred in it
        // by auto margins, which, unlike centring by the flex box, leave every edge of a zoomed
        // picture reachable by scrolling.
        ref={area}
        className="@container-size flex h-[calc(100%-3rem)] overflow-auto"
        // Unzoomed, the viewer takes every touch (swipes, pinches); zoomed, the browser scrolls.
        style={{ touchAction: zoom === 1 ? 'none' : 'pan-x pan-y' }}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={(event) => {
          touches.current.delete(event.pointerId);
          gesture.current = null;
        }}
      >
        {picture.state === 'failed' ? (
          <p className="w-full p-4 text-center" role="alert">
            {picture.problem}
          </p>
        ) : (
          <FittedPicture
            key={picture.state === 'ready' ? picture.url : `preview:${entry.blob}`}
            url={picture.state === 'ready' ? picture.url : undefined}
            preview={preview}
            entry={entry}
            zoom={zoom}
          />
        )}
      </div>
      {picture.state === 'loading' && (
        // Over the preview, not beside it: the picture's box stays where the full picture goes.
        <div className="absolute inset-x-0 bottom-0 bg-black/60 p-3 text-center text-sm" role="status">
          <p>Loading…</p>
          <DownloadProgress blob={entry.blob} name={entry.name} size={entry.size} />
        </div>
      )}
    </dialog>
  );
}

/**
 * One of the bar's buttons that take a step, to another picture or zoom level: on a phone a
 * symbol (so the close button stays on screen), the words from `sm` up; its name is the words
 * either way.
 */
function StepButton(props: { label: string; symbol: string; disabled?: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      className="rounded px-3 py-1"
      disabled={props.disabled}
      onClick={props.onClick}
      aria-label={props.label}
    >
      <span aria-hidden="true" className="sm:hidden">
        {props.symbol}
      </span>
      <span aria-hidden="true" className="hidden sm:inline">
        {props.label}
      </span>
    </button>
  );
}

/**
 * The picture at `zoom` times its fitted size. Fitted (zoom 1) is the whole picture in the
 * viewer's box, aspect kept, and never larger than its own pixels: like the timeline's box
 * (fitWithin), a small picture is not blown up into a blur; zooming in enlarges it. The size is
 * in container units of the viewer's box, so it follows the window without a resize listener.
 * The aspect is the decoded picture's once it has loaded (the entry's size is only what the
 * sender's device said), the entry's until then. The box is laid out before anything is here
 * (its height by the aspect), with `preview` (the thumbnail or ThumbHash) stretched over it, so
 * the full picture (`url`) appears in the same place without a jump.
 */
function FittedPicture(props: {
  url: string | undefined;
  preview: string | undefined;
  entry: AttachmentEntry;
  zoom: number;
}) {
  const { entry, zoom, url, preview } = props;
  const [decoded, setDecoded] = useState<{ width: number; height: number } | null>(null);
  const { width, height } = decoded ?? { width: entry.width ?? 1, height: entry.height ?? 1 };
  const style = {
    width: `calc(min(${width}px, 100cqw, ${width / height} * 100cqh) * ${zoom})`,
    aspectRatio: `${width} / ${height}`,
    height: 'auto',
    maxWidth: 'none',
    backgroundImage: preview ? `url("${preview}")` : undefined,
    backgroundSize: '100% 100%',
  };
  if (url === undefined)
    return (
      <div
        role="img"
        aria-label={entry.name}
        data-testid="picture-preview"
        data-zoomable=""
        style={style}
        className="m-auto shrink-0"
      />
    );
  return (
    <img
      src={url}
      alt={entry.name}
      data-testid="full-picture"
      data-zoomable=""
      draggable={false}
      onLoad={(event) => {
        const img = event.currentTarget;
        if (img.naturalWidth > 0 && img.naturalHeight > 0)
          setDecoded({ width: img.naturalWidth, height: img.naturalHeight });
      }}
      style={style}
      className="m-auto shrink-0"
    />
  );
}
