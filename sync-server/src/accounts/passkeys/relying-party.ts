/** Who the passkeys are for: the host people reach (rpID) and the exact origin the browser reports. */
export interface RelyingParty {
  rpID: string;
  origin: string;
  rpName: string;
}

export function relyingParty(publicUrl: URL): RelyingParty {
  return { rpID: publicUrl.hostname, origin: publicUrl.origin, rpName: 'Messenjo' };
}
