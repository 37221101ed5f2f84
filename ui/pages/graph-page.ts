// The live state graph of one workflow version: per state its instances, stuck ones and dwell quantiles, per edge
// its transitions over the chosen window, all from the figures route; re-read when the gateway's stream reports a
// change of this workflow, and every 15 s (ages grow without any change); a click on a state lists its instances.
import { useEffect, useState } from 'preact/hooks';
import { enc, getJson } from '../api';
import { StateGraph } from '../graph/state-graph';
import { html } from '../html';
import { onChange } from '../live-stream';
import type { Definition, Edge, FigureWindow, SearchAnswer, StateFigures, VersionFigures } from '../types';
import { useData } from '../use-data';
import { SearchResults } from './search-results';

const WINDOWS: readonly { value: FigureWindow; label: string }[] = [
  { value: '5m', label: 'last 5 minutes' },
  { value: '1h', label: 'last hour' },
  { value: '24h', label: 'last 24 hours' },
];

const REFRESH_MS = 15_000;

export function GraphPage(props: { readonly name: string; readonly version: number }) {
  const { name, version } = props;
  const [span, setSpan] = useState<FigureWindow>('1h');
  const definition = useData(
    () =>
      getJson<{ definition: Definition; edges: Edge[] }>(
        `/workflows/${enc(name)}/versions/${version}/definition`,
      ),
    [name, version],
  );
  const figures = useData(
    () => getJson<VersionFigures>(`/workflows/${enc(name)}/versions/${version}/figures?window=${span}`),
    [name, version, span],
  );
  const [state, setState] = useState<string | null>(null);
  const listing = useData(
    () =>
      state === null
        ? Promise.resolve(undefined)
        : getJson<SearchAnswer>(
            `/instances?workflow=${enc(name)}&version=${version}&state=${enc(state)}&limit=100`,
          ),
    [name, version, state],
  );
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const timer = setInterval(() => figures.reload(), REFRESH_MS);
    const unsubscribe = onChange((notice) => {
      if (notice.workflow !== name || pending !== undefined) return;
      pending = setTimeout(() => {
        pending = undefined;
        figures.reload();
        listing.reload();
      }, 250);
    });
    return () => {
      clearInterval(timer);
      clearTimeout(pending);
      unsubscribe();
    };
  }, [name, version]);
  const data = figures.data;
  const loaded = data !== undefined && data.window === span;
  const total = data?.states.reduce((sum, s) => sum + s.count, 0);
  return html`<main>
    <h1>${name} v${version}</h1>
    ${definition.error === undefined ? null : html`<p class="error" role="alert">${definition.error}</p>`}
    ${figures.error === undefined ? null : html`<p class="error" role="alert">${figures.error}</p>`}
    <div class="graph-bar">
      <p class="total">Instances: <span data-total>${total ?? '…'}</span></p>
      <label
        >Transitions and dwells over
        <select
          name="window"
          value=${span}
          onChange=${(event: Event) => setSpan((event.target as HTMLSelectElement).value as FigureWindow)}
        >
          ${WINDOWS.map((w) => html`<option value=${w.value}>${w.label}</option>`)}
        </select>
      </label>
    </div>
    ${
      definition.data === undefined
        ? html`<p>Loading…</p>`
        : html`<div
            class="graph-box"
            tabindex="0"
            aria-label="state graph"
            data-loaded=${loaded ? 'yes' : 'no'}
            data-window=${data?.window}
          >
            <${StateGraph}
              definition=${definition.data.definition}
              edges=${definition.data.edges}
              counts=${countsOf(data?.states ?? [])}
              figures=${data === undefined ? undefined : graphFigures(data)}
              onState=${setState}
            />
          </div>`
    }
    <p class="legend">
      Each state: its instances; those in it longer than its timeout (or the gateway's threshold) as stuck;
      the p50 and p95 dwell of the instances that left it in the window; how long those in it now have been
      there. Each edge: its transitions in the window.
    </p>
    ${
      state === null
        ? null
        : html`<section aria-label="instances in the chosen state">
            <h2>Instances in ${state} (${listing.data?.count ?? '…'})</h2>
            <${SearchResults} items=${listing.data?.items ?? []} />
          </section>`
    }
  </main>`;
}

const countsOf = (states: readonly StateFigures[]): Record<string, number> =>
  Object.fromEntries(states.map((s) => [s.name, s.count]));

function graphFigures(figures: VersionFigures) {
  return {
    states: Object.fromEntries(figures.states.map((s) => [s.name, s])),
    edges: Object.fromEntries(figures.edges.map((e) => [`${e.from}->${e.to}`, e.count])),
  };
}
