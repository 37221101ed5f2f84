// A workflow version's state graph as SVG, laid out by dagre (layered, made for directed graphs like these):
// per state an optional count and figures (stuck instances, dwell quantiles), per edge an optional transition
// count, the current state and the path taken marked, a click on a state reported.
import dagre from '@dagrejs/dagre';
import { duration } from '../duration';
import { html } from '../html';
import type { Definition, Edge, StateFigures } from '../types';

export interface GraphProps {
  readonly definition: Definition;
  readonly edges: readonly Edge[];
  readonly counts?: Readonly<Record<string, number>>;
  /** Per state its figures; per edge (`from->to`) its transitions in the chosen window. */
  readonly figures?: {
    readonly states: Readonly<Record<string, StateFigures>>;
    readonly edges: Readonly<Record<string, number>>;
  };
  readonly current?: string;
  readonly path?: readonly string[];
  readonly onState?: (state: string) => void;
}

const NODE_W = 170;
const NODE_H = 46;
/** A state with figures has three more lines: stuck instances, and the quantiles of dwell and of age. */
const NODE_H_FIGURES = 94;

interface Layout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly { name: string; x: number; y: number; final: boolean }[];
  readonly edges: readonly {
    from: string;
    to: string;
    label: string;
    points: string;
    lx: number;
    ly: number;
  }[];
}

const layouts = { plain: new WeakMap<Definition, Layout>(), figures: new WeakMap<Definition, Layout>() };

function layoutOf(definition: Definition, edges: readonly Edge[], tall: boolean): Layout {
  const cache = tall ? layouts.figures : layouts.plain;
  const cached = cache.get(definition);
  if (cached !== undefined) return cached;
  const nodeH = tall ? NODE_H_FIGURES : NODE_H;
  // Room beside each edge's label for its count.
  const extra = tall ? 8 : 0;
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 60, marginx: 10, marginy: 10 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const state of definition.states) graph.setNode(state.name, { width: NODE_W, height: nodeH });
  edges.forEach((edge, i) =>
    graph.setEdge(
      edge.from,
      edge.to,
      { label: edge.label, width: 6 * (edge.label.length + extra), height: 14, labelpos: 'c' },
      `e${i}`,
    ),
  );
  dagre.layout(graph);
  const info = graph.graph() as { width?: number; height?: number };
  const layout: Layout = {
    width: info.width ?? 400,
    height: info.height ?? 300,
    nodes: definition.states.map((state) => {
      const node = graph.node(state.name) as { x: number; y: number };
      return { name: state.name, x: node.x, y: node.y, final: state.final !== null };
    }),
    edges: edges.map((edge, i) => {
      const drawn = graph.edge(edge.from, edge.to, `e${i}`) as {
        points: { x: number; y: number }[];
        x?: number;
        y?: number;
      };
      const points = drawn.points.map((p) => `${p.x},${p.y}`).join(' ');
      const mid = drawn.points[Math.floor(drawn.points.length / 2)] ?? { x: 0, y: 0 };
      return { ...edge, points, lx: drawn.x ?? mid.x, ly: drawn.y ?? mid.y };
    }),
  };
  cache.set(definition, layout);
  return layout;
}

