import type { MeResponse } from '@messenjo/shared';
import { ExportSection } from '../../export/ExportSection.tsx';
import { NotificationsSection } from '../../notifications/NotificationsSection.tsx';
import { AppearanceSection } from './AppearanceSection.tsx';
import { DeleteAccountSection, InvitesSection } from './DangerSection.tsx';
import { DevicesSection } from './DevicesSection.tsx';
import { MethodsSection } from './MethodsSection.tsx';
import { ProfileSection } from './ProfileSection.tsx';
import { StorageSection } from './StorageSection.tsx';

/** The settings screen (its title is the shell's pane header): profile, appearance, notifications, devices, storage, sign-in methods, invites (admins), export of your data, account deletion. */
export function AccountSettings(props: { me: MeResponse }) {
  const linkError = new URLSearchParams(window.location.search).get('error');
  return (
    <div className="mx-auto max-w-2xl px-4 pb-6 md:px-6">
      <ProfileSection key={props.me.id} me={props.me} />
      <AppearanceSection />
      <NotificationsSection />
      <DevicesSection />
      <StorageSection userId={props.me.id} />
      <MethodsSection me={props.me} linkError={linkError} />
      <InvitesSection me={props.me} />
      <ExportSection me={props.me} />
      <DeleteAccountSection />
    </div>
  );
}
