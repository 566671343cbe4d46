import { useRef } from 'react';
import { formatBytes, kindOf } from '../attachments/file-facts.ts';
import { Icon, ICONS } from '../ui/Icon.tsx';

/** The paperclip: opens the file chooser (several files at once). */
export function AttachButton(props: { onFiles: (files: File[]) => void; disabled?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button
        type="button"
        aria-label="Attach files"
        title="Attach files"
        disabled={props.disabled}
        onClick={() => input.current?.click()}
        className="h-11 w-11 shrink-0 rounded-xl border-2 border-line text-lg text-fg-muted hover:text-fg focus-visible:ring-2 focus-visible:ring-focus disabled:opacity-50"
      >
        <Icon d={ICONS.paperclip} size={20} />
      </button>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        onChange={(e) => {
          const chosen = [...(e.target.files ?? [])];
          e.target.value = ''; // the same file chosen again is a new choice
          if (chosen.length > 0) props.onFiles(chosen);
        }}
      />
    </>
  );
}

/**
 * The files chosen for the next message, above the box: name and size, each removable, and for
 * pictures the choice to keep their metadata (EXIF: where and when the photo was taken), off by
 * default.
 */
export function ChosenFiles(props: {
  files: readonly File[];
  onRemove: (index: number) => void;
  keepMetadata: boolean;
  onKeepMetadata: (keep: boolean) => void;
}) {
  const { files } = props;
  if (files.length === 0) return null;
  const pictures = files.some((file) => kindOf(file.type) === 'image');
  return (
    <div className="mb-2 flex flex-col gap-1" data-testid="chosen-files">
      <ul className="flex flex-wrap gap-1.5" aria-label="Files to send">
        {files.map((file, index) => (
          <li
            key={`${file.name}-${index}`}
            className="flex max-w-full items-center gap-1 rounded-lg bg-surface px-2 py-1 text-sm"
          >
            <span className="shrink-0 text-fg-muted">
              <Icon d={kindOf(file.type) === 'image' ? ICONS.image : ICONS.file} size={16} />
            </span>
            <span className="max-w-48 truncate" dir="auto">
              {file.name}
            </span>
            <span className="text-fg-muted">{formatBytes(file.size)}</span>
            <button
              type="button"
              onClick={() => props.onRemove(index)}
              aria-label={`Remove ${file.name}`}
              className="rounded px-1 text-fg-muted hover:text-fg focus-visible:ring-2 focus-visible:ring-focus"
            >
              ✕
            </button>
          </li>
        ))}
      </ul>
      {pictures && (
        <label className="flex items-center gap-2 text-xs text-fg-muted">
          <input
            type="checkbox"
            checked={props.keepMetadata}
            onChange={(e) => props.onKeepMetadata(e.target.checked)}
          />
          Keep the photos’ location and camera details
        </label>
      )}
    </div>
  );
}
