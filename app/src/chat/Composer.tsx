import { checkMessageText, SYNC_LIMITS } from '@messenjo/shared';
import {
  useEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type DragEvent,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { attachmentsProblem } from '../attachments/file-facts.ts';
import { maxFileBytes, maxFileBytesAnswered } from '../attachments/operator-limits.ts';
import { AttachButton, ChosenFiles } from './ChosenFiles.tsx';
import type { ConversationModel } from './conversation-model.ts';
import { excerpt } from './message-text.ts';
import type { TypingModel } from './typing-model.ts';
import type { ChatMessage } from './types.ts';
import { VoiceRecorder } from './VoiceRecorder.tsx';

/** The counter shows from this many characters. */
const COUNTER_FROM_CHARS = SYNC_LIMITS.MAX_MESSAGE_CHARS - 500;
/** Drafts are written to the user document after this pause in typing (each write is an update sent to the server). */
const DRAFT_SAVE_DELAY_MS = 500;

export type ComposerMode =
  { kind: 'reply'; message: ChatMessage; author: string } | { kind: 'edit'; message: ChatMessage };

const charCount = (text: string): number => [...text].length;

/**
 * The message box: Enter sends, Shift+Enter adds a line, 4,000 characters with a counter near
 * the limit. Its text is the conversation's draft, kept in the user document so the user's
 * other devices have it too. Replying shows the quoted message above; editing puts the message's
 * text in the box until saved or cancelled (Escape). Files come by the paperclip, dropped on the
 * composer or pasted, several at once; the text is then their caption (docs/attachments.md).
 */
export function Composer(props: {
  model: ConversationModel;
  typing: TypingModel;
  mode: ComposerMode | null;
  onDone: () => void;
}) {
  const { model, typing, mode, onDone } = props;
  const [text, setText] = useState(() => model.draft.get());
  const [problem, setProblem] = useState<string | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [keepMetadata, setKeepMetadata] = useState(false);
  /** A voice note is being recorded: the recorder has the row. */
  const [recording, setRecording] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const editing = mode?.kind === 'edit' ? mode.message : null;
  const textRef = useRef(text);
  const editingRef = useRef(editing);
  const filesRef = useRef(files);
  useEffect(() => {
    textRef.current = text;
    editingRef.current = editing;
    filesRef.current = files;
  });
  // The operator's limit is asked for once the composer has opened and the page is idle, so a
  // choice seldom waits for it, and the request is not on the way to a start's first messages.
  useEffect(() => {
    if (typeof requestIdleCallback !== 'function') return void maxFileBytes();
    const idle = requestIdleCallback(() => void maxFileBytes(), { timeout: 2000 });
    return () => cancelIdleCallback(idle);
  }, []);

  // Entering edit mode puts the message in the box; leaving it brings the draft back.
  const [shownMode, setShownMode] = useState(mode);
  if (shownMode !== mode) {
    setShownMode(mode);
    if (mode?.kind === 'edit') setText(mode.message.text);
    else if (shownMode?.kind === 'edit') setText(model.draft.get());
  }
  useEffect(() => {
    if (mode) box.current?.focus();
  }, [mode]);

  // The draft is saved after a pause, and at once when the conversation closes.
  useEffect(() => {
    if (editing) return;
    const timer = setTimeout(() => model.setDraft(text), DRAFT_SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, editing, model]);
  useEffect(
    () => () => {
      if (!editingRef.current) model.setDraft(textRef.current);
    },
    [model],
  );
  // A draft changed on another device shows here, unless this box is being typed in.
  useEffect(
    () =>
      model.draft.subscribe(() => {
        if (document.activeElement !== box.current && !editingRef.current) setText(model.draft.get());
      }),
    [model],
  );

  const count = charCount(text);
  const over = count > SYNC_LIMITS.MAX_MESSAGE_CHARS;

  // Files are refused before anything is encrypted or uploaded: too many, or one over the
  // operator's limit as the server says it (on a device that never asked, its answer is awaited).
  const addFiles = (chosen: readonly File[]) => {
    if (editing || chosen.length === 0) return;
    void maxFileBytesAnswered().then((maxBytes) => {
      if (editingRef.current) return;
      const next = [...filesRef.current, ...chosen];
      const refused = attachmentsProblem(next, maxBytes);
      setProblem(refused);
      if (refused) return;
      filesRef.current = next; // a second choice before the next render adds to this one
      setFiles(next);
    });
  };

  const sendFiles = () => {
    const caption = text.trim() === '' ? '' : text;
    if (over) return;
    const chosen = files;
    const replyTo = mode?.kind === 'reply' ? mode.message.id : undefined;
    setProblem(null);
    setFiles([]);
    setText('');
    typing.stopped();
    onDone();
    void model.sendFiles(chosen, caption, replyTo, keepMetadata).catch((error: unknown) => {
      setFiles(chosen);
      setText(caption);
      setProblem(`Not sent: ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  const submit = () => {
    if (files.length > 0 && !editing) {
      sendFiles();
      return;
    }
    const checked = checkMessageText(text);
    if (!checked.ok) {
      if (text.trim() !== '')
        setProblem(
          over
            ? `A message can have at most ${SYNC_LIMITS.MAX_MESSAGE_CHARS.toLocaleString()} characters.`
            : checked.problem,
        );
      return;
    }
    setProblem(null);
    typing.stopped();
    if (editing) {
      if (text !== editing.text) model.edit(editing, text);
      setText(model.draft.get());
      onDone();
      return;
    }
    setText('');
    const replyTo = mode?.kind === 'reply' ? mode.message.id : undefined;
    onDone();
    void model.send(text, replyTo).catch((error: unknown) => {
      setText(text);
      setProblem(`Not sent: ${error instanceof Error ? error.message : String(error)}`);
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape' && mode) {
      event.preventDefault();
      onDone();
    }
  };

  return (
    <form
      className="border-t border-line px-3 pt-2 pb-3"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        submit();
      }}
      onDragOver={(e: DragEvent) => {
        if (!editing && e.dataTransfer.types.includes('Files')) e.preventDefault();
      }}
      onDrop={(e: DragEvent) => {
        if (editing || e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        addFiles([...e.dataTransfer.files]);
      }}
    >
      {mode && (
        <div
          className="mb-2 flex items-center gap-2 rounded-lg bg-surface px-3 py-1.5 text-sm"
          data-testid="composer-mode"
        >
          <span className="min-w-0 flex-1 truncate text-fg-muted">
            {mode.kind === 'reply' ? (
              <>
                Replying to <span className="font-semibold text-fg">{mode.author}</span>:{' '}
                <span dir="auto">{excerpt(mode.message.text, 100)}</span>
              </>
            ) : (
              'Editing your message'
            )}
          </span>
          <button
            type="button"
            onClick={onDone}
            className="rounded px-2 text-fg-muted hover:text-fg focus-visible:ring-2 focus-visible:ring-focus"
            aria-label={mode.kind === 'reply' ? 'Cancel reply' : 'Cancel editing'}
          >
            ✕
          </button>
        </div>
      )}
      <ChosenFiles
        files={files}
        onRemove={(index) => {
          setFiles(files.filter((_, i) => i !== index));
          setProblem(null);
        }}
        keepMetadata={keepMetadata}
        onKeepMetadata={setKeepMetadata}
      />
      <div className="flex items-end gap-2">
        {!recording && <AttachButton onFiles={addFiles} disabled={editing !== null} />}
        <textarea
          hidden={recording}
          ref={box}
          rows={1}
          value={text}
          dir="auto"
          aria-label="Message"
          aria-invalid={over}
          aria-describedby="composer-counter composer-problem"
          placeholder={files.length > 0 ? 'Add a caption' : 'Write a message'}
          onChange={(e) => {
            setText(e.target.value);
            setProblem(null);
            if (e.target.value.trim() === '') typing.stopped();
            else if (!editing) typing.keystroke();
          }}
          onKeyDown={onKeyDown}
          onPaste={(e: ClipboardEvent) => {
            if (editing || e.clipboardData.files.length === 0) return;
            e.preventDefault();
            addFiles([...e.clipboardData.files]);
          }}
          className="max-h-48 min-h-11 flex-1 resize-none rounded-xl border-2 border-line bg-canvas px-3 py-2 text-[15px] text-fg outline-none [field-sizing:content] placeholder:text-fg-muted focus:border-focus"
        />
        {/* As in other messengers: the record button stands where Send is while there is nothing to send. */}
        {(recording || (text === '' && files.length === 0 && !editing)) && (
          <VoiceRecorder
            model={model}
            replyTo={mode?.kind === 'reply' ? mode.message.id : undefined}
            onActive={setRecording}
            onProblem={setProblem}
            onSent={onDone}
          />
        )}
        <button
          type="submit"
          hidden={recording || (text === '' && files.length === 0 && !editing)}
          disabled={over || (text.trim() === '' && files.length === 0)}
          className="h-11 rounded-xl bg-accent px-4 text-sm font-semibold text-on-accent hover:bg-accent-strong focus-visible:ring-2 focus-visible:ring-focus disabled:opacity-50"
        >
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
      <div className="flex justify-between gap-2 px-1 pt-1 text-xs">
        <span id="composer-problem" role="alert" className="text-fg">
          {problem}
        </span>
        <span
          id="composer-counter"
          className={over ? 'rounded bg-danger px-1.5 font-semibold text-on-danger' : 'text-fg-muted'}
          data-testid="char-counter"
        >
          {count >= COUNTER_FROM_CHARS &&
            `${count.toLocaleString()} / ${SYNC_LIMITS.MAX_MESSAGE_CHARS.toLocaleString()}`}
        </span>
      </div>
    </form>
  );
}
