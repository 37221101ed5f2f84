// Bulk acts over a search result naming a workflow, each confirmed with the number of instances it will touch:
// operators cancel them all, admins also retry them all. The request's key is made when the confirmation opens, so a confirm sent
// twice is one request to the gateway; `max` is the count shown, so a result grown since is refused, not acted on.
import { useState } from 'preact/hooks';
import { enc, postKeyed } from '../api';
import { html } from '../html';
import { hasRole, type Principal } from '../types';
import { ConfirmDialog } from './confirm-dialog';

type BulkAct = 'cancel' | 'retry';

interface BulkAnswer {
  readonly matched: number;
  readonly results: readonly { readonly status: string }[];
}

export function BulkBar(props: {
  readonly principal: Principal;
  readonly filter: Readonly<Record<string, string>>;
  readonly count: number;
  readonly onDone: () => void;
}) {
  const [act, setAct] = useState<{ kind: BulkAct; key: string } | null>(null);
  const [result, setResult] = useState<string | undefined>(undefined);
  const { workflow, ...filter } = props.filter;
  // The gateway acts within one workflow: a result across workflows offers no bulk act.
  if (!hasRole(props.principal, 'operator') || workflow === undefined) return null;
  const send = async () => {
    if (act === null) return;
    try {
      const answer = await postKeyed<BulkAnswer>(`/workflows/${enc(workflow)}/bulk/${act.kind}`, act.key, {
        filter,
        max: props.count,
        ...(act.kind === 'cancel' ? { reason: 'bulk cancel from the operator UI' } : {}),
      });
      const refused = answer.results.filter((r) => r.status === 'refused').length;
      setResult(`${act.kind}: ${answer.matched - refused} sent, ${refused} refused`);
    } catch (failure) {
      setResult(`${act.kind} failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
    setAct(null);
    props.onDone();
  };
  const button = (kind: BulkAct, label: string) =>
    html`<button type="button" data-bulk=${kind} onClick=${() => setAct({ kind, key: crypto.randomUUID() })}>
      ${label}
    </button>`;
  return html`<section class="actions" aria-label="bulk actions">
    <div class="buttons">
      ${button('cancel', `Cancel all ${props.count}`)}
      ${hasRole(props.principal, 'admin') ? button('retry', `Retry all ${props.count} now`) : null}
    </div>
    ${result === undefined ? null : html`<p role="status" data-bulk-result>${result}</p>`}
    ${
      act === null
        ? null
        : html`<${ConfirmDialog}
            title=${`${act.kind === 'cancel' ? 'Cancel' : 'Retry'} ${props.count} instances?`}
            onConfirm=${() => void send()}
            onCancel=${() => setAct(null)}
          >
            <p>
              Every instance matching the search (${
                Object.entries(props.filter)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(', ') || 'no filter'
              })
              gets a ${act.kind}; refused if more than ${props.count} match by then.
            </p>
          </${ConfirmDialog}>`
    }
  </section>`;
}
