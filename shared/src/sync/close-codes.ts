/**
 * Why the server closed a sync socket (or refused one document's update): a closed set of
 * codes in 4000–4999, each with whether reconnecting can help. `discardDoc` codes mean the
 * device's copy of the named document holds something the server refused: it drops that copy
 * (keeping its own unacked updates to re-apply) and resyncs from the server.
 */
export const CLOSE_CODES = {
  /** A frame could not be decoded (bad tag layout, truncated, wrong field types). */
  malformed_frame: { code: 4000, retry: false, discardDoc: false },
  /** The client's protocol version is not the server's: the app must update first. */
  protocol_version: { code: 4001, retry: false, discardDoc: false },
  /** The first frame was not a hello, or a second hello arrived. */
  hello_expected: { code: 4002, retry: false, discardDoc: false },
  /** The session behind the socket was revoked (sign-out, "sign out everywhere"). */
  session_revoked: { code: 4003, retry: false, discardDoc: false },
  /** The account was deleted. */
  user_deleted: { code: 4004, retry: false, discardDoc: false },
  /**
   * The socket's cookie carries no live session (signed out, or revoked while the device was
   * away). Sent as a close after the upgrade, because a browser cannot read an HTTP 401 on a
   * refused upgrade (it only sees 1006) and would retry forever.
   */
  unauthenticated: { code: 4005, retry: false, discardDoc: false },
  /**
   * SE1: the socket's cookie names a session that ran out of time while the device was away (not
   * revoked): the device keeps its data and unsent changes and asks the person to sign in again.
   */
  session_expired: { code: 4006, retry: false, discardDoc: false },
  /** A frame larger than MAX_FRAME_BYTES. */
  frame_too_large: { code: 4010, retry: false, discardDoc: false },
  /** LIM3: more frames than the user's budget allows (all its sockets together): back off and come back. */
  rate_limited: { code: 4011, retry: true, discardDoc: false },
  /** A document id that names nothing the schema knows. */
  bad_doc_id: { code: 4012, retry: false, discardDoc: false },
  /** An awareness payload outside the schema (AW2). An honest app never sends one; retrying would only send it again. */
  awareness_refused: { code: 4013, retry: false, discardDoc: false },
  /** The update could not be decoded as a Yjs update. */
  update_malformed: { code: 4020, retry: true, discardDoc: true },
  /** The update touches a root type, nesting or content kind the schema does not have. */
  update_schema: { code: 4021, retry: true, discardDoc: true },
  /** The update uses a Yjs client id bound to another user in this document. */
  update_foreign_client: { code: 4022, retry: true, discardDoc: true },
  /** A message entry names an author other than the sender, or an entry is out of bounds. */
  update_wrong_author: { code: 4023, retry: true, discardDoc: true },
  /** The update deletes or rewrites what the sender does not own and its role does not allow. */
  update_not_owner: { code: 4024, retry: true, discardDoc: true },
  /** The update is larger than MAX_UPDATE_BYTES. */
  update_too_large: { code: 4025, retry: true, discardDoc: true },
  /**
   * The update depends on structs the server does not have yet (a gap in a client's clock, or
   * another device's update lost in a crash that its device will resend). Not stored; sent in a
   * `rejected` frame only, the socket stays open and the device sends it again when new data arrives.
   */
  update_missing_dependency: { code: 4026, retry: true, discardDoc: false },
  /** An update for a document this socket has not subscribed to (or may no longer write). */
  update_not_subscribed: { code: 4027, retry: true, discardDoc: false },
  /**
   * The sender may read this conversation but no longer write to it (removed from the group,
   * the group ended, or no longer friends in a direct conversation). The device drops its
   * unsent changes to that document and tells the person why.
   */
  update_not_writable: { code: 4028, retry: true, discardDoc: true },
  /**
   * A message entry that is not appended at the end (POS1), or that would land before a message
   * its device had already seen (POS2): history cannot be rewritten.
   */
  update_out_of_order: { code: 4029, retry: true, discardDoc: true },
  /**
   * VAL8: a message's attachment names a blob the sender may not send there: not stored, or
   * neither uploaded by her for this conversation nor already sent in it. An honest device
   * finishes an attachment's upload before it sends the message.
   */
  update_attachment_refused: { code: 4031, retry: true, discardDoc: true },
  /**
   * SEQ3: the update's id names an update already stored with other bytes. An honest device
   * never reuses an id (16 random bytes per update); the stored update stays as it is.
   */
  update_id_reused: { code: 4032, retry: true, discardDoc: true },
  /** The server failed to store an update; nothing was acked; reconnect and resend. */
  server_error: { code: 4030, retry: true, discardDoc: false },
  /**
   * LIM1: the device stopped reading: more than MAX_UNSENT_BYTES of relayed frames waited for it.
   * Nothing is lost: it reconnects and catches up from its last sequence number.
   */
  send_backlog: { code: 4040, retry: true, discardDoc: false },
  /** LIM2: this session already has MAX_SOCKETS_PER_SESSION sockets open; retry once one closed. */
  session_socket_limit: { code: 4041, retry: true, discardDoc: false },
  /** LIM2: this user already has MAX_SOCKETS_PER_USER sockets open; retry once one closed. */
  user_socket_limit: { code: 4042, retry: true, discardDoc: false },
} as const;

export type CloseReason = keyof typeof CLOSE_CODES;
export type CloseCode = (typeof CLOSE_CODES)[CloseReason]['code'];

/** A normal close by a server going away (deploy, restart): always retry. */
export const CLOSE_GOING_AWAY = 1001;

const BY_CODE = new Map<number, CloseReason>(
  Object.entries(CLOSE_CODES).map(([reason, info]) => [info.code, reason as CloseReason]),
);

export function closeReasonOf(code: number): CloseReason | undefined {
  return BY_CODE.get(code);
}

/**
 * Whether a client should reconnect after a close with this code. Unknown 4xxx codes (from a
 * newer server) are not retried in a loop; standard codes (1000–1015, network drops) are.
 */
export function shouldRetryClose(code: number): boolean {
  const reason = closeReasonOf(code);
  if (reason) return CLOSE_CODES[reason].retry;
  return code < 4000;
}
