import { useState } from 'preact/hooks';
import { type ApiError, InlineError, styles as s, toApiError, xrpcProcedure } from '../../../client';

/** Hide or restore a request or comment (owners and admins; the API decides). */
export function ModerateButton({
  sphere,
  subject,
  hidden,
  what,
  onDone,
}: {
  sphere: string;
  subject: string;
  hidden: boolean;
  what: 'request' | 'comment';
  onDone: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  return (
    <>
      <button
        type="button"
        class={hidden ? s.button.secondary : s.button.danger}
        disabled={busy}
        data-testid={`moderate-${what}`}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await xrpcProcedure('site.exosphere.sphere.moderate', {
              sphere,
              subject,
              action: hidden ? 'restore' : 'hide',
            });
            onDone();
          } catch (e) {
            setError(toApiError(e));
          } finally {
            setBusy(false);
          }
        }}
      >
        {hidden ? `Restore ${what}` : `Hide ${what}`}
      </button>
      {error && <InlineError error={error} />}
    </>
  );
}
