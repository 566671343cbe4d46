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
    const { sync, awareness, userId: meId } = session;
    const model = new ConversationModel({
      sync,
      meId,
      segments: session.conversation(conversationId),
      userDoc: () => session.userDoc(),
    });
    const typing = new TypingModel(awareness, conversationId, meId);
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
    };
  }, [session, conversationId]);
  return models;
}
