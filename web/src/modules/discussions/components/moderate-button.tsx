import { useState } from 'preact/hooks';
import { type ApiError, InlineError, styles as s, toApiError, xrpcProcedure } from '../../../client';
import type { ModerationAction } from '../model';
import type { ModerationResult } from '../types';

/**
 * One moderation of a thread or reply (owners and admins; the API decides),
 * through core's site.exosphere.sphere.moderate: hide or restore, lock or
 * unlock, pin or unpin. `onDone` gets the API's answer.
 */
export function ModerateButton({
  sphere,
  subject,
  action,
  label,
  onDone,
}: {
  sphere: string;
  subject: string;
  action: ModerationAction;
  /** The button's text, e.g. "Lock thread". */
  label: string;
  onDone: (out: ModerationResult) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  return (
    <>
      <button
        type="button"
        class={action === 'hide' ? s.button.danger : s.button.secondary}
        disabled={busy}
        data-testid={`moderate-${action}`}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            onDone(await xrpcProcedure('site.exosphere.sphere.moderate', { sphere, subject, action }));
          } catch (e) {
            setError(toApiError(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        {label}
      </button>
      {error && <InlineError error={error} />}
    </>
  );
}
