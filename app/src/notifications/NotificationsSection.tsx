import { useCallback, useEffect, useState } from 'react';
import { Section } from '../accounts/settings/Section.tsx';
import { Button } from '../ui/Button.tsx';
import { useAction } from '../ui/use-action.ts';
import {
  readDeviceNotifications,
  sendTestNotification,
  turnOffNotifications,
  turnOnNotifications,
  type DeviceNotifications,
} from './push-device.ts';

/** Notifications on this device: opt-in from a click, its state, a test notification, and why when it cannot. */
export function NotificationsSection() {
  const [state, setState] = useState<DeviceNotifications | null>(null);
  const [tested, setTested] = useState(false);
  const action = useAction();
  const reload = useCallback(() => {
    readDeviceNotifications().then(setState, () => setState({ kind: 'off' }));
  }, []);
  useEffect(reload, [reload]);

  return (
    <Section title="Notifications">
      <p className="text-sm text-fg-muted" data-testid="notifications-state">
        {state === null && 'Checking this device…'}
        {state?.kind === 'unsupported' && 'This browser cannot show notifications.'}
        {state?.kind === 'denied' &&
          "Notifications are blocked for this site. Allow them in the browser's site settings (the icon left of the address), then reload."}
        {state?.kind === 'no-push' &&
          'This browser shows notifications while the app is open, but cannot receive them once it is closed.'}
        {state?.kind === 'off' && 'Off on this device. Mute single conversations from their header.'}
        {state?.kind === 'on' && 'On for this device: new messages arrive while the app is closed too.'}
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        {(state?.kind === 'off' || (state?.kind === 'no-push' && state.permission !== 'granted')) && (
          <Button disabled={action.busy} onClick={() => void action.run(turnOnNotifications).then(reload)}>
            Turn on notifications
          </Button>
        )}
        {state?.kind === 'on' && (
          <>
            <Button
              disabled={action.busy}
              onClick={() =>
                void action.run(async () => {
                  setTested(false);
                  await sendTestNotification();
                  setTested(true);
                })
              }
            >
              Send a test notification
            </Button>
            <Button disabled={action.busy} onClick={() => void action.run(turnOffNotifications).then(reload)}>
              Turn off
            </Button>
          </>
        )}
      </div>
      {tested && <p className="mt-2 text-sm text-ok">Sent: it should appear in a moment.</p>}
      {action.error && (
        <p role="alert" className="mt-2 text-sm text-fg-danger">
          {action.error}
        </p>
      )}
    </Section>
  );
}
