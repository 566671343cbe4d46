import type { EncryptedBlobRef } from '@messenjo/shared';
import { useEffect, useState } from 'react';
import { openAttachment } from '../attachments/blob-download.ts';

export type AttachmentUrl =
  { state: 'loading' } | { state: 'ready'; url: string } | { state: 'failed'; problem: string };

/**
 * An object URL of a decrypted file (a thumbnail, a picture in the viewer) while the component is
 * mounted; the bytes are fetched (or taken from the device's cache) and decrypted in
 * attachments/, never here. Null `ref`: nothing to fetch yet (still uploading).
 */
export function useAttachmentUrl(userId: string, ref: EncryptedBlobRef | null, type: string): AttachmentUrl {
  // Keyed by the blob it is for: another blob shows as loading until its own result arrives.
  const [result, setResult] = useState<{ blob: string; value: AttachmentUrl } | null>(null);
  const blob = ref?.blob;
  useEffect(() => {
    if (!ref) return;
    let live = true;
    let url: string | undefined;
    openAttachment(userId, ref, type).then(
      (file) => {
        if (!live) return;
        url = URL.createObjectURL(file);
        setResult({ blob: ref.blob, value: { state: 'ready', url } });
      },
      (error: unknown) => {
        if (live)
          setResult({
            blob: ref.blob,
            value: { state: 'failed', problem: error instanceof Error ? error.message : String(error) },
          });
      },
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
    // The blob id names the bytes: a new ref object with the same id is the same file.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [userId, blob, type]);
  return result !== null && result.blob === blob ? result.value : LOADING;
}

const LOADING: AttachmentUrl = { state: 'loading' };
