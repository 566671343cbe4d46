/**
 * The app's line icons, drawn as SVG: emoji and symbol characters render as empty boxes on
 * systems without an emoji font, and in each platform's own style elsewhere.
 */
export const ICONS = {
  paperclip:
    'M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48',
  microphone: 'M12 2a3 3 0 0 0-3 3v7a3 3 0 0 0 6 0V5a3 3 0 0 0-3-3zM19 10v2a7 7 0 0 1-14 0v-2M12 19v3M8 22h8',
  send: 'M22 2 11 13M22 2l-7 20-4-9-9-4z',
  play: 'M7 4.5v15L19 12z',
  pause: 'M9 5v14M15 5v14',
} as const;

/**
 * A 24-unit line icon (`d`: its path; `filled` fills it too), centred in its box (an SVG is a block
 * here), decorative: the button around it carries the label.
 */
export function Icon({ d, size = 22, filled = false }: { d: string; size?: number; filled?: boolean }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width={size}
      height={size}
      fill={filled ? 'currentColor' : 'none'}
      className="mx-auto"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path d={d} strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
