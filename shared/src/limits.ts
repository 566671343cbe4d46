/** Limits both sides enforce; the server is the authority, the app checks early for a good message. */
export const LIMITS = {
  /** Default cap on a JSON request body. */
  JSON_BODY_BYTES: 64 * 1024,
  /** Cap on an uploaded picture (profile or group). */
  UPLOAD_BYTES: 10 * 1024 * 1024,
} as const;

/** Sync socket and document limits (docs/protocol.md quotes them). */
export const SYNC_LIMITS = {
  /** A frame larger than this closes the socket with frame_too_large. */
  MAX_FRAME_BYTES: 512 * 1024,
  /** One Yjs update larger than this is refused (update_too_large). */
  MAX_UPDATE_BYTES: 256 * 1024,
  /** Documents in one subscribe frame. */
  MAX_SUBSCRIBE_DOCS: 2000,
  /** Awareness (typing) payload. */
  MAX_AWARENESS_BYTES: 2048,
  /** A message's text, in characters (code points). */
  MAX_MESSAGE_CHARS: 4000,
  /** Frames a user may send, all its sockets together: a token bucket refilled at this rate per second... */
  FRAMES_PER_SECOND: 1000,
  /** ...holding at most this many. */
  FRAME_BURST: 4000,
  /**
   * Relayed bytes a socket may leave unread (the server's send buffer, beyond the answers to its
   * own subscribe) before it is closed send_backlog: a device that stops reading costs the server
   * at most this much memory.
   */
  MAX_UNSENT_BYTES: 1024 * 1024,
  /**
   * Bytes of a socket's frames that may wait behind one waiting for the store (frames are handled
   * in order): a device that keeps sending while its subscribe is read costs at most this much.
   */
  MAX_WAITING_BYTES: 2 * 1024 * 1024,
  /** Sockets one session (one device) may hold open at once: one, plus room for a tab handing over. */
  MAX_SOCKETS_PER_SESSION: 8,
  /** Sockets one user may hold open at once, over all devices. */
  MAX_SOCKETS_PER_USER: 32,
} as const;

/** Attachments (issue 17; docs/attachments.md). The server's config may lower or raise the file cap. */
export const ATTACHMENT_LIMITS = {
  /** The operator's default cap on one file's plaintext (ATTACHMENT_MAX_BYTES overrides it). */
  DEFAULT_MAX_FILE_BYTES: 100 * 1024 * 1024,
  /** The operator's default cap on the blob bytes one user keeps stored (ATTACHMENT_QUOTA_BYTES overrides it). */
  DEFAULT_USER_QUOTA_BYTES: 2 * 1024 * 1024 * 1024,
  /** Plaintext bytes per AES-GCM chunk. */
  CHUNK_BYTES: 1024 * 1024,
  /** Bytes of the GCM tag every chunk gains. */
  GCM_TAG_BYTES: 16,
  /** Attachments in one message. */
  MAX_PER_MESSAGE: 10,
  /** A file name, in characters. */
  MAX_NAME_CHARS: 255,
  /** A MIME type, in characters. */
  MAX_TYPE_CHARS: 127,
  /** A thumbnail's plaintext. */
  MAX_THUMBNAIL_BYTES: 256 * 1024,
  /** A ThumbHash is at most 25 bytes: 34 base64 characters; room for a later version. */
  MAX_THUMBHASH_CHARS: 64,
  /** A voice note's waveform: up to 128 levels (one byte each), 171 base64 characters unpadded. */
  MAX_WAVEFORM_LEVELS: 128,
  MAX_WAVEFORM_CHARS: 171,
  /** A picture's or video's side, in pixels. */
  MAX_PIXELS: 65_535,
  /** A voice note's or video's length: one day. */
  MAX_DURATION_MS: 24 * 60 * 60 * 1000,
} as const;
