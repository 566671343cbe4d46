import { router } from '../app/router.ts';

/**
 * "Back to conversations" for the phone layout, where one pane shows at a time and an
 * installed app has no browser back button. Hidden from the wide layout (md and up), where
 * the list is always beside the pane. Put it first in a pane's header.
 */
export function BackButton(props: { onBack?: () => void }) {
  return (
    <button
      type="button"
      aria-label="Back to conversations"
      title="Back to conversations"
      onClick={props.onBack ?? router.backHome}
      className="-ml-2 flex h-11 w-11 shrink-0 items-center justify-center rounded-full text-fg hover:bg-raised md:hidden"
    >
      <svg
        viewBox="0 0 24 24"
        width="24"
        height="24"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
        aria-hidden="true"
      >
        <path d="M15 18l-6-6 6-6" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}
