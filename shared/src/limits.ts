/** Limits both sides enforce; the server is the authority, the app checks early for a good message. */
export const LIMITS = {
  /** Default cap on a JSON request body. */
  JSON_BODY_BYTES: 64 * 1024,
  /** Cap on an uploaded picture (profile or group). */
  UPLOAD_BYTES: 10 * 1024 * 1024,
} as const;
