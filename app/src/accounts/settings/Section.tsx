import type { ReactNode } from 'react';

export function Section(props: { title: string; children: ReactNode }) {
  return (
    <section aria-label={props.title} className="border-t border-neutral-800 py-5 first:border-t-0">
      <h3 className="mb-3 text-xs font-semibold tracking-wide text-neutral-400 uppercase">{props.title}</h3>
      {props.children}
    </section>
  );
}

export const inputClass =
  'w-full rounded-lg border border-neutral-700 bg-neutral-950 px-3 py-1.5 text-sm outline-none focus:border-neutral-400';
