/**
 * Why passkeys cannot work at an origin, or null when they can. WebAuthn needs a secure context
 * (https, or http on localhost) and a relying-party id that is a domain name: a browser reached by
 * an IP address refuses every ceremony with a bare "invalid domain" (SecurityError). The server
 * warns at start when its PUBLIC_URL is such an origin; the sign-in page explains it in words.
 */
export type PasskeyOriginProblem = 'ip_address' | 'not_https';

/** Whether `hostname` (as `URL.hostname` gives it: IPv6 in brackets) is an IP address. */
export function isIpAddress(hostname: string): boolean {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return true;
  // URL parsing normalises every IPv4 form (decimal, hex, short) to four dotted numbers.
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/** `localhost` and its subdomains are secure contexts over plain http (a developer's machine). */
function isLocalhost(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}

export function passkeyOriginProblem(origin: {
  protocol: string;
  hostname: string;
}): PasskeyOriginProblem | null {
  if (isIpAddress(origin.hostname)) return 'ip_address';
  if (origin.protocol !== 'https:' && !isLocalhost(origin.hostname)) return 'not_https';
  return null;
}

/** What to do about it, in a person's words (the sign-in page and the server's warning say the same). */
export function passkeyOriginAdvice(problem: PasskeyOriginProblem): string {
  return problem === 'ip_address'
    ? 'Passkeys need a domain name: browsers refuse them on an address made of numbers (an IP address). Reach this server by a domain name over https (for example https://chat.example.org), or use another sign-in method.'
    : 'Passkeys need a secure connection: browsers refuse them over plain http except on localhost. Reach this server over https (for example https://chat.example.org), or use another sign-in method.';
}
