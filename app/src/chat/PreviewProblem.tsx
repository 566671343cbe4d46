import type { UnavailableReason } from '../attachments/blob-download.ts';

/** Short enough for the smallest box (a wide picture's is 280×70): the full sentence is its title. */
const LABELS: Record<UnavailableReason, string> = {
  offline: 'Needs the network',
  // The preview is its own blob: the picture itself may still open.
  damaged: 'Preview damaged',
  gone: 'Not available',
  failed: 'Preview not loaded',
};

/**
 * Why a picture's or a video's box shows only its placeholder (docs/attachments.md, "Receiving"):
 * its preview could not be opened. A pill over the ThumbHash, like the video's length, that the
 * box's button names as its description (`id`). Not an alert: it comes with the timeline, not
 * from something the person did, and a screenful of pictures offline would be a screenful of
 * announcements.
 */
export function PreviewProblem(props: { id: string; reason: UnavailableReason; problem: string }) {
  return (
    <span
      id={props.id}
      title={props.problem}
      className="absolute top-2 left-2 rounded bg-black/60 px-1.5 text-xs text-white"
      data-testid="preview-problem"
    >
      {LABELS[props.reason]}
    </span>
  );
}
