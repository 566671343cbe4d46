import type { AttachmentEntry } from '@messenjo/shared';
import { useId, useState } from 'react';
import type { PendingFacts } from '../attachments/attachment-outbox.ts';
import { openAttachment } from '../attachments/blob-download.ts';
import { fitWithin, formatBytes } from '../attachments/file-facts.ts';
import { placeholderUrl } from '../attachments/placeholder.ts';
import { isBoxedPicture } from './conversation-pictures.ts';
import { Icon, ICONS } from '../ui/Icon.tsx';
import { DownloadProgress } from './DownloadProgress.tsx';
import { PreviewProblem } from './PreviewProblem.tsx';
import { useAttachmentUrl } from './use-attachment-url.ts';
import { VideoBox } from './VideoBox.tsx';
import { VoiceNote, type VoicePlayed } from './VoiceNote.tsx';

/** A picture's box in the timeline, at most this wide or tall (CSS pixels). */
const PICTURE_BOX = 280;

/**
 * A message's files (docs/attachments.md, "Receiving"): pictures in a box of their own size from
 * the first frame (the ThumbHash placeholder, then the decrypted thumbnail in the same box, so
 * nothing moves), opening the conversation's viewer (MessageList.tsx); other files as name, size, an icon and a download button.
 * Nothing of a file is ever rendered as HTML: a picture is an <img> of a Blob, a file a download.
 */
export function MessageAttachments(props: {
  meId: string;
  attachments: readonly AttachmentEntry[];
  upload: PendingFacts | undefined;
  /** Voice notes: who played it, and how to mark it played (VoiceNote.tsx). */
  played?: VoicePlayed;
  /** Opens the viewer at this picture (by its blob id). */
  onOpenPicture: (blob: string) => void;
  /** Gives up the message while its files upload or once refused (absent: not offered). */
  onDiscardUpload?: () => void;
}) {
  return (
    <div className="mb-1 flex flex-col gap-1" data-testid="attachments">
      {/* Keyed by place: it never changes (sent attachments are immutable), and the blob id is
          only known once the file is encrypted, while the message already shows. */}
      {props.attachments.map((entry, index) =>
        entry.kind === 'voice' ? (
          <VoiceNote
            key={index}
            meId={props.meId}
            entry={entry}
            uploading={props.upload !== undefined}
            played={props.played}
          />
        ) : isBoxedPicture(entry) ? (
          <PictureBox
            key={index}
            meId={props.meId}
            entry={entry}
            uploading={props.upload !== undefined}
            onOpen={() => props.onOpenPicture(entry.blob)}
          />
        ) : entry.kind === 'video' && entry.width && entry.height ? (
          <VideoBox key={index} meId={props.meId} entry={entry} uploading={props.upload !== undefined} />
        ) : (
          <FileRow key={index} meId={props.meId} entry={entry} uploading={props.upload !== undefined} />
        ),
      )}
      {props.upload && <UploadState facts={props.upload} onDiscard={props.onDiscardUpload} />}
    </div>
  );
}

/**
 * How an own message's upload is going, or why it was refused; with a button to give it up
 * (Cancel while it uploads or waits, Discard once refused: it would stay for ever otherwise).
 */
function UploadState(props: { facts: PendingFacts; onDiscard: (() => void) | undefined }) {
  const { facts, onDiscard } = props;
  const failed = facts.state === 'failed';
  const giveUp = onDiscard && (
    <button
      type="button"
      onClick={onDiscard}
      className="shrink-0 rounded-lg border-2 border-line px-2 py-0.5 text-xs hover:border-focus focus-visible:ring-2 focus-visible:ring-focus"
    >
      {failed ? 'Discard' : 'Cancel sending'}
    </button>
  );
  if (failed)
    return (
      <div className="flex items-center gap-2">
        <p className="min-w-0 flex-1 text-xs" role="alert" data-testid="upload-failed">
          Not sent: {facts.problem}
        </p>
        {giveUp}
      </div>
    );
  return (
    <div className="flex items-center gap-2">
      <UploadProgress facts={facts} />
      {giveUp}
    </div>
  );
}

