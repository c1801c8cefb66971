// The Settings page's webhooks (the Sphere's owner only): the Sphere's
// events POSTed to a URL, signed with a secret shown once; each webhook's
// delivery log and a "Send test" button. See README's Webhooks.
import { useState } from 'preact/hooks';
import {
  type ApiError,
  CopyButton,
  ErrorAlert,
  InlineError,
  type Schemas,
  styles as s,
  TextField,
  toApiError,
  querySpec,
  useAction,
  useQuery,
  xrpcProcedure,
  xrpcQuery,
} from '../../../client';
import * as css from './webhooks.css';

type Webhook = Schemas['site.exosphere.webhook.defs.webhookView'];
type Delivery = Schemas['site.exosphere.webhook.defs.deliveryView'];

export function Webhooks({ slug }: { slug: string }) {
  const hooks = useQuery(querySpec('site.exosphere.webhook.listWebhooks', { sphere: slug }));
  const [created, setCreated] = useState<{ secret: string; url: string }>();
  const data = hooks.data.value;
  return (
    <section class={s.stack} aria-labelledby="webhooks-heading" data-testid="webhooks">
      <h2 id="webhooks-heading" style={{ margin: 0 }}>
        Webhooks
      </h2>
      <p class={`${s.muted} ${s.small}`} style={{ margin: 0 }}>
        The Sphere’s events, POSTed as JSON to a URL of yours and signed with a secret (the README says how to check
        the signature).
      </p>
      {hooks.error.value && <ErrorAlert error={hooks.error.value} retry={() => void hooks.refetch()} />}
      {data && data.webhooks.length > 0 && (
        <ul class={s.stackSm} style={{ margin: 0, padding: 0, listStyle: 'none' }}>
          {data.webhooks.map((w) => (
            <WebhookItem key={w.id} slug={slug} hook={w} onDeleted={() => void hooks.refetch()} />
          ))}
        </ul>
      )}
      {created && (
        <div class={`${s.alert.success} ${s.stackSm}`} data-testid="new-webhook-secret">
          <span role="status">
            Webhook to {created.url} added. Its signing secret is shown only this once: copy it now.
          </span>
          <div class={s.row}>
            <code style={{ overflowWrap: 'anywhere' }}>{created.secret}</code>
            <CopyButton text={created.secret} what="the secret" />
          </div>
        </div>
      )}
      {data && (
        <WebhookForm
          slug={slug}
          events={data.events}
          onCreated={(secret, hook) => {
            setCreated({ secret, url: hook.url });
            void hooks.refetch();
          }}
        />
      )}
    </section>
  );
}

function WebhookForm({
  slug,
  events,
  onCreated,
}: {
  slug: string;
  events: string[];
  onCreated: (secret: string, hook: Webhook) => void;
}) {
  const [url, setUrl] = useState('');
  const [chosen, setChosen] = useState<string[]>(events);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const invalid = !/^https?:\/\/\S+$/.test(url.trim())
    ? 'The URL is an http:// or https:// address.'
    : chosen.length === 0
      ? 'Choose at least one event.'
      : undefined;
  const [tried, setTried] = useState(false);
  return (
    <form
      class={`${s.card} ${s.stackSm}`}
      noValidate
      data-testid="webhook-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setTried(true);
        if (invalid) return;
        setBusy(true);
        setError(undefined);
        try {
          const out = await xrpcProcedure('site.exosphere.webhook.createWebhook', {
            sphere: slug,
            url: url.trim(),
            events: chosen,
          });
          setUrl('');
          setTried(false);
          onCreated(out.secret, out.webhook);
        } catch (err) {
          setError(toApiError(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3 style={{ margin: 0 }}>Add a webhook</h3>
      <TextField
        label="URL"
        value={url}
        onInput={setUrl}
        placeholder="https://example.com/hooks/exosphere"
        error={tried ? invalid : undefined}
        required
      />
      <fieldset class={s.fieldset}>
        <legend class={s.legend}>Events</legend>
        {events.map((event) => (
          <label key={event} class={s.choice}>
            <input
              type="checkbox"
              checked={chosen.includes(event)}
              onChange={(e) =>
                setChosen(e.currentTarget.checked ? [...chosen, event] : chosen.filter((x) => x !== event))
              }
            />
            <code>{event}</code>
          </label>
        ))}
      </fieldset>
      {error && <ErrorAlert error={error} />}
      <div>
        <button type="submit" class={s.button.primary} disabled={busy}>
          {busy ? 'Adding…' : 'Add webhook'}
        </button>
      </div>
    </form>
  );
}

function WebhookItem({ slug, hook, onDeleted }: { slug: string; hook: Webhook; onDeleted: () => void }) {
  const [log, setLog] = useState<Delivery[]>();
  const [logError, setLogError] = useState<ApiError>();
  const test = useAction();
  const remove = useAction();
  const load = () =>
    xrpcQuery('site.exosphere.webhook.listDeliveries', { sphere: slug, id: hook.id, limit: 10 }).then(
      (out) => {
        setLog(out.deliveries);
        setLogError(undefined);
      },
      (e: unknown) => setLogError(toApiError(e)),
    );
  return (
    <li class={`${s.card} ${s.stackSm}`} data-testid="webhook">
      <div class={s.spread}>
        <code style={{ overflowWrap: 'anywhere' }}>{hook.url}</code>
        <span class={`${s.small} ${s.muted}`}>{hook.events.join(', ')}</span>
      </div>
      <div class={s.row}>
        <button
          type="button"
          class={s.button.secondary}
          disabled={test.busy}
          onClick={() =>
            void test.run(() => xrpcProcedure('site.exosphere.webhook.testWebhook', { sphere: slug, id: hook.id }), () => void load())
          }
        >
          Send test
        </button>
        <button type="button" class={s.button.ghost} onClick={() => void load()}>
          {log ? 'Refresh deliveries' : 'Show deliveries'}
        </button>
        <button
          type="button"
          class={s.button.danger}
          disabled={remove.busy}
          onClick={() =>
            void remove.run(() => xrpcProcedure('site.exosphere.webhook.deleteWebhook', { sphere: slug, id: hook.id }), onDeleted)
          }
        >
          Delete<span class={s.visuallyHidden}> the webhook to {hook.url}</span>
        </button>
        {test.error && <InlineError error={test.error} />}
        {remove.error && <InlineError error={remove.error} />}
      </div>
      {logError && <InlineError error={logError} />}
      {log &&
        (log.length === 0 ? (
          <p class={`${s.small} ${s.muted}`} style={{ margin: 0 }}>
            No deliveries yet.
          </p>
        ) : (
          <table class={`${s.small} ${css.deliveries}`} data-testid="deliveries">
            <caption class={s.visuallyHidden}>Latest deliveries to {hook.url}</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
              </tr>
            </thead>
            <tbody>
              {log.map((d) => (
                <tr key={d.id}>
                  <td>
                    <code>{d.event}</code>
                  </td>
                  <td>{d.state}</td>
                  <td>{d.attempts}</td>
                  <td>{d.lastError ?? (d.lastStatus !== undefined ? `HTTP ${d.lastStatus}` : '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </li>
  );
}
