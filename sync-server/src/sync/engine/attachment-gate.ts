/** A message's blobs, by its key in the blob store: `<segment index>:<message id>` (ids are unique per segment). */
export interface MessageBlobs {
  key: string;
  blobs: string[];
}

/** What a claim read: the blobs the sender may send (with their stored sizes), and the references it added. */
export interface BlobClaim {
  usable: Map<string, number>;
  /** References added by this claim (none unless every blob was usable): undone if the update is refused. */
  claimed: { blob: string; key: string }[];
}

/**
 * What the sync engine asks of the blob store about messages' attachments (VAL8, REF1–REF2;
 * the blob store is `src/attachments/`, which implements this). Absent in bare sync tests: a
 * message with attachments is then refused.
 */
export interface AttachmentGate {
  /** The operator's cap on one file's plaintext (ATTACHMENT_MAX_BYTES): VAL7. */
  readonly maxFileBytes: number;
  /**
   * VAL8 and REF1, read before the decision: which of the blobs the user may send in the
   * conversation (stored, and uploaded by her for it or already sent in it), each with its
   * stored size; when all of them may be, the messages' references are added in the same
   * transaction, so no sweep can free a blob between this read and the message's commit, and a
   * crash after the commit leaves no message without its references.
   */
  claim(userId: string, conversationId: string, messages: readonly MessageBlobs[]): Promise<BlobClaim>;
  /** The update the claim was read for was refused: the references it added go again. */
  unclaim(conversationId: string, claimed: BlobClaim['claimed']): Promise<void>;
  /** REF1: the messages committed (their references again, idempotent: repairs a claim undone meanwhile). */
  referenced(conversationId: string, messages: readonly MessageBlobs[]): Promise<void>;
  /** REF2: these messages' deletions committed: their references go, blobs left with none start their grace period. */
  deleted(conversationId: string, keys: readonly string[]): Promise<void>;
}
