// The app shell: header (site name, sign-in state, theme toggle), core's
// routes and those of every installed module, and the footer. Used by the
// browser entry (lazy pages) and the server entry (eager ones); each entry
// installs the registry's modules into client/ (installModules) first.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ErrorBoundary,
  forgetSsrData,
  homeSphere,
  installedModules,
  logout,
  type ModuleRoute,
  Notice,
  type PageProps,
  Person,
  refreshUnread,
  Router,
  Route,
  session,
  sessionResource,
  styles as s,
  theme,
  toggleTheme,
  toApiError,
  unreadCount,
  useLocation,
  useSignInHref,
  usePageMeta,
} from './client';
import * as css from './app.css';

export function App({ core }: { core: readonly ModuleRoute[] }) {
  sessionResource();
  const { url, query } = useLocation();
  // Server-rendered data describes the first page only.
  const firstUrl = useRef(url);
  if (url !== firstUrl.current) forgetSsrData();

  return (
    <>
      <a class={s.skipLink} href="#main">
        Skip to content
      </a>
      <SiteHeader />
      <main id="main" class={`${s.container} ${css.main}`} tabIndex={-1}>
        {query.login_error && <LoginErrorBanner message={query.login_error} />}
        <ErrorBoundary>
          <Router>
            {[
              ...core.map((r) => <Route key={r.path} path={r.path} component={r.component} />),
              ...installedModules().flatMap((m) =>
                m.routes.map((r) => <Route key={`${m.name}:${r.path}`} path={r.path} component={r.component} />),
              ),
              <Route key="not-found" default component={NotFound} />,
            ]}
          </Router>
        </ErrorBoundary>
      </main>
      <footer class={`${s.container} ${css.footer}`}>
        <p class={`${s.muted} ${s.small}`}>
          Exosphere — community tools on the AT Protocol. In public Spheres your posts live in your own
          repository; private Spheres keep them on this server.
        </p>
      </footer>
    </>
  );
}

function SiteHeader() {
  return (
    <header class={css.header}>
      <div class={`${s.container} ${css.headerInner}`}>
        <a href="/" class={css.brand}>
          Exosphere
        </a>
        <nav aria-label="Account" class={s.row}>
          <ThemeToggle />
          <AccountControls />
        </nav>
      </div>
    </header>
  );
}

function ThemeToggle() {
  // The stored theme is only known in the browser: the server renders "not pressed".
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  const dark = mounted && theme.value === 'dark';
  return (
    <button
      type="button"
      class={s.button.ghost}
      aria-pressed={dark}
      onClick={toggleTheme}
      data-testid="theme-toggle"
    >
      <span aria-hidden="true">◐</span>
      <span class={css.narrowHidden}>Dark theme</span>
    </button>
  );
}

/** The bell: a link to the notifications with the unread count, asked in the browser on each page. */
function NotificationsLink() {
  const { url } = useLocation();
  useEffect(() => refreshUnread(), [url]);
  const count = unreadCount.value;
  const label = count ? `Notifications, ${count > 99 ? 'over 99' : count} unread` : 'Notifications';
  return (
    <a class={css.bell} href="/notifications" aria-label={label} title={label} data-testid="notifications-link">
      <span aria-hidden="true">🔔</span>
      {count ? (
        <span class={css.bellCount} data-testid="unread-count" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </span>
      ) : null}
    </a>
  );
}

function AccountControls() {
  const current = session.value;
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const signIn = useSignInHref();
  if (!current) {
    // Loading or failed: keep the space so the header doesn't jump.
    return <span class={css.accountPlaceholder} aria-hidden="true" />;
  }
  if (!current.loggedIn) {
    return (
      <a class={s.button.secondary} href={signIn}>
        Sign in
      </a>
    );
  }
  return (
    <span class={s.row}>
      <NotificationsLink />
      <a
        class={`${s.small} ${css.handle}`}
        href="/account"
        data-testid="signed-in-as"
        title="Your account and access tokens"
      >
        {/* The handle and picture only: the header has no room for a name too. */}
        <Person actor={{ did: current.did ?? '', handle: current.handle, avatar: current.avatar }} />
      </a>
      <button
        type="button"
        class={s.button.secondary}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await logout();
          } catch (e) {
            setError(toApiError(e).message);
            setBusy(false);
          }
        }}
      >
        Sign out
      </button>
      {error && (
        <span role="alert" class={s.fieldError}>
          {error}
        </span>
      )}
    </span>
  );
}

function LoginErrorBanner({ message }: { message: string }) {
  return (
    <div class={s.alert.error} role="alert" data-testid="login-error" style={{ marginBottom: '1rem' }}>
      <strong>Sign-in failed.</strong> {message} <a href="/login">Try again</a>
    </div>
  );
}

function NotFound(_: Partial<PageProps>) {
  usePageMeta({ title: 'Page not found', status: 404 });
  return (
    <div class={s.stack}>
      <h1>Page not found</h1>
      <Notice>
        There is nothing at this address. <a href="/">{homeSphere() ? 'Go to the home page' : 'See all Spheres'}</a>
      </Notice>
    </div>
  );
}

/** Loads the session as soon as the app starts (server-rendered when injected). */
export function startSession(): void {
  sessionResource();
}
