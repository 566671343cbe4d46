import { splitLinks } from './message-text.ts';

/** A message's text as text (never HTML), with http(s) links that open safely in a new tab. */
export function MessageText(props: { text: string }) {
  return (
    <>
      {splitLinks(props.text).map((part, i) =>
        part.kind === 'link' ? (
          <a
            key={i}
            href={part.href}
            target="_blank"
            rel="noopener noreferrer"
            className="underline decoration-1 underline-offset-2 hover:decoration-2"
          >
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
