import type { MeResponse, ProvidersResponse } from '@messenjo/shared';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { Button } from '../../ui/Button.tsx';
import { useAction } from '../../ui/use-action.ts';
import { ErrorText } from '../Card.tsx';
import { meStore } from '../me-store.ts';
import { addPasskey, passkeyErrorMessage } from '../passkeys.ts';
import { Section } from './Section.tsx';

/** Ways into the account: passkeys and linked providers; add, link, remove (never the last). */
export function MethodsSection(props: { me: MeResponse; linkError: string | null }) {
  const { me } = props;
  const action = useAction();
  const [providers, setProviders] = useState<ProvidersResponse['providers']>([]);
  useEffect(() => {
    api<ProvidersResponse>('/api/auth/providers').then(
      (p) => setProviders(p.providers),
      () => setProviders([]),
    );
  }, []);
  const linked = new Set(me.methods.map((m) => m.kind));
  const remove = (kind: string, id: string) =>
    action.run(async () =>
      meStore.update(
        await api<MeResponse>(
          kind === 'passkey' ? `/api/me/passkeys/${encodeURIComponent(id)}` : `/api/me/identities/${id}`,
          { method: 'DELETE' },
        ),
      ),
    );

  return (
    <Section title="Sign-in methods">
      <ul className="divide-y divide-line" aria-label="Sign-in methods">
        {me.methods.map((m) => (
          <li key={`${m.kind}:${m.id}`} className="flex items-center gap-3 py-2">
            <span className="min-w-0 flex-1 truncate text-sm">{m.label}</span>
            <Button disabled={me.methods.length <= 1} onClick={() => void remove(m.kind, m.id)}>
              {m.kind === 'passkey' ? 'Remove' : 'Unlink'}
            </Button>
          </li>
        ))}
      </ul>
      <ErrorText>{action.error ?? props.linkError}</ErrorText>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button
          onClick={() =>
            void action.run(async () => {
              try {
                meStore.update(await addPasskey(''));
              } catch (e) {
                throw new Error(passkeyErrorMessage(e));
              }
            })
          }
        >
          Add a passkey
        </Button>
        {providers
          .filter((p) => !linked.has(p.id))
          .map((p) => (
            <a
              key={p.id}
              href={`/api/auth/${p.id}/start?mode=link`}
              className="rounded-lg bg-raised px-3 py-1.5 text-sm font-medium text-fg hover:bg-line"
            >
              Link {p.name}
            </a>
          ))}
      </div>
    </Section>
  );
}
