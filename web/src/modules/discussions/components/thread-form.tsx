import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import {
  type ApiError,
  ErrorAlert,
  MarkdownField,
  styles as s,
  TextField,
  toApiError,
  validateText,
} from '../../../client';
import { DISCUSSION_LIMITS, MAX_TAGS } from '../limits';
import { parseTags, validateTags } from '../model';
import { TagPreview } from './tags';

export interface ThreadDraft {
  title: string;
  body: string;
  tags: string[];
}

/** Messages for the fields that break the Lexicons' limits (undefined when fine). */
export function validateThread(draft: ThreadDraft) {
  return {
    title: validateText('Title', draft.title, DISCUSSION_LIMITS.threadTitle, true),
    body: validateText('Body', draft.body, DISCUSSION_LIMITS.threadBody),
    tags: validateTags(draft.tags),
  };
}

/**
 * A thread's title, Markdown body (Write / Preview) and tags, for a new
 * thread and for editing one. `onSubmit` gets the trimmed draft; what it
 * throws is shown in the form.
 */
export function ThreadForm({
  initial,
  submitLabel,
  busyLabel,
  onSubmit,
  cancel,
  testId,
  children,
}: {
  initial?: ThreadDraft;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (draft: ThreadDraft) => Promise<void>;
  /** Where "Cancel" goes, or what it does. */
  cancel: { href: string } | { onClick: () => void };
  testId?: string;
  /** Above the fields (the page's heading). */
  children?: ComponentChildren;
}) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [body, setBody] = useState(initial?.body ?? '');
  const [tagText, setTagText] = useState(initial?.tags.join(', ') ?? '');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const tags = parseTags(tagText);
  const errors = validateThread({ title, body, tags });
  // Too-long text shows at once; a missing title only after trying to post.
  const titleError = submitted || title ? errors.title : undefined;

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (errors.title || errors.body || errors.tags) return;
    setBusy(true);
    setError(undefined);
    try {
      // On success the form goes away (the new thread's page, or the thread as saved).
      await onSubmit({ title: title.trim(), body: body.trim(), tags });
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <form class={s.stack} onSubmit={submit} noValidate data-testid={testId}>
      {children}
      <TextField
        label="Title"
        value={title}
        onInput={setTitle}
        limit={DISCUSSION_LIMITS.threadTitle}
        error={titleError}
        hint="What is this thread about?"
        required
      />
      <MarkdownField
        label="Body"
        value={body}
        onInput={setBody}
        limit={DISCUSSION_LIMITS.threadBody}
        error={errors.body}
        rows={10}
        headingBase={2}
        testId="body-editor"
      />
      <div class={s.stackSm}>
        <TextField
          label="Tags"
          value={tagText}
          onInput={setTagText}
          error={errors.tags}
          hint={`Optional: up to ${MAX_TAGS}, separated by commas (at most ${DISCUSSION_LIMITS.tag.maxGraphemes} characters each).`}
        />
        <TagPreview tags={tags} />
      </div>
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        {'href' in cancel ? (
          <a class={s.button.secondary} href={cancel.href}>
            Cancel
          </a>
        ) : (
          <button type="button" class={s.button.secondary} onClick={cancel.onClick}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
