// The audit trail of operator acts (GET /audit, admins only), newest last, filtered by instance or actor.
import { useState } from 'preact/hooks';
import { getJson } from '../api';
import { html } from '../html';
import { useData } from '../use-data';

interface AuditRecord {
  readonly [field: string]: unknown;
}

export function AuditPage() {
  const [instance, setInstance] = useState('');
  const [applied, setApplied] = useState('');
  const { data, error } = useData(
    () =>
      getJson<{ records: AuditRecord[]; truncated: boolean }>(
        `/audit?limit=1000${applied === '' ? '' : `&instance=${encodeURIComponent(applied)}`}`,
      ),
    [applied],
  );
  const text = (value: unknown) => (typeof value === 'object' ? JSON.stringify(value) : String(value ?? ''));
  return html`<main>
    <h1>Audit</h1>
    <form
      class="filters"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        setApplied(instance.trim());
      }}
    >
      <label
        >instance
        <input value=${instance} onInput=${(e: Event) => setInstance((e.target as HTMLInputElement).value)}
      /></label>
      <button type="submit">Filter</button>
    </form>
    ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
    <table class="audit">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Act</th>
          <th scope="col">Instance</th>
          <th scope="col">Actor</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        ${(data?.records ?? []).map((record) => {
          const { at, action, target, actor, workflow, before, after } = record;
          return html`<tr data-instance=${text(target)} data-action=${text(action)}>
            <td>${typeof at === 'number' ? new Date(at).toISOString() : text(at)}</td>
            <td>${text(action)}</td>
            <td>${text(workflow)} / ${text(target)}</td>
            <td>${text(actor)}</td>
            <td><code>${text(before)} → ${text(after)}</code></td>
          </tr>`;
        })}
      </tbody>
    </table>
  </main>`;
}
