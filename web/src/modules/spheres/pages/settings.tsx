import { useState } from 'preact/hooks';
import {
  ErrorAlert,
  findModule,
  installedModules,
  isOwner,
  LIMITS,
  Notice,
  type PageProps,
  RadioGroup,
  SphereFrame,
  type SphereView,
  styles as s,
  TextField,
  toApiError,
  usePageMeta,
  useSphere,
  validateText,
  xrpcProcedure,
} from '../../../client';
import { Webhooks } from './webhooks';

/**
 * The `modules` list to save: the Sphere's list as it was, without the
 * modules turned off, with those turned on after it. Names this build has
 * no module for are kept as they are.
 */
export function modulesToSave(before: readonly string[], on: readonly string[]): string[] {
  const kept = before.filter((name) => !findModule(name) || on.includes(name));
  return [...kept, ...on.filter((name) => !kept.includes(name))];
}

export function SettingsPage({ params }: PageProps) {
  const sphere = useSphere(params.sphere ?? '');
  return (
    <SphereFrame resource={sphere} current="settings">
      {(view) => <Settings sphere={view} onSaved={(updated) => sphere.set({ sphere: updated })} />}
    </SphereFrame>
  );
}

function Settings({ sphere, onSaved }: { sphere: SphereView; onSaved: (s: SphereView) => void }) {
  usePageMeta({ title: `Settings · ${sphere.name}` });
  if (!isOwner(sphere)) {
    return (
      <>
        <h1>Settings</h1>
        <Notice>Only the owner of this Sphere can change its settings.</Notice>
      </>
    );
  }
  return (
    <div class={s.stack}>
      <SettingsForm sphere={sphere} onSaved={onSaved} />
      <Webhooks slug={sphere.slug} />
    </div>
  );
}

function SettingsForm({ sphere, onSaved }: { sphere: SphereView; onSaved: (s: SphereView) => void }) {
  const [name, setName] = useState(sphere.name);
  const [description, setDescription] = useState(sphere.description ?? '');
  const [writeMode, setWriteMode] = useState(sphere.writeMode === 'open' ? 'open' : 'members');
  // The installed modules that are on; the others in sphere.modules are kept as they are.
  const [modules, setModules] = useState<string[]>(sphere.modules.filter((name) => findModule(name)));
  const unknown = sphere.modules.filter((name) => !findModule(name));
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<ReturnType<typeof toApiError>>();
  const errors = {
    name: validateText('Name', name, LIMITS.sphereName, true),
    description: validateText('Description', description, LIMITS.sphereDescription),
  };

  async function submit(e: Event) {
    e.preventDefault();
    if (errors.name || errors.description) return;
    setBusy(true);
    setSaved(false);
    setError(undefined);
    try {
      const out = await xrpcProcedure('site.exosphere.sphere.updateSphere', {
        sphere: sphere.slug,
        name: name.trim(),
        description: description.trim(),
        writeMode,
        modules: modulesToSave(sphere.modules, modules),
      });
      onSaved(out.sphere);
      setSaved(true);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class={s.stack} onSubmit={submit} noValidate data-testid="settings-form">
      <h1>Settings</h1>
      <TextField label="Name" value={name} onInput={setName} limit={LIMITS.sphereName} error={errors.name} required />
      <TextField
        label="Description"
        value={description}
        onInput={setDescription}
        limit={LIMITS.sphereDescription}
        error={errors.description}
        multiline
        rows={4}
      />
      <div class={s.field} data-testid="visibility">
        <span class={s.label}>Visibility</span>
        <p style={{ margin: 0 }}>
          {sphere.visibility === 'public'
            ? 'Public: anyone can read, and what members write lives as records in their own repositories.'
            : 'Private: members only, and what they write stays on this server.'}
        </p>
        <p class={s.hint} style={{ margin: 0 }}>
          A Sphere’s visibility is chosen when it is created and can’t change: a public Sphere’s content is already
          on its members’ PDSes, and a private Sphere’s was never published.
        </p>
      </div>
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
      <fieldset class={s.fieldset} data-testid="module-settings">
        <legend class={s.legend}>Modules</legend>
        {installedModules().map((m) => (
          <label class={s.choice} key={m.name}>
            <input
              type="checkbox"
              name="modules"
              value={m.name}
              checked={modules.includes(m.name)}
              onChange={(e) =>
                setModules(
                  e.currentTarget.checked
                    ? [...modules.filter((x) => x !== m.name), m.name]
                    : modules.filter((x) => x !== m.name),
                )
              }
            />
            <span>{m.label}</span>
          </label>
        ))}
        {unknown.length > 0 && (
          <p class={s.hint} style={{ margin: 0 }}>
            Also on, kept as they are (this version of the app doesn't have them): {unknown.join(', ')}.
          </p>
        )}
      </fieldset>
      {error && <ErrorAlert error={error} />}
      {saved && <Notice tone="success" live>Settings saved.</Notice>}
      <div>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}
