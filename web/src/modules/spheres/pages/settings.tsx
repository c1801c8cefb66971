import { useState } from 'preact/hooks';
import {
  ErrorAlert,
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

export const KNOWN_MODULES = [{ id: 'feature-requests', label: 'Feature requests' }] as const;

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
  return <SettingsForm sphere={sphere} onSaved={onSaved} />;
}

function SettingsForm({ sphere, onSaved }: { sphere: SphereView; onSaved: (s: SphereView) => void }) {
  const [name, setName] = useState(sphere.name);
  const [description, setDescription] = useState(sphere.description ?? '');
  const [visibility, setVisibility] = useState(sphere.visibility === 'public' ? 'public' : 'private');
  const [writeMode, setWriteMode] = useState(sphere.writeMode === 'open' ? 'open' : 'members');
  const [modules, setModules] = useState<string[]>(sphere.modules);
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
        visibility,
        writeMode,
        modules,
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
      <RadioGroup
        legend="Visibility"
        name="visibility"
        value={visibility}
        onChange={setVisibility}
        options={[
          { value: 'public', label: 'Public', hint: 'anyone can read' },
          { value: 'private', label: 'Private', hint: 'members only' },
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
      <fieldset class={s.fieldset}>
        <legend class={s.legend}>Modules</legend>
        {KNOWN_MODULES.map((m) => (
          <label class={s.choice} key={m.id}>
            <input
              type="checkbox"
              checked={modules.includes(m.id)}
              onChange={(e) =>
                setModules(
                  e.currentTarget.checked ? [...modules, m.id] : modules.filter((x) => x !== m.id),
                )
              }
            />
            <span>{m.label}</span>
          </label>
        ))}
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
