import { useState } from 'preact/hooks';
import { type ApiError, toApiError } from '../errors';
import * as s from '../styles.css';

/**
 * A button's API call (revoke, remove): `busy` while it runs and after it
 * succeeded (the row it belongs to goes away), `error` when it failed (the
 * button works again).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  async function run(work: () => Promise<unknown>, done: () => void) {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      done();
    } catch (e) {
      setError(toApiError(e));
      setBusy(false);
    }
  }
  return { busy, error, run };
}

/** "Copy" for a secret or code shown once, where the browser allows it; says whether it worked. */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [copied, setCopied] = useState<string>();
  const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
  if (!clipboard) return null;
  return (
    <>
      <button
        type="button"
        class={s.button.secondary}
        onClick={() =>
          clipboard.writeText(text).then(
            () => setCopied('Copied.'),
            () => setCopied(`Could not copy: select ${what} instead.`),
          )
        }
      >
        Copy<span class={s.visuallyHidden}> {what}</span>
      </button>
      {copied && (
        <span class={s.small} role="status">
          {copied}
        </span>
      )}
    </>
  );
}
