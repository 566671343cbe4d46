import { useEffect, useState } from 'react';
import {
  askToKeepStorage,
  formatBytes,
  readStorageUsage,
  type StorageUsage,
} from '../../pwa/storage-usage.ts';
import { Button } from '../../ui/Button.tsx';
import { DownloadedFilesBudget } from './DownloadedFilesBudget.tsx';
import { Section } from './Section.tsx';

/**
 * What the app keeps on this device (every conversation, the app itself) and whether the browser
 * may clear it when space runs low; messages written offline live there until they are sent; and
 * how much of the files people sent it keeps.
 */
export function StorageSection(props: { userId: string }) {
  const [usage, setUsage] = useState<StorageUsage | null>(null);
  useEffect(() => {
    let live = true;
    void readStorageUsage().then((next) => live && setUsage(next));
    return () => {
      live = false;
    };
  }, []);
  return (
    <Section title="Storage on this device">
      <p className="text-sm text-fg" data-testid="storage-usage">
        {usage === null
          ? 'Measuring…'
          : usage.usage === null
            ? 'This browser does not say how much Messenjo stores.'
            : `Messenjo uses ${formatBytes(usage.usage)} on this device${
                usage.quota ? ` (of ${formatBytes(usage.quota)} the browser allows)` : ''
              }.`}
      </p>
      {usage?.persisted === true && (
        <p className="mt-1 text-sm text-fg-muted" data-testid="storage-persisted">
          Kept: the browser will not clear it when space runs low.
        </p>
      )}
      {usage?.persisted === false && (
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <p className="text-sm text-fg-muted" data-testid="storage-persisted">
            Not kept for sure: the browser may clear it when space runs low, with messages not yet sent.
          </p>
          <Button onClick={() => void askToKeepStorage().then(setUsage)}>Keep it on this device</Button>
        </div>
      )}
      <DownloadedFilesBudget userId={props.userId} />
    </Section>
  );
}
