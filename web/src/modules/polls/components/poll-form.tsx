import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { type ApiError, ErrorAlert, MarkdownField, RadioGroup, SelectField, styles as s, TextField, toApiError } from '../../../client';
import { MAX_OPTIONS, POLL_LIMITS } from '../limits';
import { emptyDraft, KINDS, type PollDraft, RESULT_MODES, validatePoll } from '../model';
import type { PollKind, ResultsMode } from '../types';

/**
 * A new poll: its question, Markdown description (Write / Preview), 2 to 20
 * options, kind (with the most choices for multiple choice), an optional
 * closing time and who sees the results. `onSubmit` gets the draft; what it
 * throws is shown in the form.
 */
export function PollForm({
  onSubmit,
  cancelHref,
  children,
}: {
  onSubmit: (draft: PollDraft) => Promise<void>;
  cancelHref: string;
  /** Above the fields (the page's heading). */
  children?: ComponentChildren;
}) {
  const [draft, setDraft] = useState<PollDraft>(emptyDraft);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const errors = validatePoll(draft, Date.now());
  const set = (next: Partial<PollDraft>) => setDraft({ ...draft, ...next });
  const setOption = (i: number, text: string) => set({ options: draft.options.map((o, j) => (j === i ? text : o)) });
  const filled = draft.options.filter((o) => o.trim()).length;

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (errors.question || errors.description || errors.options || errors.closesAt || errors.option.some(Boolean)) return;
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(draft);
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <form class={s.stack} onSubmit={submit} noValidate data-testid="poll-form">
      {children}
      <TextField
        label="Question"
        value={draft.question}
        onInput={(question) => set({ question })}
        limit={POLL_LIMITS.question}
        error={submitted || draft.question ? errors.question : undefined}
        required
      />
      <MarkdownField
        label="Description"
        value={draft.description}
        onInput={(description) => set({ description })}
        limit={POLL_LIMITS.description}
        error={errors.description}
        rows={4}
        headingBase={2}
        hint="Optional."
        testId="description-editor"
      />
      <fieldset class={s.fieldset} data-testid="options">
        <legend class={s.legend}>Options</legend>
        {draft.options.map((option, i) => (
          <div key={i} class={s.row} style={{ alignItems: 'flex-end' }}>
            <div style={{ flex: 1, minWidth: '12rem' }}>
              <TextField label={`Option ${i + 1}`} value={option} onInput={(text) => setOption(i, text)} limit={POLL_LIMITS.option} error={errors.option[i]} />
            </div>
            {draft.options.length > 2 && (
              <button type="button" class={s.button.ghost} onClick={() => set({ options: draft.options.filter((_, j) => j !== i) })}>
                Remove<span class={s.visuallyHidden}> option {i + 1}</span>
              </button>
            )}
          </div>
        ))}
        {draft.options.length < MAX_OPTIONS && (
          <div>
            <button type="button" class={s.button.secondary} onClick={() => set({ options: [...draft.options, ''] })} data-testid="add-option">
              Add option
            </button>
          </div>
        )}
        {submitted && errors.options && (
          <p class={s.fieldError} role="alert" style={{ margin: 0 }}>
            {errors.options}
          </p>
        )}
      </fieldset>
      <RadioGroup<PollKind> legend="Kind" name="kind" value={draft.kind} options={KINDS} onChange={(kind) => set({ kind })} />
      {draft.kind === 'multiple' && filled >= 2 && (
        <SelectField
          label="Most choices per voter"
          value={String(draft.maxChoices ?? filled)}
          options={Array.from({ length: filled }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }))}
          onChange={(value) => set({ maxChoices: Number(value) })}
          testId="max-choices"
        />
      )}
      <TextField
        label="Closes at"
        type="datetime-local"
        value={draft.closesAt}
        onInput={(closesAt) => set({ closesAt })}
        error={errors.closesAt}
        hint="Optional, in your local time: no ballot counts after it. You can also close the poll yourself."
      />
      <RadioGroup<ResultsMode> legend="Who sees the results" name="results" value={draft.results} options={RESULT_MODES} onChange={(results) => set({ results })} />
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Publishing…' : 'Publish poll'}
        </button>
        <a class={s.button.secondary} href={cancelHref}>
          Cancel
        </a>
      </div>
    </form>
  );
}
