import type { ComponentChildren } from 'preact';
import type { ApiError } from '../errors';
import * as s from '../styles.css';

/** An API error for people: its message, and a retry button when given one. */
export function ErrorAlert({ error, retry, title }: { error: ApiError; retry?: () => void; title?: string }) {
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