export function StateGraph(props: GraphProps) {
  const layout = layoutOf(props.definition, props.edges, props.figures !== undefined);
  const nodeH = props.figures === undefined ? NODE_H : NODE_H_FIGURES;
  const visited = new Set(props.path ?? []);
  const taken = new Set<string>();
  const path = props.path ?? [];
  for (let i = 1; i < path.length; i += 1) taken.add(`${path[i - 1]}->${path[i]}`);
  return html`<svg
    class="graph"
    viewBox=${`0 0 ${layout.width} ${layout.height}`}
    width=${layout.width}
    height=${layout.height}
    role="group"
    aria-label=${`state graph of ${props.definition.name} version ${props.definition.version}`}
  >
    <defs>
      <marker
        id="arrow"
        viewBox="0 0 10 10"
        refX="10"
        refY="5"
        markerWidth="7"
        markerHeight="7"
        orient="auto"
      >
        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
      </marker>
    </defs>
    ${layout.edges.map((edge) => {
      const key = `${edge.from}->${edge.to}`;
      const count = props.figures === undefined ? undefined : (props.figures.edges[key] ?? 0);
      return html`<g
        class=${taken.has(key) ? 'edge taken' : 'edge'}
        data-edge=${key}
        data-edge-count=${count}
      >
        <polyline points=${edge.points} marker-end="url(#arrow)" />
        <text x=${edge.lx} y=${edge.ly} text-anchor="middle">
          ${edge.label}${count === undefined ? null : html`<tspan class="edge-count"> ×${count}</tspan>`}
        </text>
      </g>`;
    })}
    ${layout.nodes.map((node) => {
      const count = props.counts?.[node.name] ?? 0;
      const classes = [
        'state',
        node.final ? 'final' : '',
        props.current === node.name ? 'current' : '',
        visited.has(node.name) ? 'visited' : '',
      ].join(' ');
      const onClick = props.onState === undefined ? undefined : () => props.onState?.(node.name);
      return html`<g
        class=${classes}
        data-state=${node.name}
        transform=${`translate(${node.x - NODE_W / 2},${node.y - nodeH / 2})`}
        tabindex=${onClick === undefined ? undefined : 0}
        role=${onClick === undefined ? 'img' : 'button'}
        aria-label=${onClick === undefined ? stateLabel(node.name, props, visited) : undefined}
        onClick=${onClick}
        onKeyDown=${(event: KeyboardEvent) => {
          if (onClick !== undefined && (event.key === 'Enter' || event.key === ' ')) {
            event.preventDefault();
            onClick();
          }
        }}
      >
        <rect width=${NODE_W} height=${nodeH} rx="8" />
        <text x=${NODE_W / 2} y="19" text-anchor="middle" class="name">${node.name}</text>
        ${
          props.counts === undefined
            ? null
            : html`<text x=${NODE_W / 2} y="37" text-anchor="middle" class="count" data-count=${count}>
                ${count}
              </text>`
        }
        ${figureLines(props.figures?.states[node.name])}
      </g>`;
    })}
  </svg>`;
}

/**
 * A non-final state's stuck count, the quantiles of how long the instances that left it stayed (in the window),
 * and of how long those in it now have been there.
 */
function figureLines(figures: StateFigures | undefined) {
  // A final state is never left and nothing in it is stuck: no lines.
  if (figures === undefined || figures.stuck === null) return null;
  const dwell = figures.dwell;
  const age = figures.age;
  const quantiles = (q: { p50: number; p95: number } | null) =>
    q === null ? '—' : `p50 ${duration(q.p50)} · p95 ${duration(q.p95)}`;
  return html`<text
      x=${NODE_W / 2}
      y="54"
      text-anchor="middle"
      class=${figures.stuck > 0 ? 'stuck some' : 'stuck'}
      data-stuck=${figures.stuck}
    >
      ${figures.stuck} stuck (over ${duration(figures.stuckAfterMs ?? 0)})
    </text>
    <text
      x=${NODE_W / 2}
      y="70"
      text-anchor="middle"
      class="dwell"
      data-dwell-p50=${dwell?.p50}
      data-dwell-p95=${dwell?.p95}
    >
      dwell ${quantiles(dwell)}
    </text>
    <text x=${NODE_W / 2} y="86" text-anchor="middle" class="dwell" data-age-p50=${age?.p50}>
      in now ${quantiles(age)}
    </text>`;
}

/** What a non-clickable state says to a screen reader: its name and whether it is current or was visited. */
function stateLabel(name: string, props: GraphProps, visited: ReadonlySet<string>): string {
  if (props.current === name) return `${name} (current)`;
  return visited.has(name) ? `${name} (visited)` : name;
}
