import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useSignInAgainHref } from '../auth';
import type { ApiError } from '../errors';
import { moduleAtPath, spherePath } from '../module';
import { homeLinkLabel } from '../site';
import * as s from '../styles.css';

/**
 * An API error for people: its message, and a retry button when given one.
 * Two errors get more: ScopeMissing a "Sign in again" link that asks for the
 * missing permission and comes back here, ModuleDisabled (a module the
 * Sphere doesn't use) a plain notice with the way to the Sphere's home.
 */
export function ErrorAlert({ error, retry, title }: { error: ApiError; retry?: () => void; title?: string }) {
  if (error.moduleDisabled) return <ModuleDisabledAlert error={error} />;
  if (error.scopeMissing) return <ScopeMissingAlert error={error} title={title} />;
  return (
    <div class={s.alert.error} role="alert" data-testid="error">
      {title && <strong>{title} </strong>}
      <span>{error.message}</span>
      {retry && (
        <div style={{ marginTop: '0.5rem' }}>
          <button type="button" class={s.button.secondary} onClick={retry}>
            Try again
          </button>
        </div>
      )}
    </div>
  );
}

function ScopeMissingAlert({ error, title }: { error: ApiError; title?: string | undefined }) {
  const href = useSignInAgainHref();
  return (
    <div class={s.alert.error} role="alert" data-testid="error" data-error="ScopeMissing">
      {title && <strong>{title} </strong>}
      <span>{error.message}</span>{' '}
      <a href={href} data-testid="sign-in-again">
        Sign in again
      </a>
    </div>
  );
}

function ModuleDisabledAlert({ error }: { error: ApiError }) {
  const { path } = useLocation();
  const at = path ? moduleAtPath(path) : undefined;
  return (
    <div class={s.alert.info} role="alert" data-testid="error" data-error="ModuleDisabled">
      {at ? (
        <>
          This Sphere doesn't use {at.module.label}. <a href={spherePath(at.slug)}>Go to the Sphere’s home</a>
        </>
      ) : (
        <>
          {error.message} <a href="/">{homeLinkLabel()}</a>
        </>
      )}
    </div>
  );
}

/**
 * An error in a line of its own, next to the control that failed (a vote, a
 * moderation button): the message, and "Sign in again" for ScopeMissing.
 */
export function InlineError({ error, class: className, testId }: { error: ApiError; class?: string; testId?: string }) {
  return (
    <span role="alert" class={className ?? s.fieldError} data-testid={testId}>
      {error.message}
      {error.scopeMissing && <SignInAgainLink />}
    </span>
  );
}

function SignInAgainLink() {
  const href = useSignInAgainHref();
  return (
    <>
      {' '}
      <a href={href} data-testid="sign-in-again">
        Sign in again
      </a>
    </>
  );
}

export function Notice({
  children,
  tone = 'info',
  live = false,
}: {
  children: ComponentChildren;
  tone?: 'info' | 'success' | 'error';
  live?: boolean;
}) {
  return (
    <div class={s.alert[tone]} role={live ? 'status' : undefined}>
      {children}
    </div>
  );
}
