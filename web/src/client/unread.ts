// The signed-in person's unread notifications, for the header's bell:
// asked once the app runs in the browser (never in the server's render, so
// hydration matches) and again when a page marks them read.
import { signal } from '@preact/signals';
import { xrpcQuery } from './api';

/** The count (at most 100), or undefined before it is known. */
export const unreadCount = signal<number | undefined>(undefined);

/** Asks for the count again; failures leave the bell without one. */
export function refreshUnread(): void {
  xrpcQuery('site.exosphere.notification.getUnreadCount', {}).then(
    (out) => {
      unreadCount.value = out.count;
    },
    () => {
      unreadCount.value = undefined;
    },
  );
}
