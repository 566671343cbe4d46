import { useLayoutEffect, useState } from 'react';
import type { DeviceSession } from '../session/index.ts';
import { ConversationModel } from './conversation-model.ts';
import { TypingModel } from './typing-model.ts';

export interface ChatModels {
  model: ConversationModel;
  typing: TypingModel;
}

/**
 * The conversation's models while the view is mounted; null until its history is loaded from the
 * device. The segments are the session's own instance (the one feeding the list), never closed here.
 */
export function useChatModels(session: DeviceSession, conversationId: string): ChatModels | null {
  const [models, setModels] = useState<ChatModels | null>(null);
  // A layout effect: the documents start loading before the pane's first frame, not after it.
  useLayoutEffect(() => {
    let live = true;
    let close = (): void => {};
    // The documents come with the session's working half, loaded right after the first paint.
    session.parts().then(
      (parts) => {
        if (!live) return;
        const meId = session.userId;
        const model = new ConversationModel({
          sync: parts.sync,
          meId,
          segments: parts.conversation(conversationId),
          userDoc: () => parts.userDoc(),
          ...(parts.attachments ? { attachments: parts.attachments } : {}),
        });
        const typing = new TypingModel(parts.awareness, conversationId, meId);
        close = () => {
          model.close();
          typing.close();
        };
        model.start().then(
          () => {
            performance.mark('messenjo:chat-models');
            if (live) setModels({ model, typing });
          },
          (error: unknown) => console.warn('conversation', error),
        );
      },
      () => {},
    ); // the session ended before its working half loaded: nothing to open
    return () => {
      live = false;
      setModels(null);
      close();
    };
  }, [session, conversationId]);
  return models;
}
