import { userDocId, userDocOf } from '@messenjo/shared';
import type { TestAccount } from './accounts.ts';
import { eventually, nodeDevice } from './sync.ts';

/**
 * How far `account` has read `conversationId` as the server has it: the message id of her read
 * position, as another device of hers sees it once its user document is synced.
 */
export async function readPositionOf(
  url: string,
  account: Pick<TestAccount, 'cookie' | 'userId'>,
  conversationId: string,
): Promise<string | undefined> {
  const other = nodeDevice(url, account.cookie);
  other.start();
  try {
    const docId = userDocId(account.userId);
    const userDoc = await other.open(docId);
    await eventually(() => other.docState(docId) === 'synced', 'user document synced');
    return userDocOf(userDoc).readPositions.get(conversationId)?.messageId;
  } finally {
    await other.stop();
  }
}
