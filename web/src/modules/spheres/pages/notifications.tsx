// The signed-in person's notifications, from every Sphere they read
// (site.exosphere.notification.listNotifications), newest first: what
// concerns them, with a link to where it happened; "Mark all as read".
import {
  Person,
  ErrorAlert,
  findModule,
  formatDate,
  Notice,
  type Schemas,
  session,
  Skeleton,
  SkeletonList,
  styles as s,
  usePagedQuery,
  usePageMeta,
  useSignInHref,
  refreshUnread,
  xrpcProcedure,
} from '../../../client';
import { notificationsQuery } from '../routes';
import * as css from './notifications.css';

type Notification = Schemas['site.exosphere.notification.defs.notificationView'];

const TITLE = 'Notifications';

/** What happened, as a sentence's verb: by kind, with the detail as its module shows it (a status's label). */
function what(n: Notification): string {
  const detail = n.detail ? (findModule(n.module)?.activity?.detail?.(n.detail, n.kind) ?? n.detail) : undefined;
  switch (n.kind) {
    case 'status':
      return `set the status${detail ? ` to ${detail}` : ''} of`;
    case 'comment':
      return 'commented on';
    case 'reply':
      return 'replied to your comment on';
    case 'mention':
      return 'mentioned you in';
    default:
      return `${n.kind}:`;
  }
}

export function NotificationsPage() {
  usePageMeta({ title: TITLE, description: 'What happened for you in the Spheres you follow.' });
  const current = session.value;
  return (
    <div class={s.stack}>
      {!current ? (
        <>
          <h1>{TITLE}</h1>
          <div role="status" aria-live="polite">
            <span class={s.visuallyHidden}>Loading…</span>
            <Skeleton height="12rem" />
          </div>
        </>
      ) : !current.loggedIn ? (
        <>
          <h1>{TITLE}</h1>
          <SignedOut />
        </>
      ) : (
        <List />
      )}
    </div>
  );
}

function SignedOut() {
  const href = useSignInHref();
  return (
    <Notice>
      <a href={href}>Sign in</a> to see your notifications.
    </Notice>
  );
}

function List() {
  const list = usePagedQuery(notificationsQuery(), (out) => out.notifications);
  const first = list.first;
  const items = list.items.value;
  const unread = items.some((n) => n.unread);
  return (
    <>
      <div class={s.spread}>
        <h1 style={{ margin: 0 }}>{TITLE}</h1>
        {unread && (
          <button
            type="button"
            class={s.button.secondary}
            data-testid="mark-read"
            onClick={async () => {
              await xrpcProcedure('site.exosphere.notification.updateSeen', {});
              await list.reload();
              refreshUnread();
            }}
          >
            Mark all as read
          </button>
        )}
      </div>
      {first.error.value && !first.data.value ? (
        <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
      ) : !first.data.value ? (
        <SkeletonList count={4} height="3.5rem" label="Loading notifications…" />
      ) : items.length === 0 ? (
        <p class={s.muted} data-testid="no-notifications">
          Nothing yet. You are told here when something happens on what you wrote, voted for, commented on or
          follow, and when someone mentions you.
        </p>
      ) : (
        <ul class={s.list} data-testid="notification-list">
          {items.map((n) => (
            <li
              key={n.uri}
              class={`${s.card} ${css.item} ${n.unread ? css.unread : ''}`}
              data-testid="notification"
              data-unread={n.unread ? 'true' : undefined}
            >
              <p style={{ margin: 0 }}>
                {n.unread && <span class={s.visuallyHidden}>Unread: </span>}
                <Person actor={n.actor} /> {what(n)} <a href={n.path}>{n.title}</a>
                <span class={`${s.small} ${s.muted}`}>
                  {' '}
                  in {n.sphere.name} · <time dateTime={n.createdAt}>{formatDate(n.createdAt)}</time>
                </span>
              </p>
              {n.text && <p class={`${s.small} ${s.muted} ${css.text}`}>{n.text}</p>}
            </li>
          ))}
        </ul>
      )}
      {list.hasMore.value && (
        <div>
          <button type="button" class={s.button.secondary} onClick={() => void list.loadMore()}>
            More
          </button>
        </div>
      )}
    </>
  );
}
