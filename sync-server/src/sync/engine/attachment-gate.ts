/**
 * What the sync engine asks of the blob store about a message's attachments (VAL8; the blob
 * store is `src/attachments/`, which implements this). Absent in bare sync tests: a message
 * with attachments is then refused.
 */
export interface AttachmentGate {
  /** The operator's cap on one file's plaintext (ATTACHMENT_MAX_BYTES): VAL7. */
  readonly maxFileBytes: number;
  /**
   * VAL8, read before the decision: which of these blobs the user may send in the conversation
   * (stored, and uploaded by her for it or already sent in it), each with its stored size in
   * bytes. A blob still unreferenced restarts its grace period here, so the sweep cannot free
   * it before the message's commit.
   */
  usable(userId: string, conversationId: string, blobIds: readonly string[]): Promise<Map<string, number>>;
}
