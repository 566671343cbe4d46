import { BackButton } from './BackButton.tsx';

/** The top of a pane: on phones the way back to the list, then the screen's level-1 heading. */
export function PaneHeader(props: { title: string }) {
  return (
    <header className="flex min-h-16 items-center gap-2 border-b border-line px-4 py-2 md:px-6">
      <BackButton />
      <h1 tabIndex={-1} className="min-w-0 truncate text-xl font-semibold">
        {props.title}
      </h1>
    </header>
  );
}
