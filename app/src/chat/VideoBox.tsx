import type { AttachmentEntry } from '@messenjo/shared';
import { useId, useState } from 'react';
import { fitWithin } from '../attachments/file-facts.ts';
import { placeholderUrl } from '../attachments/placeholder.ts';
import { DownloadProgress } from './DownloadProgress.tsx';
import { PreviewProblem } from './PreviewProblem.tsx';
import { useAttachmentUrl } from './use-attachment-url.ts';

/** A video's box in the timeline, at most this wide or tall (CSS pixels), like a picture's. */
const VIDEO_BOX = 280;

/** 75_000 → "1:15"; an hour or more → "1:02:03". */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/**
 * A video in the timeline (docs/attachments.md, "Video"): in a box of its size from the first
 * frame, the ThumbHash then the decrypted poster, with a play button and the length. Playing
 * fetches and decrypts the whole file into a Blob and plays its object URL in the same box.
 */
export function VideoBox(props: { meId: string; entry: AttachmentEntry; uploading: boolean }) {
  const { entry } = props;
  const [playing, setPlaying] = useState(false);
  const box = fitWithin(entry.width ?? 1, entry.height ?? 1, VIDEO_BOX);
  // While it uploads, the sender's own poster is on her device (kept when it was sealed).
  const poster = useAttachmentUrl(
    props.meId,
    entry.thumbnail ?? null,
    entry.thumbnail?.type ?? 'image/webp',
    'preview',
    props.uploading,
  );
  const video = useAttachmentUrl(props.meId, playing ? entry : null, entry.type, 'video');
  const placeholder = placeholderUrl(entry.thumbHash);
  const posterProblemId = useId();
  const posterFailed = !playing && poster.state === 'failed';
  return (
    <div
      className="relative overflow-hidden rounded-xl bg-surface bg-cover bg-center"
      style={{
        width: box.width,
        height: box.height,
        backgroundImage: placeholder ? `url("${placeholder}")` : undefined,
      }}
      data-testid="video"
      data-loaded={poster.state === 'ready' ? '' : undefined}
    >
      {playing && video.state === 'ready' ? (
        <video
          src={video.url}
          controls
          autoPlay
          playsInline
          className="absolute inset-0 h-full w-full bg-black"
          data-testid="video-player"
        />
      ) : (
        <>
          {poster.state === 'ready' && (
            <img src={poster.url} alt="" className="absolute inset-0 h-full w-full object-cover" />
          )}
          <button
            type="button"
            onClick={() => setPlaying(true)}
            disabled={props.uploading || playing}
            aria-label={`Play video ${entry.name}`}
            aria-describedby={posterFailed ? posterProblemId : undefined}
            className="absolute inset-0 flex items-center justify-center focus-visible:ring-2 focus-visible:ring-focus"
          >
            <span aria-hidden="true" className="rounded-full bg-black/60 px-4 py-3 text-2xl text-white">
              {playing && video.state === 'loading' ? '…' : '▶'}
            </span>
          </button>
          {posterFailed && (
            <PreviewProblem id={posterProblemId} reason={poster.reason} problem={poster.problem} />
          )}
          {entry.durationMs !== undefined && (
            <span
              className="absolute right-2 bottom-2 rounded bg-black/60 px-1.5 text-xs text-white"
              data-testid="video-duration"
            >
              {formatDuration(entry.durationMs)}
            </span>
          )}
          {playing && video.state === 'loading' && (
            <div className="absolute inset-x-2 top-2">
              <DownloadProgress blob={entry.blob} name={entry.name} size={entry.size} />
            </div>
          )}
          {playing && video.state === 'failed' && (
            <p className="absolute inset-x-0 top-0 bg-black/70 p-2 text-xs text-white" role="alert">
              {video.problem}
            </p>
          )}
        </>
      )}
    </div>
  );
}
