import { useState } from 'preact/hooks';
import { type Schemas, xrpcProcedure } from '../api';
import { type ApiError, toApiError } from '../errors';
import * as s from '../styles.css';
import { InlineError } from './alert';

/** What moderators do to content (core's site.exosphere.moderation actions; a module's content takes some of them). */
export type ModerationAction = 'hide' | 'restore' | 'lock' | 'unlock' | 'pin' | 'unpin';
export type ModerationResult = Schemas['site.exosphere.sphere.moderate.Output'];

/**
 * One moderation of a piece of content (owners and admins; the API decides),
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
