import type { ReactNode } from 'react';

/** The centred dark card of the sign-in and username screens. */
export function Card(props: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main className="flex min-h-full items-center justify-center bg-neutral-950 p-6 text-neutral-100">
      <section className="w-full max-w-md rounded-3xl border border-neutral-800 bg-neutral-900 p-8 shadow-sm">
        <div className="flex items-center gap-3">
          <img src="/icon.svg" alt="" className="h-12 w-12 rounded-xl" />
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">{props.title}</h1>
            {props.subtitle && <p className="text-sm text-neutral-400">{props.subtitle}</p>}
          </div>
        </div>
        {props.children}
      </section>
    </main>
  );
}

export function ErrorText(props: { children: ReactNode; id?: string }) {
  if (!props.children) return null;
  return (
    <p role="alert" id={props.id} className="mt-3 rounded-lg bg-red-950/60 px-3 py-2 text-sm text-red-200">
      {props.children}
    </p>
  );
}
