import type { MeResponse } from '@messenjo/shared';
import { DeleteAccountSection, InvitesSection } from './DangerSection.tsx';
import { DevicesSection } from './DevicesSection.tsx';
import { MethodsSection } from './MethodsSection.tsx';
import { ProfileSection } from './ProfileSection.tsx';

/** The settings screen: profile, devices, sign-in methods, invites (admins), account deletion. */
export function AccountSettings(props: { me: MeResponse }) {
  const linkError = new URLSearchParams(window.location.search).get('error');
  return (
    <div className="mx-auto max-w-2xl p-6">
      <h2 className="mb-2 text-xl font-semibold">Settings</h2>
      <ProfileSection key={props.me.id} me={props.me} />
      <DevicesSection />
      <MethodsSection me={props.me} linkError={linkError} />
      <InvitesSection me={props.me} />
      <DeleteAccountSection />
    </div>
  );
}
