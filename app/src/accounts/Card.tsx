import type { ReactNode } from 'react';

/** The centred card of the sign-in and username screens. */
export function Card(props: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <main className="flex min-h-full items-center justify-center bg-canvas p-4 text-fg sm:p-6">
      <section className="w-full max-w-md rounded-3xl border border-line bg-surface p-6 shadow-sm sm:p-8">
        <div className="flex items-center gap-3">
          <img src="/icon.svg" alt="" className="h-12 w-12 rounded-xl" />
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">{props.title}</h1>
            {props.subtitle && <p className="text-sm text-fg-muted">{props.subtitle}</p>}
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
    <p
      role="alert"
      id={props.id}
      className="mt-3 rounded-lg border border-fg-danger/40 bg-canvas px-3 py-2 text-sm text-fg-danger"
    >
      {props.children}
    </p>
  );
}
