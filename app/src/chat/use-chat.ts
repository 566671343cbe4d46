import { useLayoutEffect, useState } from 'react';
import type { SyncClient } from '../sync/sync-client.ts';
import { openChatSource } from './chat-source.ts';
import { ConversationModel } from './conversation-model.ts';
import { TypingModel } from './typing-model.ts';

export interface ChatModels {
  model: ConversationModel;
  typing: TypingModel;
}

/** The conversation's models while the view is mounted; null until its history is loaded from the device. */
export function useChatModels(client: SyncClient, meId: string, conversationId: string): ChatModels | null {
  const [models, setModels] = useState<ChatModels | null>(null);
  // A layout effect: the documents start loading before the pane's first frame, not after it.
  useLayoutEffect(() => {
    const source = openChatSource(client, meId, conversationId);
    const model = new ConversationModel({ client, meId, segments: source.segments, userDoc: source.userDoc });
    const typing = new TypingModel(client, conversationId, meId);
    let live = true;
    model.start().then(
      () => {
        if (live) setModels({ model, typing });
      },
      (error: unknown) => console.warn('conversation', error),
    );
    return () => {
      live = false;
      setModels(null);
      model.close();
      typing.close();
      source.release();
    };
  }, [client, meId, conversationId]);
  return models;
}
