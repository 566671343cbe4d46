import type { ReactNode } from 'react';

export function Section(props: { title: string; children: ReactNode }) {
  return (
    <section aria-label={props.title} className="border-t border-line py-5 first:border-t-0">
      <h2 className="mb-3 text-xs font-semibold tracking-wide text-fg-muted uppercase">{props.title}</h2>
      {props.children}
    </section>
  );
}

export const inputClass = 'w-full rounded-lg border border-line bg-canvas px-3 py-1.5 text-sm text-fg';
