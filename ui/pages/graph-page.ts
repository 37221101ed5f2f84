// The live state graph of one workflow version: per-state counts from the index, re-read when the gateway's
// stream reports a change of this workflow; a click on a state lists its instances.
import { useEffect, useState } from 'preact/hooks';
import { enc, getJson } from '../api';
import { StateGraph } from '../graph/state-graph';
import { html } from '../html';
import { onChange } from '../live-stream';
import type { Counts, Definition, Edge, SearchAnswer } from '../types';
import { useData } from '../use-data';
import { SearchResults } from './search-results';

export function GraphPage(props: { readonly name: string; readonly version: number }) {
  const { name, version } = props;
  const definition = useData(
    () =>
      getJson<{ definition: Definition; edges: Edge[] }>(
        `/workflows/${enc(name)}/versions/${version}/definition`,
      ),
    [name, version],
  );
  const counts = useData(
    () => getJson<Counts>(`/workflows/${enc(name)}/counts?version=${version}`),
    [name, version],
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
    return onChange((notice) => {
      if (notice.workflow !== name || pending !== undefined) return;
      pending = setTimeout(() => {
        pending = undefined;
        counts.reload();
        listing.reload();
      }, 250);
    });
  }, [name, version]);
  return html`<main>
    <h1>${name} v${version}</h1>
    ${definition.error === undefined ? null : html`<p class="error" role="alert">${definition.error}</p>`}
    <p class="total">Instances: <span data-total>${counts.data?.total ?? '…'}</span></p>
    ${
      definition.data === undefined
        ? html`<p>Loading…</p>`
        : html`<div
            class="graph-box"
            tabindex="0"
            aria-label="state graph"
            data-loaded=${counts.data === undefined ? 'no' : 'yes'}
          >
            <${StateGraph}
              definition=${definition.data.definition}
              edges=${definition.data.edges}
              counts=${counts.data?.states ?? {}}
              onState=${setState}
            />
          </div>`
    }
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
