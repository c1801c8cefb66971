import { useState } from 'preact/hooks';
import { type ApiError, toApiError } from '../errors';
import * as s from '../styles.css';

/**
 * A form's or a button's API call: `busy` while it runs, `error` when it
 * failed (cleared when it runs again); `done` gets the answer.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  async function run<T>(work: () => Promise<T>, done: (out: T) => void) {
    setBusy(true);
    setError(undefined);
    try {
      done(await work());
    } catch (e) {
      setError(toApiError(e));
    } finally {
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
