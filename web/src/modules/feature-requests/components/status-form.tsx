import { useState } from 'preact/hooks';
import {
  ErrorAlert,
  SelectField,
  styles as s,
  TextField,
  toApiError,
  validateText,
  xrpcProcedure,
} from '../../../client';
import { BOARD_LIMITS } from '../limits';
import { parseNumber, STATUSES, type Status } from '../model';

/** Owners and admins set a request's status, with a note for the people following it; a duplicate names its original. */
export function StatusForm({
  sphere,
  number,
  status,
  onDone,
}: {
  sphere: string;
  number: number;
  status: string;
  onDone: () => void;
}) {
  const [next, setNext] = useState<Status>((STATUSES.find((x) => x.value === status)?.value ?? 'open') as Status);
  const [note, setNote] = useState('');
  // The original's number, for a duplicate.
  const [original, setOriginal] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  const noteError = validateText('Note', note, BOARD_LIMITS.statusNote);
  const merging = next === 'duplicate';
  const into = parseNumber(original.trim().replace(/^#/, ''));
  const originalError = !merging
    ? undefined
    : into === undefined
      ? 'The original’s number is required: the request this one duplicates.'
      : into === number
        ? 'A request can’t be a duplicate of itself.'
        : undefined;
  const [submitted, setSubmitted] = useState(false);

  return (
    <form
      class={`${s.stack} ${s.card}`}
      noValidate
      data-testid="status-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setSubmitted(true);
        if (noteError || originalError) return;
        setBusy(true);
        setError(undefined);
        try {
          await xrpcProcedure('site.exosphere.featureRequest.setStatus', {
            sphere,
            number,
            status: next,
            duplicateOf: merging ? into : undefined,
            note: note.trim() || undefined,
          });
          setNote('');
          setOriginal('');
          setSubmitted(false);
          onDone();
        } catch (err) {
          setError(toApiError(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3 style={{ margin: 0 }}>Change status</h3>
      <SelectField<Status> label="New status" value={next} options={STATUSES} onChange={setNext} testId="status-select" />
      {merging && (
        <TextField
          label="Original request number"
          value={original}
          onInput={setOriginal}
          error={submitted || original ? originalError : undefined}
          hint="Its voters will count on the original, and this request takes no new votes. Any later status un-merges it."
          inputMode="numeric"
          required
        />
      )}
      <TextField
        label="Note"
        value={note}
        onInput={setNote}
        limit={BOARD_LIMITS.statusNote}
        error={noteError}
        hint="Optional: why, for the people following this request."
        multiline
        rows={3}
      />
      {error && <ErrorAlert error={error} />}
      <div>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Saving…' : 'Set status'}
        </button>
      </div>
    </form>
  );
}
