// The home page, /: the instance's Spheres and, for whoever may, a form to
// create one; on a new instance, a welcome that sets up its first Sphere
// (whose creator becomes the administrator). In Home-Sphere mode it is that
// Sphere's home instead.
import { useState } from 'preact/hooks';
import {
  ErrorAlert,
  homeSphere,
  installedModules,
  instanceQuery,
  LIMITS,
  loginPageHref,
  plural,
  RadioGroup,
  type Schemas,
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
  useQuery,
  validateText,
  xrpcProcedure,
} from '../../../client';
import { spheresListQuery } from '../routes';
import { SphereHomePage } from './sphere';

type Instance = Schemas['site.exosphere.instance.getInstance.Output'];

export function HomePage() {
  const { query } = useLocation();
  const slug = homeSphere();
  // Constant for the page's life (the operator's setting), so the hooks below never change order.
  if (slug) return <SphereHomePage params={{ sphere: slug }} query={query} />;
  return <SphereList />;
}

/** No administrator yet, or nothing listed: the instance is still to be set up. */
const firstRun = (instance: Instance) => instance.needsSetup || instance.sphereCount === 0;

function SphereList() {
  usePageMeta({ title: 'Exosphere', description: 'Community Spheres on this Exosphere instance.' });
  const instance = useQuery(instanceQuery()).data.value;
  const list = usePagedQuery(spheresListQuery(), (out) => out.spheres);
  const first = list.first;
  const welcome = instance !== undefined && firstRun(instance);
  // A new instance has nothing to list: the welcome takes the list's place.
  const showList = !welcome || list.items.value.length > 0;

  return (
    <div class={s.stack}>
      {welcome ? (
        <>
          <h1>Welcome to Exosphere</h1>
          <p>
            This is an Exosphere instance: community Spheres on the AT Protocol, where members’ posts live in their
            own repositories, not on this server.
          </p>
        </>
      ) : (
        <>
          <h1>Spheres</h1>
          <p class={s.muted}>Communities on this instance. Open one to see what is going on there.</p>
        </>
      )}
      {instance?.viewer?.admin && (
        <p style={{ margin: 0 }}>
          <a href="/admin" data-testid="admin-link">
            Instance administration
          </a>
        </p>
      )}
      {showList && (
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
      )}
      {instance && <CreateSphere instance={instance} setup={welcome} />}
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

/**
 * Who may create a Sphere sees the form: whoever sets up a new instance,
 * accounts the instance allows, and under the invite policy anyone signed in
 * (with a code). The API decides; its refusal says how to get the right.
 */
function CreateSphere({ instance, setup }: { instance: Instance; setup: boolean }) {
  const current = session.value;
  if (!current) return null;
  const invite = instance.sphereCreation === 'invite';
  if (!current.loggedIn) {
    if (setup) {
      return (
        <section aria-labelledby="create-heading" class={s.card} data-testid="setup">
          <h2 id="create-heading">Set up your Sphere</h2>
          {instance.needsSetup && <p>The first account to create a Sphere here becomes this instance’s administrator.</p>}
          <p style={{ margin: 0 }}>
            <a class={s.button.primary} href={loginPageHref('/')}>
              Sign in to set up
            </a>
          </p>
        </section>
      );
    }
    // Signing in helps only where anyone signed in (or holding a code) may create.
    if (instance.sphereCreation !== 'anyone' && !invite) return null;
    return (
      <section aria-labelledby="create-heading" class={s.card}>
        <h2 id="create-heading">Start a Sphere</h2>
        <p>
          <a href={loginPageHref('/')}>Sign in</a> to create a Sphere for your community
          {invite ? ' (you need an invite code from this instance’s administrators)' : ''}.
        </p>
      </section>
    );
  }
  const allowed = instance.needsSetup || instance.viewer?.canCreateSpheres === true;
  if (!allowed && !invite) {
    return (
      <p class={`${s.muted} ${s.small}`} data-testid="creation-note">
        Creating Spheres here is for accounts this instance’s administrators allow.
      </p>
    );
  }
  return (
    <CreateSphereForm
      heading={setup ? 'Set up your Sphere' : 'Create a Sphere'}
      intro={instance.needsSetup ? 'You will be this instance’s administrator.' : undefined}
      inviteCode={!allowed}
    />
  );
}

function CreateSphereForm({
  heading,
  intro,
  inviteCode,
}: {
  heading: string;
  intro?: string | undefined;
  /** Ask for an invite code (the viewer may create only with one). */
  inviteCode: boolean;
}) {
  const { route } = useLocation();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [description, setDescription] = useState('');
  const [code, setCode] = useState('');
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
    code: inviteCode ? validateText('Invite code', code.trim(), LIMITS.inviteCode, true) : undefined,
  };
  const show = (key: keyof typeof errors) => (submitted || (key === 'slug' ? slugEdited : false) ? errors[key] : undefined);

  async function submit(e: Event) {
    e.preventDefault();
    setSubmitted(true);
    if (errors.name || errors.slug || errors.description || errors.code) return;
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
        inviteCode: inviteCode ? code.trim() : undefined,
      });
      route(spherePath(out.sphere.slug));
    } catch (err) {
      setError(toApiError(err));
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="create-heading" class={s.card}>
      <h2 id="create-heading">{heading}</h2>
      {intro && <p>{intro}</p>}
      <form class={s.stack} onSubmit={submit} noValidate data-testid="create-sphere-form">
        {inviteCode && (
          <TextField
            label="Invite code"
            value={code}
            onInput={setCode}
            hint="Creating a Sphere here needs a code from this instance’s administrators."
            error={show('code')}
            autoComplete="off"
            required
          />
        )}
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
