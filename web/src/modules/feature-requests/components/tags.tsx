import { useState } from 'preact/hooks';
import {
  type ApiError,
  ErrorAlert,
  InlineError,
  styles as s,
  TextField,
  toApiError,
  useAction,
  useQuery,
  xrpcProcedure,
} from '../../../client';
import { boardStateFromQuery, boardUrl, tagColor, tagsQuery } from '../model';
import type { TagView } from '../types';
import * as css from './tags.css';

/** A tag: its colour as a dot before its name; a link to the board filtered by it when `slug` is given. */
export function TagChip({ tag, slug }: { tag: TagView; slug?: string | undefined }) {
  const color = tagColor(tag.color);
  const inner = (
    <>
      <span class={css.dot} style={color ? { background: color } : undefined} aria-hidden="true" />
      <span class={s.visuallyHidden}>Tag: </span>
      {tag.name}
    </>
  );
  return slug ? (
    <a class={css.chip} href={boardUrl(slug, { ...boardStateFromQuery({}), tag: tag.name })} data-testid="tag">
      {inner}
    </a>
  ) : (
    <span class={css.chip} data-testid="tag">
      {inner}
    </span>
  );
}

/** A request's tags as chips (nothing when it has none). */
export function TagList({ tags, slug }: { tags: readonly TagView[] | undefined; slug?: string | undefined }) {
  if (!tags || tags.length === 0) return null;
  return (
    <ul class={css.list} aria-label="Tags" data-testid="tags">
      {tags.map((t) => (
        <li key={t.uri}>
          <TagChip tag={t} slug={slug} />
        </li>
      ))}
    </ul>
  );
}

/**
 * Moderators put the board's tags on a request or take them off, one
 * checkbox each (tagRequest / untagRequest: a record on their own PDS).
 */
export function TagEditor({
  slug,
  number,
  tags,
  onChange,
}: {
  slug: string;
  number: number;
  tags: readonly TagView[];
  onChange: (tags: TagView[]) => void;
}) {
  const all = useQuery(tagsQuery(slug));
  // The tag being changed and its new state, shown until the API answers (then its answer is).
  const [pending, setPending] = useState<{ uri: string; on: boolean }>();
  const [error, setError] = useState<ApiError>();
  const on = new Set(tags.map((t) => t.uri));
  const checked = (uri: string) => (pending?.uri === uri ? pending.on : on.has(uri));
  const available = all.data.value?.tags ?? [];
  if (all.error.value) return <ErrorAlert error={all.error.value} retry={() => void all.refetch()} />;
  if (available.length === 0) return null;
  return (
    <fieldset class={s.fieldset} data-testid="tag-editor">
      <legend class={s.legend}>Tags</legend>
      <div class={css.list}>
        {available.map((t) => (
          <label key={t.uri} class={s.choice}>
            <input
              type="checkbox"
              checked={checked(t.uri)}
              disabled={pending !== undefined}
              onChange={async (e) => {
                const add = e.currentTarget.checked;
                setPending({ uri: t.uri, on: add });
                setError(undefined);
                try {
                  const out = await xrpcProcedure(
                    add ? 'site.exosphere.featureRequest.tagRequest' : 'site.exosphere.featureRequest.untagRequest',
                    { sphere: slug, number, tag: t.uri },
                  );
                  onChange(out.tags);
                } catch (err) {
                  setError(toApiError(err));
                } finally {
                  setPending(undefined);
                }
              }}
            />
            <TagChip tag={t} />
          </label>
        ))}
      </div>
      {error && <InlineError error={error} />}
    </fieldset>
  );
}

/** Owners and admins define the board's tags (a name and a colour) and delete those they defined. */
export function TagManager({ slug }: { slug: string }) {
  const all = useQuery(tagsQuery(slug));
  const [name, setName] = useState('');
  const [color, setColor] = useState('#1d4ed8');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const tags = all.data.value?.tags ?? [];
  return (
    <details class={s.card} data-testid="tag-manager">
      <summary class={css.summary}>Manage tags</summary>
      <div class={css.manager}>
        {tags.length === 0 ? (
          <p class={s.muted} style={{ margin: 0 }}>
            No tags yet.
          </p>
        ) : (
          <ul class={s.stackSm} style={{ margin: 0, padding: 0, listStyle: 'none' }}>
            {tags.map((t) => (
              <TagRow key={t.uri} slug={slug} tag={t} onDeleted={() => void all.refetch()} />
            ))}
          </ul>
        )}
        <form
          class={css.row}
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (!name.trim()) return;
            setBusy(true);
            setError(undefined);
            try {
              await xrpcProcedure('site.exosphere.featureRequest.createTag', { sphere: slug, name: name.trim(), color });
              setName('');
              await all.refetch();
            } catch (err) {
              setError(toApiError(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          <div style={{ flex: '1 1 10rem' }}>
            <TextField label="New tag" value={name} onInput={setName} testId="new-tag-name" />
          </div>
          <div class={s.field}>
            <label class={s.label} for="new-tag-color">
              Colour
            </label>
            <input
              id="new-tag-color"
              type="color"
              class={css.colorInput}
              value={color}
              onInput={(e) => setColor(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class={s.button.secondary} disabled={busy || !name.trim()}>
            {busy ? 'Adding…' : 'Add tag'}
          </button>
        </form>
        {error && <ErrorAlert error={error} />}
      </div>
    </details>
  );
}

function TagRow({ slug, tag, onDeleted }: { slug: string; tag: TagView; onDeleted: () => void }) {
  const remove = useAction();
  return (
    <li class={s.row}>
      <TagChip tag={tag} />
      <span class={`${s.small} ${s.muted}`}>
        {tag.requestCount ?? 0} {tag.requestCount === 1 ? 'request' : 'requests'}
      </span>
      <button
        type="button"
        class={s.button.ghost}
        disabled={remove.busy}
        onClick={() =>
          void remove.run(() => xrpcProcedure('site.exosphere.featureRequest.deleteTag', { sphere: slug, tag: tag.uri }), onDeleted)
        }
      >
        Delete <span class={s.visuallyHidden}>tag {tag.name}</span>
      </button>
      {remove.error && <InlineError error={remove.error} />}
    </li>
  );
}
