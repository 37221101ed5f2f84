// Every workflow version the caller may see: its instances by status (the index's counts), starts and completions
// per minute, failure and compensation rates over the last hour, the oldest running instance, and a link to its
// live graph. Re-read when the gateway's stream reports a change, at most every few seconds.
import { useEffect } from 'preact/hooks';
import { enc, getJson } from '../api';
import { html } from '../html';
import { onChange } from '../live-stream';
import type { Counts, VersionFigures } from '../types';
import { useData } from '../use-data';

interface VersionRow {
  readonly name: string;
  readonly version: number;
  readonly counts: Counts;
  readonly figures: VersionFigures;
}

async function loadRows(): Promise<VersionRow[]> {
  const { workflows } = await getJson<{ workflows: { name: string; versions: number[] }[] }>('/workflows');
  const rows = workflows.flatMap((w) => w.versions.map((version) => ({ name: w.name, version })));
  return Promise.all(
    rows.map(async ({ name, version }) => {
      const [counts, figures] = await Promise.all([
        getJson<Counts>(`/workflows/${enc(name)}/counts?version=${version}`),
        getJson<VersionFigures>(`/workflows/${enc(name)}/versions/${version}/figures?window=1h`),
      ]);
      return { name, version, counts, figures };
    }),
  );
}

const STATUSES: readonly [string, string][] = [
  ['running', 'running'],
  ['completed', 'completed'],
  ['failed', 'failed'],
  ['cancelled', 'cancelled'],
  ['compensated', 'compensated'],
  ['timed_out', 'timed out'],
];

const perMinute = (n: number) => n.toFixed(2);
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

export function OverviewPage() {
  const { data, error, reload } = useData(loadRows, []);
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = onChange(() => {
      if (pending !== undefined) return;
      pending = setTimeout(() => {
        pending = undefined;
        reload();
      }, 2000);
    });
    return () => {
      clearTimeout(pending);
      unsubscribe();
    };
  }, []);
  return html`<main>
    <h1>Workflows</h1>
    ${error === undefined ? null : html`<p class="error" role="alert">${error}</p>`}
    <table class="overview">
      <caption>
        Instances by status, per workflow version; flow over the last hour
      </caption>
      <thead>
        <tr>
          <th scope="col">Workflow</th>
          <th scope="col">Version</th>
          <th scope="col">Total</th>
          ${STATUSES.map(([, label]) => html`<th scope="col">${label}</th>`)}
          <th scope="col">Starts / min</th>
          <th scope="col">Completions / min</th>
          <th scope="col">Failure rate</th>
          <th scope="col">Compensation rate</th>
          <th scope="col">Oldest running</th>
        </tr>
      </thead>
      <tbody>
        ${(data ?? []).map((row) => {
          const { flow, oldestRunning } = row.figures;
          return html`<tr data-workflow=${row.name} data-version=${row.version}>
            <td><a href=${`#/workflows/${enc(row.name)}/${row.version}`}>${row.name}</a></td>
            <td>${row.version}</td>
            <td data-total>${row.counts.total}</td>
            ${STATUSES.map(([s]) => html`<td data-status=${s}>${row.counts.statuses[s] ?? 0}</td>`)}
            <td data-starts=${flow.starts}>${perMinute(flow.startsPerMinute)}</td>
            <td data-completions=${flow.finished.completed ?? 0}>${perMinute(flow.completionsPerMinute)}</td>
            <td>${percent(flow.failureRate)}</td>
            <td>${percent(flow.compensationRate)}</td>
            <td>
              ${
                oldestRunning === null
                  ? '—'
                  : html`<a href=${`#/instance/${enc(oldestRunning.correlationId)}`}
                        >${oldestRunning.correlationId}</a
                      >
                      (${new Date(oldestRunning.createdAt).toISOString()})`
              }
            </td>
          </tr>`;
        })}
      </tbody>
    </table>
  </main>`;
}
