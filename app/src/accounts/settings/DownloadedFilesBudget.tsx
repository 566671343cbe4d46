import { useEffect, useState } from 'react';
import { fitCacheToBudget, type BlobCacheUsage } from '../../attachments/blob-cache.ts';
import { CACHE_BUDGET_CHOICES_BYTES, readBudget, writeBudget } from '../../attachments/cache-budget.ts';
import { formatBytes } from '../../attachments/file-facts.ts';

/**
 * How much of the files and pictures people sent this device keeps, and how much it keeps now
 * (docs/attachments.md, "On the device"). A lower budget drops the least recently opened files at
 * once; dropped files are fetched again when opened online.
 */
export function DownloadedFilesBudget(props: { userId: string }) {
  const { userId } = props;
  const [budget, setBudget] = useState(() => readBudget(userId));
  const [usage, setUsage] = useState<BlobCacheUsage | null>(null);
  useEffect(() => {
    let live = true;
    void fitCacheToBudget(userId).then((next) => live && setUsage(next));
    return () => {
      live = false;
    };
  }, [userId, budget]);
  return (
    <div className="mt-4">
      <label className="flex flex-wrap items-center gap-2 text-sm text-fg">
        Keep downloaded files and pictures up to
        <select
          value={budget}
          onChange={(event) => {
            const next = Number(event.target.value);
            writeBudget(userId, next);
            setBudget(readBudget(userId));
          }}
          className="rounded-lg border-2 border-line bg-canvas px-2 py-1 focus-visible:ring-2 focus-visible:ring-focus"
          data-testid="downloads-budget"
        >
          {CACHE_BUDGET_CHOICES_BYTES.map((choice) => (
            <option key={choice} value={choice}>
              {formatBytes(choice)}
            </option>
          ))}
        </select>
      </label>
      <p className="mt-1 text-sm text-fg-muted" data-testid="downloads-usage">
        {usage === null
          ? 'Measuring…'
          : `${formatBytes(usage.bytes)} kept now (${usage.files} ${usage.files === 1 ? 'file' : 'files'}). Past the limit, the files opened longest ago are removed; they download again when opened online.`}
      </p>
    </div>
  );
}
