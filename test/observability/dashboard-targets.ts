// The PromQL of every panel of a Grafana dashboard JSON, with Grafana's variables replaced by values a
// short test run can answer: the `workflow` variable as All, rate windows of a minute, the range as an hour.
import { readFileSync } from 'node:fs';

export interface PanelTarget {
  readonly panel: string;
  readonly refId: string;
  readonly expr: string;
}

interface Panel {
  readonly title?: string;
  readonly type?: string;
  readonly targets?: readonly { refId?: string; expr?: string }[];
  readonly panels?: readonly Panel[];
}

const VARIABLES: Readonly<Record<string, string>> = {
  workflow: '.*',
  __rate_interval: '1m',
  __interval: '5s',
  __range: '1h',
};

export function substitute(expr: string): string {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => VARIABLES[name] ?? whole);
}

export function dashboardTargets(file: string): PanelTarget[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
  const all = (panels: readonly Panel[]): Panel[] => panels.flatMap((p) => [p, ...all(p.panels ?? [])]);
  return all(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).map((target) => {
      if (target.expr === undefined)
        throw new Error(`panel ${panel.title} target ${target.refId} has no expr`);
      return {
        panel: panel.title ?? '(untitled)',
        refId: target.refId ?? '?',
        expr: substitute(target.expr),
      };
    }),
  );
}

/** The metric names the dashboard's template variables read their values from. */
export function variableQueries(file: string): string[] {
  const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
    templating?: { list: { definition?: string }[] };
  };
  return (dashboard.templating?.list ?? []).flatMap((variable) => {
    const match = /label_values\((\w+)/.exec(variable.definition ?? '');
    return match?.[1] === undefined ? [] : [match[1]];
  });
}