function UploadProgress(props: { facts: PendingFacts }) {
  const { facts } = props;
  const percent = Math.round(facts.progress * 100);
  return (
    <progress
      className="h-1.5 w-full"
      max={100}
      value={percent}
      aria-label={
        facts.state === 'preparing'
          ? 'Encrypting on this device'
          : facts.state === 'waiting'
            ? `Waiting for the network (${percent}%)`
            : `Uploading: ${percent}%`
      }
      data-testid="upload-progress"
    />
  );
}

function PictureBox(props: { meId: string; entry: AttachmentEntry; uploading: boolean; onOpen: () => void }) {
  const { entry } = props;
  const box = fitWithin(entry.width ?? 1, entry.height ?? 1, PICTURE_BOX);
  const placeholder = placeholderUrl(entry.thumbHash);
  // While it uploads, the sender's own thumbnail is on her device (kept when it was sealed).
  const thumb = useAttachmentUrl(
    props.meId,
    entry.thumbnail ?? null,
    entry.thumbnail?.type ?? 'image/webp',
    'preview',
    props.uploading,
  );
  const problemId = useId();
  return (
    <button
      type="button"
      onClick={props.onOpen}
      disabled={props.uploading}
      aria-label={`Open picture ${entry.name}`}
      aria-describedby={thumb.state === 'failed' ? problemId : undefined}
      className="relative block overflow-hidden rounded-xl bg-surface bg-cover bg-center focus-visible:ring-2 focus-visible:ring-focus"
      style={{
        width: box.width,
        height: box.height,
        backgroundImage: placeholder ? `url("${placeholder}")` : undefined,
      }}
      data-testid="picture"
      data-loaded={thumb.state === 'ready' ? '' : undefined}
    >
      {thumb.state === 'ready' && (
        <img src={thumb.url} alt={entry.name} className="absolute inset-0 h-full w-full object-cover" />
      )}
      {thumb.state === 'failed' && (
        <PreviewProblem id={problemId} reason={thumb.reason} problem={thumb.problem} />
      )}
    </button>
  );
}

/** The line icon for a file's type (SVG: emoji render as empty boxes without an emoji font). */
function iconOf(type: string): string {
  if (type === 'application/pdf' || type.startsWith('text/')) return ICONS.document;
  if (type.startsWith('image/')) return ICONS.image;
  if (type.startsWith('audio/')) return ICONS.audio;
  if (type.startsWith('video/')) return ICONS.video;
  if (/zip|compressed|tar|gzip/.test(type)) return ICONS.archive;
  return ICONS.file;
}

function FileRow(props: { meId: string; entry: AttachmentEntry; uploading: boolean }) {
  const { entry } = props;
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const download = () => {
    setBusy(true);
    setProblem(null);
    openAttachment(props.meId, entry, entry.type)
      .then((file) => {
        const url = URL.createObjectURL(file);
        const link = document.createElement('a');
        link.href = url;
        link.download = entry.name;
        link.rel = 'noopener';
        link.click();
        // The download has started from the URL by the next task; a minute leaves slow ones room.
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      })
      .catch((error: unknown) => setProblem(error instanceof Error ? error.message : String(error)))
      .finally(() => setBusy(false));
  };
  return (
    <div
      className="flex min-w-56 items-center gap-2 rounded-xl bg-surface px-3 py-2 text-fg"
      data-testid="file"
    >
      <span className="shrink-0 text-fg-muted" data-testid="file-icon">
        <Icon d={iconOf(entry.type)} size={26} />
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate text-sm font-medium" dir="auto" data-testid="file-name">
          {entry.name}
        </span>
        <span className="block text-xs text-fg-muted">{formatBytes(entry.size)}</span>
        {busy && <DownloadProgress blob={entry.blob} name={entry.name} size={entry.size} />}
        {problem && (
          <span className="block text-xs" role="alert">
            {problem}
          </span>
        )}
      </span>
      <button
        type="button"
        onClick={download}
        disabled={props.uploading || busy}
        aria-label={`Download ${entry.name}`}
        className="rounded-lg border-2 border-line px-2 py-1 text-sm hover:border-focus focus-visible:ring-2 focus-visible:ring-focus disabled:opacity-50"
      >
        {busy ? '…' : <Icon d={ICONS.download} size={18} />}
      </button>
    </div>
  );
}
