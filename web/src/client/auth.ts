// Who is signed in. The session comes from site.exosphere.auth.getSession
// (server-rendered when the server injected it); signing in is a redirect to
// the server's OAuth flow, signing out a POST to /oauth/logout.
import { computed, signal } from '@preact/signals';
import { useLocation } from 'preact-iso';
import { xrpcQuery } from './api';
import { errorFromBody, toApiError } from './errors';
import { createResource, queryKey, type Resource } from './query';
import type { Session } from './api';

export const SESSION_METHOD = 'site.exosphere.auth.getSession' as const;

// A signal, so that everything computed from the session follows a reset
// (the server renders one visitor after another in the same runtime).
const current = signal<Resource<Session> | undefined>(undefined);

/** The session Resource, created (and fetched) on first use; the app shell calls it as it starts. */
export function sessionResource(): Resource<Session> {
  let resource = current.peek();
  if (!resource) {
    resource = createResource(queryKey(SESSION_METHOD), () => xrpcQuery(SESSION_METHOD));
    current.value = resource;
  }
  return resource;
}

/** Forgets the session: the server renderer calls it before each page. */
export function resetSession(): void {
  current.value = undefined;
}

/** The session once known; undefined while loading (or before sessionResource() was called). */
export const session = computed<Session | undefined>(() => current.value?.data.value);
export const signedIn = computed(() => session.value?.loggedIn === true);
export const viewerDid = computed(() => (session.value?.loggedIn ? session.value.did : undefined));

/** A path and query without the sign-in error the server appended (`login_error`). */
export function withoutLoginError(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const kept = url
    .slice(q + 1)
    .split('&')
    .filter((pair) => pair && !pair.startsWith('login_error='));
  return url.slice(0, q) + (kept.length ? `?${kept.join('&')}` : '');
}

/** The current path and query (browser only), without a sign-in error. */
export function currentPath(): string {
  if (typeof location === 'undefined') return '/';
  return withoutLoginError(location.pathname + location.search);
}

/** The sign-in page's address, coming back here; the same on the server and in the browser. */
export function useSignInHref(): string {
  const { url } = useLocation();
  return loginPageHref(withoutLoginError(url || '/'));
}

/**
 * A new sign-in that comes back to this page, for a session that lacks a
 * permission (ScopeMissing): straight to the OAuth flow with the viewer's
 * handle when it is known, else through the sign-in page.
 */
export function useSignInAgainHref(): string {
  const { url } = useLocation();
  const redirect = withoutLoginError(url || '/');
  const current = session.value;
  return current?.loggedIn && current.handle ? loginHref(current.handle, redirect) : loginPageHref(redirect);
}

/** Where the browser goes to sign in; the server comes back to `redirect` (with `login_error` on failure). */
export function loginHref(handle: string, redirect: string): string {
  return `/oauth/login?handle=${encodeURIComponent(handle.trim())}&redirect=${encodeURIComponent(redirect)}`;
}

/** The app's sign-in page, returning to `redirect` afterwards. */
export function loginPageHref(redirect: string): string {
  return redirect === '/' ? '/login' : `/login?redirect=${encodeURIComponent(redirect)}`;
}

export function login(handle: string, redirect: string = currentPath()): void {
  location.assign(loginHref(handle, redirect));
}

/** Ends the session on the server, then reloads the page as a signed-out visitor. */
export async function logout(): Promise<void> {
  let response: Response;
  try {
    response = await fetch('/oauth/logout', { method: 'POST', credentials: 'include' });
  } catch (e) {
    throw toApiError(e);
  }
  if (!response.ok) {
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    throw errorFromBody(response.status, body);
  }
  location.reload();
}
