// Markdown as Exosphere shows it (rendered by the server, core's
// exosphere_core::markdown) and the field that writes it, with its preview:
// shared by every module whose texts are Markdown.
import type { JSX } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { xrpcProcedure } from '../api';
import { type ApiError, toApiError } from '../errors';
import * as s from '../styles.css';
import type { TextLimit } from '../limits';
import { remaining, validateText } from '../validate';
import { ErrorAlert } from './alert';
import * as css from './markdown-field.css';
import * as mdCss from './markdown.css';
import { Skeleton } from './skeleton';

/**
 * Markdown, as the HTML the API rendered it to (`bodyHtml`, `textHtml`,
 * `descriptionHtml`, site.exosphere.markdown.render): the server
 * guarantees it is safe to insert as it is (no raw HTML, no images, links
 * to safe URLs only, each rel="nofollow ugc noopener"). The server render
 * and the browser insert the same string, so hydration keeps it as it is.
 */
export function Markdown({ html, testId }: { html: string; testId?: string | undefined }) {
  return <div class={mdCss.markdown} data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}

interface MarkdownFieldProps {
  label: string;
  value: string;
  onInput: (value: string) => void;
  limit: TextLimit;
  error?: string | undefined;
  hint?: string | undefined;
  rows?: number;
  required?: boolean;
  /** The level of a `#` heading in the preview, as where the text will show. */
  headingBase?: number;
  testId?: string;
}

type Tab = 'write' | 'preview';
const TABS: { id: Tab; label: string }[] = [
  { id: 'write', label: 'Write' },
  { id: 'preview', label: 'Preview' },
];

/**
 * A Markdown text with Write and Preview tabs: the preview is the server's
 * rendering (site.exosphere.markdown.render), the same the text gets once
 * posted. Its label stays above the tabs; the
 * hint, the "used / max" counter and the error below them, wired to the
 * text box for screen readers (as TextField does).
 */
export function MarkdownField({ label, value, onInput, limit, error, hint, rows = 6, required, headingBase, testId }: MarkdownFieldProps) {
  const id = useId();
  const [tab, setTab] = useState<Tab>('write');
  const tabId = (t: Tab) => `${id}-${t}-tab`;
  const panelId = (t: Tab) => `${id}-${t}`;
  const fieldId = `${id}-text`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const count = remaining(value, limit);

  // Arrow keys move between the tabs (the tab pattern of ARIA's practices).
  function onKeyDown(e: JSX.TargetedKeyboardEvent<HTMLButtonElement>) {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft' && e.key !== 'Home' && e.key !== 'End') return;
    e.preventDefault();
    const next: Tab = e.key === 'Home' ? 'write' : e.key === 'End' ? 'preview' : tab === 'write' ? 'preview' : 'write';
    setTab(next);
    document.getElementById(tabId(next))?.focus();
  }

  return (
    <div class={s.field} data-testid={testId}>
      <label class={s.label} for={fieldId}>
        {label}
      </label>
      <div role="tablist" aria-label={`Write or preview: ${label}`} class={css.tabs}>
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={tabId(t.id)}
            class={css.tab}
            aria-selected={tab === t.id}
            aria-controls={panelId(t.id)}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={onKeyDown}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={panelId('write')} aria-labelledby={tabId('write')} hidden={tab !== 'write'}>
        <textarea
          id={fieldId}
          class={s.textarea}
          rows={rows}
          value={value}
          required={required}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={[hintId, error ? errorId : ''].filter(Boolean).join(' ')}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      </div>
      <div
        role="tabpanel"
        id={panelId('preview')}
        aria-labelledby={tabId('preview')}
        hidden={tab !== 'preview'}
        class={css.preview}
        data-testid="preview"
      >
        {tab === 'preview' &&
          (value.trim() ? (
            <Preview text={value.trim()} headingBase={headingBase ?? 2} />
          ) : (
            <p class={s.muted}>Nothing to preview.</p>
          ))}
      </div>
      <span id={hintId} class={s.hint}>
        {hint && `${hint} · `}
        {count && `${count.used} / ${count.max}`} · Markdown: **bold**, _italic_, `code`, [links](https://…), lists and
        quotes; no HTML or images.
      </span>
      {error && (
        <span id={errorId} class={s.fieldError}>
          {error}
        </span>
      )}
    </div>
  );
}

/** The text as the server renders it, asked for each time the preview shows. */
function Preview({ text, headingBase }: { text: string; headingBase: number }) {
  const [rendered, setRendered] = useState<{ html?: string; error?: ApiError }>({});
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setRendered({});
    xrpcProcedure('site.exosphere.markdown.render', { text, headingBase }).then(
      (out) => current && setRendered({ html: out.html }),
      (e: unknown) => current && setRendered({ error: toApiError(e) }),
    );
    return () => {
      current = false;
    };
  }, [text, headingBase, attempt]);

  if (rendered.error) return <ErrorAlert error={rendered.error} retry={() => setAttempt(attempt + 1)} />;
  if (rendered.html === undefined) {
    return (
      <div role="status" aria-live="polite" data-testid="preview-loading">
        <span class={s.visuallyHidden}>Rendering the preview…</span>
        <Skeleton height="4rem" />
      </div>
    );
  }
  return <Markdown html={rendered.html} />;
}

/**
 * An edit form for one Markdown text (a comment, a reply): the field, Save
 * and Cancel. `save` gets the text, trimmed; when the API refuses it, the
 * form stays open with its message.
 */
export function EditMarkdown({
  what,
  initial,
  limit,
  save,
  onClose,
  testId,
  headingBase = 3,
}: {
  /** What is edited, as a noun in lowercase: "comment", "reply". */
  what: string;
  initial: string;
  limit: TextLimit;
  save: (text: string) => Promise<void>;
  onClose: () => void;
  testId: string;
  headingBase?: number;
}) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const invalid = validateText(what.charAt(0).toUpperCase() + what.slice(1), text, limit, true);
  return (
    <form
      class={s.stack}
      noValidate
      data-testid={testId}
      onSubmit={async (e) => {
        e.preventDefault();
        if (invalid) return;
        setBusy(true);
        setError(undefined);
        try {
          await save(text.trim());
          onClose();
        } catch (err) {
          setError(toApiError(err));
          setBusy(false);
        }
      }}
    >
      <MarkdownField
        label={`Edit your ${what}`}
        value={text}
        onInput={setText}
        limit={limit}
        error={invalid}
        rows={4}
        headingBase={headingBase}
        required
      />
      {error && <ErrorAlert error={error} />}
      <div class={s.row}>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Saving…' : `Save ${what}`}
        </button>
        <button type="button" class={s.button.secondary} onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
