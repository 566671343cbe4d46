import { rm } from 'node:fs/promises';
import path from 'node:path';
import { ATTACHMENT_ROUTES, type ErrorEnvelope } from '@messenjo/shared';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import { DomainError } from '../domain-error.ts';
import { HTTP_STATUS_OF_CODE } from '../http/error-status.ts';
import type { Attachments, PartialUploads } from './attachments.ts';
import { UPLOAD_EXPIRY_MS } from './attachments.ts';

/**
 * The tus file store in `DATA_DIR/uploads`: a partial upload is `<upload id>` beside its
 * `<upload id>.json` record, until it is finished (then its bytes move to the blob store) or
 * expires.
 */
export function createUploadFiles(directory: string): { store: FileStore; partials: PartialUploads } {
  const store = new FileStore({ directory, expirationPeriodInMilliseconds: UPLOAD_EXPIRY_MS });
  return {
    store,
    partials: {
      pathOf: (uploadId) => path.join(directory, uploadId),
      async remove(uploadId) {
        // The bytes may have moved to the blob store already; the record goes either way.
        await rm(path.join(directory, uploadId), { force: true });
        await store.configstore.delete(uploadId).catch(() => undefined);
      },
    },
  };
}

/** What a refusal becomes inside tus: its status and the one error envelope as the body. */
function tusRefusal(error: DomainError): { status_code: number; body: string } {
  const envelope: ErrorEnvelope = {
    error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
  };
  return { status_code: HTTP_STATUS_OF_CODE[error.code], body: JSON.stringify(envelope) };
}

/**
 * The tus 1.0.0 server (`@tus/server`, creation, termination and expiration extensions) for
 * `ATTACHMENT_ROUTES.uploads`. The routes decide who may do what before a request reaches it
 * (`routes.ts`) and name each new upload (`uploadIdOf`, the id the route reserved); its one
 * hook verifies a finished upload's hash and stores the blob.
 */
export function createTusServer(options: {
  attachments: Attachments;
  store: FileStore;
  /** The upload id the route reserved for this creation request. */
  uploadIdOf: (request: Request) => string | undefined;
}): Server {
  return new Server({
    path: ATTACHMENT_ROUTES.uploads,
    datastore: options.store,
    // Locations are relative (`/api/uploads/<id>`): right behind any proxy, whatever its host.
    relativeLocation: true,
    namingFunction: (request) => {
      const id = options.uploadIdOf(request);
      if (id === undefined) throw new Error('an upload was created without a reserved id');
      return id;
    },
    disableTerminationForFinishedUploads: true,
    onUploadFinish: async (_request, upload) => {
      try {
        await options.attachments.finishUpload(upload.id);
      } catch (error) {
        throw error instanceof DomainError ? tusRefusal(error) : error;
      }
      return {};
    },
  });
}
