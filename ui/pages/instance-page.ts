// One instance: the graph with its current state and the path taken, context (redacted by the gateway), timers,
// open tasks, the history as a timeline and a scrubber showing the instance after each step (folded by the
// gateway with the core's evolve). Re-read live when the stream reports a change of this instance.
import { useEffect, useState } from 'preact/hooks';
import { ActionBar } from '../actions/action-bar';
import { enc, getJson } from '../api';
import { StateGraph } from '../graph/state-graph';
import { html } from '../html';
import { onChange } from '../live-stream';
import type { Definition, Edge, InstanceView, Principal, Step } from '../types';
import { useData } from '../use-data';

async function load(id: string) {
  const instance = await getJson<InstanceView>(`/instances/${enc(id)}`);
  const [{ steps }, graph, list] = await Promise.all([
    getJson<{ steps: Step[] }>(`/instances/${enc(id)}/steps`),
    getJson<{ definition: Definition; edges: Edge[] }>(
      `/workflows/${enc(instance.workflow)}/versions/${instance.version}/definition`,
    ),
    getJson<{ workflows: { name: string; versions: number[] }[] }>('/workflows'),
  ]);
  const versions = list.workflows.find((w) => w.name === instance.workflow)?.versions ?? [];
  return { instance, steps, graph, versions };
}

const time = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

export function InstancePage(props: { readonly id: string; readonly principal: Principal | null }) {
  const { data, error, reload } = useData(() => load(props.id), [props.id]);
  const [at, setAt] = useState<number | null>(null);
  useEffect(() => onChange((notice) => notice.correlationId === props.id && reload()), [props.id]);
  if (data === undefined)
    return html`<main>
      <h1>${props.id}</h1>
      ${error === undefined ? html`<p>Loading…</p>` : html`<p class="error" role="alert">${error}</p>`}
    </main>`;
  const { instance, steps, graph } = data;
  const index = at === null ? steps.length - 1 : Math.min(at, steps.length - 1);
  const shown = steps[index]?.instance ?? instance;
  const path = steps.slice(0, index + 1).map((s) => s.instance.state);
  return html`<main>
    <h1>${instance.correlationId}</h1>
    <p class="summary">
      ${`${instance.workflow} v${instance.version} · state `}<strong data-state>${instance.state}</strong>
      ${' · status '}<strong data-status>${instance.status}</strong>${` · seq ${instance.seq}`}
    </p>
    <${ActionBar}
      principal=${props.principal}
      instance=${instance}
      definition=${graph.definition}
      versions=${data.versions}
      onDone=${reload}
    />
    <section aria-label="history scrubber" class="scrubber">
      <h2>Step <span data-step>${index + 1}</span> of ${steps.length}</h2>
      <label for="scrubber">After step</label>
      <input
        id="scrubber"
        type="range"
        min="1"
        max=${steps.length}
        value=${index + 1}
        aria-valuetext=${`step ${index + 1}: ${shown.state}`}
        onInput=${(e: Event) => setAt(Number((e.target as HTMLInputElement).value) - 1)}
      />
      <p>State after this step: <strong data-step-state>${shown.state}</strong> (${shown.status})</p>
    </section>
    <div class="graph-box" tabindex="0" aria-label="state graph, current state highlighted">
      <${StateGraph}
        definition=${graph.definition}
        edges=${graph.edges}
        current=${shown.state}
        path=${path}
      />
    </div>
    <section aria-label="context">
      <h2>Context</h2>
      <pre data-context tabindex="0">${JSON.stringify(shown.context, null, 2)}</pre>
    </section>
    <section aria-label="timers">
      <h2>Timers</h2>
      ${
        instance.timers.length === 0
          ? html`<p>None</p>`
          : html`<ul>
              ${instance.timers.map((t) => html`<li>${t.kind} ${t.subject} due ${time(t.dueAt)}</li>`)}
            </ul>`
      }
    </section>
    <section aria-label="open tasks">
      <h2>Open tasks</h2>
      ${
        instance.openTasks.length === 0
          ? html`<p>None</p>`
          : html`<pre tabindex="0">${JSON.stringify(instance.openTasks, null, 2)}</pre>`
      }
    </section>
    <section aria-label="history">
      <h2>History</h2>
      <table class="timeline">
        <thead>
          <tr>
            <th scope="col">Seq</th>
            <th scope="col">Record</th>
            <th scope="col">Event</th>
            <th scope="col">From → to</th>
            <th scope="col">Actor</th>
            <th scope="col">Time</th>
          </tr>
        </thead>
        <tbody>
          ${steps.map(
            ({ record }, i) =>
              html`<tr class=${i === index ? 'shown' : ''}>
                <td>${record.seq ?? ''}</td>
                <td>${record.kind}</td>
                <td>${record.event ?? ''}</td>
                <td>${record.from === undefined ? '' : `${record.from} → ${record.to}`}</td>
                <td>${record.actor ?? ''}</td>
                <td>${time(record.at)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
  </main>`;
}
