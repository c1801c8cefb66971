import { useState } from 'preact/hooks';
import { type ApiError, toApiError } from '../errors';
import * as s from '../styles.css';
import { InlineError } from './alert';

/**
 * A button whose action asks first ("Delete thread", then "Confirm delete" or
 * "Keep it"); the API's message shows next to it when it refuses.
 */
export function ConfirmButton({
  label,
  confirmLabel = 'Confirm delete',
  action,
  testId,
  variant = 'ghost',
}: {
  label: string;
  /** How the first button looks: quiet (next to a reply) or a danger button (a thread's). */
  variant?: 'ghost' | 'danger';
  confirmLabel?: string;
  /** Runs on confirmation; a rejection is shown. */
  action: () => Promise<void>;
  testId?: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  if (!confirming) {
    return (
      <>
        <button type="button" class={s.button[variant]} onClick={() => setConfirming(true)} data-testid={testId}>
          {label}
        </button>
        {error && <InlineError error={error} />}
      </>
    );
  }
  return (
    <span class={s.row}>
      <button
        type="button"
        class={s.button.danger}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            // On success what it deletes goes away, and the button with it.
            await action();
          } catch (e) {
            setError(toApiError(e));
            setConfirming(false);
            setBusy(false);
          }
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" class={s.button.ghost} onClick={() => setConfirming(false)}>
        Keep it
      </button>
    </span>
  );
}
