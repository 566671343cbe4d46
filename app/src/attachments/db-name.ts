/**
 * Where a user's attachments live on the device, apart from their code so sign-out names them
 * without loading it: the database of unsent attachments (pending-store.ts) and the Cache
 * Storage of downloaded ciphertext (blob-download.ts). One of each per user, like the documents'.
 */
export const attachmentsDbName = (userId: string): string => `messenjo-attachments-${userId}`;
export const blobCacheName = (userId: string): string => `messenjo-blobs-${userId}`;
