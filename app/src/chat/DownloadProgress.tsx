import { useSyncExternalStore } from 'react';
import { downloadPercent, watchProgress } from '../attachments/download-progress.ts';
import { formatBytes } from '../attachments/file-facts.ts';

/**
 * How far a file's download has come, on the attachment while it downloads
 * (docs/attachments.md, "Receiving"): a progress bar with the percent and "1.2 MB of 3.4 MB"
 * for a screen reader. Nothing while no download of it runs (or it came from the device).
 */
export function DownloadProgress(props: { blob: string; name: string; size: number }) {
  const { blob } = props;
  const percent = useSyncExternalStore(
    (listener) => watchProgress(blob, listener),
    () => downloadPercent(blob),
  );
  if (percent === undefined) return null;
  return (
    <progress
      className="h-1.5 w-full"
      max={100}
      value={percent}
      aria-label={`Downloading ${props.name}`}
      aria-valuenow={percent}
      aria-valuetext={`${percent}%: ${formatBytes((props.size * percent) / 100)} of ${formatBytes(props.size)}`}
      data-testid="download-progress"
    />
  );
}
