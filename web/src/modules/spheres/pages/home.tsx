import { useState } from 'preact/hooks';
import {
  ErrorAlert,
  installedModules,
  LIMITS,
  loginPageHref,
  plural,
  RadioGroup,
  session,
  SkeletonList,
  SLUG_PATTERN,
  type SphereView,
  spherePath,
  styles as s,
  TextField,
  toApiError,
  useLocation,
  usePagedQuery,
  usePageMeta,
  validateText,
  xrpcProcedure,
} from '../../../client';
import { spheresListQuery } from '../routes';

export function HomePage() {
  usePageMeta({ title: 'Exosphere', description: 'Community Spheres on this Exosphere instance.' });
  const list = usePagedQuery(spheresListQuery(), (out) => out.spheres);
  const first = list.first;

  return (
    <div class={s.stack}>
      <h1>Spheres</h1>
      <p class={s.muted}>Communities on this instance. Open one to see what is going on there.</p>
      <section aria-labelledby="spheres-heading" class={s.stackSm}>
        <h2 id="spheres-heading" class={s.visuallyHidden}>
          All Spheres
        </h2>
        {first.error.value && !first.data.value ? (
          <ErrorAlert error={first.error.value} retry={() => void list.reload()} />
        ) : !first.data.value ? (
          <SkeletonList count={3} height="5.5rem" label="Loading Spheres…" />
        ) : list.items.value.length === 0 ? (
          <p data-testid="no-spheres">No Spheres yet.</p>
        ) : (
          <ul class={s.list} data-testid="sphere-list">
            {list.items.value.map((sphere) => (
              <SphereCard key={sphere.uri} sphere={sphere} />
            ))}
          </ul>
        )}
        {list.moreError.value && <ErrorAlert error={list.moreError.value} retry={() => void list.loadMore()} />}
        {list.hasMore.value && (
          <div>
            <button
              type="button"
              class={s.button.secondary}
              disabled={list.loadingMore.value}
              onClick={() => void list.loadMore()}
            >
              {list.loadingMore.value ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>
      <CreateSphere />
    </div>
  );
}

function SphereCard({ sphere }: { sphere: SphereView }) {
  return (
    <li class={s.card} data-testid="sphere-card">
      <div class={s.spread}>
        <h3 style={{ margin: 0 }}>
          <a href={spherePath(sphere.slug)}>{sphere.name}</a>
        </h3>
        <span class={s.row}>
          <span class={s.badge.neutral}>{sphere.visibility === 'public' ? 'Public' : 'Private'}</span>
          <span class={`${s.small} ${s.muted}`}>{plural(sphere.memberCount, 'member', 'members')}</span>
        </span>
      </div>
      {sphere.description && <p class={`${s.muted} ${s.small}`} style={{ margin: '0.25rem 0 0' }}>{excerpt(sphere.description)}</p>}
    </li>
  );
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}

/** A URL name from a display name: "My Project!" → "my-project". */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, LIMITS.sphereSlug.maxLength)
    .replace(/-+$/g, '');
}

export function validateSlug(slug: string): string | undefined {
  const length = validateText('URL name', slug, LIMITS.sphereSlug, true);
  if (length) return length;
  if (!SLUG_PATTERN.test(slug)) return 'URL name: use lowercase letters, digits and single hyphens.';
  return undefined;
}

function CreateSphere() {
  const current = session.value;
  if (!current) return null;
  if (!current.loggedIn) {
    return (
      <section aria-labelledby="create-heading" class={s.card}>
        <h2 id="create-heading">Start a Sphere</h2>
        <p>
          <a href={loginPageHref('/')}>Sign in</a> to create a Sphere for your community.
        </p>
      </section>
    );
  }
  return <CreateSphereForm />;
}

function CreateSphereForm() {
  const { route } = useLocation();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const [writeMode, setWriteMode] = useState<'open' | 'members'>('open');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();

  const effectiveSlug = slugEdited ? slug : slugify(name);
  const errors = {
    name: validateText('Name', name, LIMITS.sphereName, true),
    slug: validateSlug(effectiveSlug),
    description: validateText('Description', description, LIMITS.sphereDescription),
  };
  const show = (key: keyof typeof errors) => (submitted || (key === 'slug' ? slugEdited : false) ? errors[key] : undefined);

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (errors.name || errors.slug || errors.description) return;
    setBusy(true);
    setError(undefined);
    try {
      const out = await xrpcProcedure('site.exosphere.sphere.createSphere', {
        name: name.trim(),
        slug: effectiveSlug,
        description: description.trim() || undefined,
        visibility,
        writeMode,
        // Every module of this build; the owner turns them off in the settings.
        modules: installedModules().map((m) => m.name),
      });
      route(spherePath(out.sphere.slug));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="create-heading" class={s.card}>
      <h2 id="create-heading">Create a Sphere</h2>
      <form class={s.stack} onSubmit={submit} noValidate data-testid="create-sphere-form">
        <TextField
          label="Name"
          value={name}
          onInput={setName}
          limit={LIMITS.sphereName}
          error={show('name')}
          required
        />
        <TextField
          label="URL name"
          value={effectiveSlug}
          onInput={(v) => {
            setSlugEdited(true);
            setSlug(v);
          }}
          hint={`Address: /s/${effectiveSlug || '…'}`}
          error={show('slug')}
          required
        />
        <TextField
          label="Description"
          value={description}
          onInput={setDescription}
          limit={LIMITS.sphereDescription}
          error={show('description')}
          multiline
          rows={3}
        />
        <RadioGroup
          legend="Visibility"
          name="visibility"
          value={visibility}
          onChange={setVisibility}
          options={[
            { value: 'public', label: 'Public', hint: 'anyone can read; posts live on members’ own PDS' },
            { value: 'private', label: 'Private', hint: 'members only; content stays on this server' },
          ]}
        />
        <RadioGroup
          legend="Who can post"
          name="writeMode"
          value={writeMode}
          onChange={setWriteMode}
          options={[
            { value: 'open', label: 'Anyone signed in' },
            { value: 'members', label: 'Members only' },
          ]}
        />
        {error && <ErrorAlert error={error} />}
        <div>
          <button type="submit" class={s.button.primary} disabled={busy}>
            {busy ? 'Creating…' : 'Create Sphere'}
          </button>
        </div>
      </form>
    </section>
  );
}
