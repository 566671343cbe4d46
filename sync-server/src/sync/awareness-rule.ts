/**
 * AW2: who may speak for which awareness client id in a conversation. A client id is the
 * sender's when no other user wrote with it in the conversation's segments (VAL1 bindings) and
 * no other user's socket is using it for awareness there; the first socket to use it holds it
 * until it leaves the conversation. Receivers key presence by client id, so without this a
 * member could show another member typing, or hide them.
 */
export class AwarenessClaims<Holder> {
  private readonly byConversation = new Map<string, Map<number, { userId: string; holder: Holder }>>();

  /**
   * Claims `clientIds` in a conversation for `holder` (a socket of `userId`); `writerOf` says who
   * wrote with a client id in the conversation's documents. Returns the problem, or null.
   */
  claim(
    conversationId: string,
    holder: Holder,
    userId: string,
    clientIds: readonly number[],
    writerOf: (clientId: number) => string | undefined,
  ): string | null {
    const claims =
      this.byConversation.get(conversationId) ?? new Map<number, { userId: string; holder: Holder }>();
    for (const clientId of clientIds) {
      const writer = writerOf(clientId);
      if (writer !== undefined && writer !== userId) return `client id ${clientId} belongs to another user`;
      const claimed = claims.get(clientId);
      if (claimed && claimed.userId !== userId) return `client id ${clientId} is another user's presence`;
    }
    // A device of the same user may take over its own client id (a reconnect before the old socket closed).
    for (const clientId of clientIds) claims.set(clientId, { userId, holder });
    this.byConversation.set(conversationId, claims);
    return null;
  }

  /** The holder left the conversation (unsubscribed, removed, closed): its client ids are free again. */
  release(conversationId: string, holder: Holder): void {
    const claims = this.byConversation.get(conversationId);
    if (!claims) return;
    for (const [clientId, claim] of claims) if (claim.holder === holder) claims.delete(clientId);
    if (claims.size === 0) this.byConversation.delete(conversationId);
  }
}
