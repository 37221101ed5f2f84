// The acts on one instance the caller's role allows, each confirmed, each sent to its audited command route:
// operators signal and cancel; admins also retry, purge, erase and migrate. A viewer gets no bar at all, and the
// gateway refuses the routes to it anyway.
import { useState } from 'preact/hooks';
import { enc, postCommand } from '../api';
import { html } from '../html';
import { hasRole, type Definition, type InstanceView, type Principal } from '../types';
import { ConfirmDialog } from './confirm-dialog';
import { payloadOf, SchemaFields, type Draft } from './schema-form';

type Act =
  | { readonly kind: 'signal'; readonly event: string }
  | { readonly kind: 'cancel' | 'retry' | 'purge' | 'erase' }
  | { readonly kind: 'migrate' };

export function ActionBar(props: {
  readonly principal: Principal | null;
  readonly instance: InstanceView;
  readonly definition: Definition;
  readonly versions: readonly number[];
  readonly onDone: () => void;
}) {
  const [act, setAct] = useState<Act | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [target, setTarget] = useState('');
  const [result, setResult] = useState<string | undefined>(undefined);
  if (!hasRole(props.principal, 'operator')) return null;
  const admin = hasRole(props.principal, 'admin');
  const id = enc(props.instance.correlationId);
  const running = props.instance.status === 'running';
  const event =
    act?.kind === 'signal' ? props.definition.events.find((e) => e.name === act.event) : undefined;
  const send = async () => {
    if (act === null) return;
    try {
      const path =
        act.kind === 'signal' ? `/instances/${id}/signals/${enc(act.event)}` : `/instances/${id}/${act.kind}`;
      const body =
        act.kind === 'signal'
          ? payloadOf(event?.payloadSchema ?? null, draft)
          : act.kind === 'migrate'
            ? { targetVersion: Number(target) }
            : act.kind === 'cancel'
              ? { reason: 'cancelled from the operator UI' }
              : undefined;
      const answer = await postCommand<{ status: string; outcome?: { kind: string } }>(path, body);
      setResult(`${act.kind}: ${answer.outcome?.kind ?? answer.status}`);
    } catch (failure) {
      setResult(`${act.kind} failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
    setAct(null);
    setDraft({});
    props.onDone();
  };
  const button = (label: string, next: Act, enabled = true) =>
    html`<button
      type="button"
      data-action=${next.kind === 'signal' ? `signal:${next.event}` : next.kind}
      disabled=${!enabled}
      onClick=${() => setAct(next)}
    >
      ${label}
    </button>`;
  return html`<section class="actions" aria-label="actions">
    <h2>Actions</h2>
    <div class="buttons">
      ${props.definition.events.map((e) => button(`Signal ${e.name}`, { kind: 'signal', event: e.name }, running))}
      ${button('Cancel', { kind: 'cancel' }, running)}
      ${
        admin
          ? [
              button('Retry now', { kind: 'retry' }, running),
              button('Purge', { kind: 'purge' }, !running),
              button('Erase', { kind: 'erase' }),
              button('Migrate', { kind: 'migrate' }, running),
            ]
          : null
      }
    </div>
    ${result === undefined ? null : html`<p role="status" data-result>${result}</p>`}
    ${
      act === null
        ? null
        : html`<${ConfirmDialog}
          title=${act.kind === 'signal' ? `Signal ${act.event} to ${props.instance.correlationId}?` : `${act.kind} ${props.instance.correlationId}?`}
          onConfirm=${() => void send()}
          onCancel=${() => setAct(null)}
        >
          ${
            act.kind === 'signal'
              ? html`<${SchemaFields}
                  schema=${event?.payloadSchema ?? null}
                  draft=${draft}
                  onChange=${setDraft}
                />`
              : null
          }
          ${
            act.kind === 'migrate'
              ? html`<label for="target-version">Target version</label>
                  <select
                    id="target-version"
                    required
                    onChange=${(e: Event) => setTarget((e.target as HTMLSelectElement).value)}
                  >
                    <option value="">—</option>
                    ${props.versions
                      .filter((v) => v !== props.instance.version)
                      .map((v) => html`<option value=${String(v)}>${v}</option>`)}
                  </select>`
              : null
          }
        </${ConfirmDialog}>`
    }
  </section>`;
}
