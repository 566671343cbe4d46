/**
 * Walks an OAuth sign-in the way a browser does, without one: our start route, the provider's
 * authorize redirect, our callback with the state cookie. Returns where the callback sent the
 * browser and the session cookie it set, if any.
 */
export async function runOAuthFlow(
  baseUrl: string,
  provider: 'github' | 'google' | 'oidc',
  options: { cookie?: string; mode?: 'signin' | 'link'; invite?: string; tamperState?: boolean } = {},
): Promise<{ location: string; cookie: string | null }> {
  const query = new URLSearchParams();
  if (options.mode) query.set('mode', options.mode);
  if (options.invite) query.set('invite', options.invite);
  const start = await fetch(`${baseUrl}/api/auth/${provider}/start?${query}`, {
    headers: options.cookie ? { cookie: options.cookie } : {},
    redirect: 'manual',
  });
  const location = start.headers.get('location');
  if (start.status !== 302 || !location) throw new Error(`start did not redirect (${start.status})`);
  if (location.startsWith('/')) return { location, cookie: null };
  const stateCookie = start.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.startsWith('messenjo_oauth='));
  const approve = await fetch(location, { redirect: 'manual' });
  let callback = approve.headers.get('location');
  if (!callback) throw new Error(`the provider did not redirect back (${approve.status})`);
  if (options.tamperState) {
    const url = new URL(callback);
    url.searchParams.set('state', 'forged');
    callback = url.toString();
  }
  const done = await fetch(callback, {
    headers: { cookie: [options.cookie, stateCookie].filter(Boolean).join('; ') },
    redirect: 'manual',
  });
  const session = done.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => /^(__Host-)?messenjo_session=./.test(pair));
  return { location: done.headers.get('location') ?? '', cookie: session ?? null };
}
