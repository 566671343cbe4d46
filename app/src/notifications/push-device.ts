import type { PushKeyResponse, PushSubscriptionResponse } from '@messenjo/shared';
import { api } from '../api/client.ts';

/**
 * This device's notification state and the steps to change it (framework-free; the settings'
 * Notifications section shows it). Permission is asked only from a click.
 */
export type DeviceNotifications =
  /** No Notification API or no service worker: nothing can be shown. */
  | { kind: 'unsupported' }
  /** The person (or the browser) refused notifications for this site. */
  | { kind: 'denied' }
  /** Notifications work while the app is open, but this browser has no Web Push. */
  | { kind: 'no-push'; permission: NotificationPermission }
  | { kind: 'off' }
  | { kind: 'on'; endpoint: string };

export async function readDeviceNotifications(): Promise<DeviceNotifications> {
  if (typeof Notification === 'undefined' || !('serviceWorker' in navigator)) return { kind: 'unsupported' };
  if (Notification.permission === 'denied') return { kind: 'denied' };
  if (typeof PushManager === 'undefined') return { kind: 'no-push', permission: Notification.permission };
  const { subscription } = await api<PushSubscriptionResponse>('/api/push/subscription');
  const registration = await navigator.serviceWorker.getRegistration();
  const browser = await registration?.pushManager.getSubscription();
  // On only when this browser's subscription is the one the server holds for this session.
  if (Notification.permission === 'granted' && subscription && browser?.endpoint === subscription.endpoint)
    return { kind: 'on', endpoint: subscription.endpoint };
  return { kind: 'off' };
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Asks permission (from a click), subscribes this browser and hands the subscription to the server. */
export async function turnOnNotifications(): Promise<void> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('Notifications were not allowed for this site.');
  if (typeof PushManager === 'undefined') return;
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration)
    throw new Error('The app is not installed in this browser yet: reload the page and try again.');
  const { publicKey } = await api<PushKeyResponse>('/api/push/key');
  let subscription = await registration.pushManager.getSubscription();
  try {
    subscription ??= await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(publicKey),
    });
  } catch (error) {
    throw new Error(
      `This browser could not reach its push service (${error instanceof Error ? error.message : String(error)}). Notifications still show while the app is open.`,
    );
  }
  await api('/api/push/subscription', { method: 'PUT', body: subscription.toJSON() });
}

export async function turnOffNotifications(): Promise<void> {
  await api('/api/push/subscription', { method: 'DELETE' });
  const registration = await navigator.serviceWorker.getRegistration();
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
}

export async function sendTestNotification(): Promise<void> {
  await api('/api/push/test', { method: 'POST' });
}
