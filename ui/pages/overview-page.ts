// Every workflow version the caller may see: its instances by status (the index's counts), the oldest running
// instance, and a link to its live graph.
import { enc, getJson } from '../api';
import { html } from '../html';
import type { Counts, SearchAnswer } from '../types';
import { useData } from '../use-data';

interface VersionRow {
  readonly name: string;
  readonly version: number;
  readonly counts: Counts;
  readonly oldest: SearchAnswer['items'][number] | undefined;
}

async function loadRows(): Promise<VersionRow[]> {
  const { workflows } = await getJson<{ workflows: { name: string; versions: number[] }[] }>('/workflows');
  const rows = workflows.flatMap((w) => w.versions.map((version) => ({ name: w.name, version })));
  return Promise.all(
    rows.map(async ({ name, version }) => {
      const counts = await getJson<Counts>(`/workflows/${enc(name)}/counts?version=${version}`);
      const oldest = await getJson<SearchAnswer>(
        `/instances?workflow=${enc(name)}&version=${version}&status=running&sort=started&order=asc&limit=1`,
      );
      return { name, version, counts, oldest: oldest.items[0] };
    }),
  );
}

const STATUSES = ['running', 'completed', 'failed', 'cancelled', 'compensated', 'timed-out'];

export function OverviewPage() {
  const { data, error } = useData(loadRows, []);
  return html`<main>
    <h1>Workflows</h1>
    ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
    <table class="overview">
      <caption>
        Instances by status, per workflow version
      </caption>
      <thead>
        <tr>
          <th scope="col">Workflow</th>
          <th scope="col">Version</th>
          <th scope="col">Total</th>
          ${STATUSES.map((s) => html`<th scope="col">${s}</th>`)}
          <th scope="col">Oldest running</th>
        </tr>
      </thead>
      <tbody>
        ${(data ?? []).map(
          (row) =>
            html`<tr data-workflow=${row.name} data-version=${row.version}>
              <td><a href=${`#/workflows/${enc(row.name)}/${row.version}`}>${row.name}</a></td>
              <td>${row.version}</td>
              <td>${row.counts.total}</td>
              ${STATUSES.map((s) => html`<td>${row.counts.statuses[s] ?? 0}</td>`)}
              <td>
                ${
                  row.oldest === undefined
                    ? '—'
                    : html`<a href=${`#/instance/${enc(row.oldest.correlationId)}`}
                          >${row.oldest.correlationId}</a
                        >
                        (${new Date(row.oldest.createdAt).toISOString()})`
                }
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </main>`;
}
