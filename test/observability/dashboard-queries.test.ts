// Every query the Grafana dashboard and the alert rules run is checked against a real Prometheus scraping real
// orchestrator processes under order-saga load: it parses, and each panel gets data back.
import path from 'node:path';
import { eventually } from '../harness/eventually';
import { repoRoot } from '../harness/infrastructure';
import { dashboardTargets, variableQueries } from './dashboard-targets';
import { ObservedRun } from './observed-run';
import { PrometheusServer, SCRAPE_JOB, type QueryResult } from './prometheus-server';
import { checkConfig, checkRules } from './promtool';

const DASHBOARD = path.join(repoRoot, 'deploy/grafana/provisioning/dashboards/statewright-orchestrator.json');
const ALERTS = path.join(repoRoot, 'deploy/prometheus/alerts.yml');
const DEPLOY_CONFIG = path.join(repoRoot, 'deploy/prometheus/prometheus.yml');

let run: ObservedRun | undefined;
let prometheus: PrometheusServer | undefined;

beforeAll(async () => {
  run = await ObservedRun.open({
    label: 'observability-dashboard',
    orders: 60,
    partitions: 4,
    logLevels: ['info', 'info'],
    shippingTimeoutMs: 2_000,
  });
  prometheus = await PrometheusServer.start({
    targets: run.metricsTargets,
    ruleFiles: [ALERTS],
    logFile: path.join(run.logDir, 'prometheus.log'),
  });
  // Two waves, each scraped once finished: every series exists before the second wave moves it, so the rates
  // and quantiles the panels show are computed from samples before and after real work.
  const half = run.plan.orders / 2;
  await scraped(`sum(up{job="${SCRAPE_JOB}"}) == ${run.metricsPorts.length}`);
  await run.sendOrders(0, half, 4);
  await run.finished(60_000, half);
  await scraped(`sum(statewright_instances_finished_total) >= ${half}`);
  await run.sendOrders(half, half, 4);
  await run.finished(60_000);
  await scraped(`sum(statewright_instances_finished_total) == ${run.plan.orders}`);
}, 150_000);

afterAll(async () => {
  await Promise.allSettled([prometheus?.stop()]);
  await run?.close();
}, 60_000);

const server = (): PrometheusServer => {
  if (prometheus === undefined) throw new Error('Prometheus did not start');
  return prometheus;
};

/** Polls until the query returns at least one sample; a parse or evaluation error fails at once. */
async function dataOf(expr: string, timeoutMs = 30_000): Promise<QueryResult> {
  return eventually(
    `data for ${expr}`,
    async () => {
      const result = await server().query(expr);
      if (result.status !== 'success') throw new Error(`${expr}: ${result.error}`);
      return (result.data?.result.length ?? 0) > 0 ? result : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}

const valueOf = (result: QueryResult): number => Number(result.data?.result[0]?.value?.[1] ?? NaN);

const finiteSamples = (result: QueryResult): number =>
  (result.data?.result ?? []).filter((sample) => Number.isFinite(Number(sample.value?.[1]))).length;

/** Waits until Prometheus's latest samples satisfy a filtering expression. */
const scraped = (expr: string): Promise<QueryResult> => dataOf(expr, 60_000);

test('promtool accepts the deploy scrape config, the alert rules and the test config', async () => {
  for (const check of [checkRules(ALERTS), checkConfig(DEPLOY_CONFIG), checkConfig(server().configFile)]) {
    const result = await check;
    expect({ ok: result.ok, output: result.output }).toEqual({ ok: true, output: expect.any(String) });
  }
});

test('every dashboard panel query parses and returns data, not only NaN', async () => {
  const targets = dashboardTargets(DASHBOARD);
  expect(targets.length).toBeGreaterThanOrEqual(20);
  const empty: string[] = [];
  for (const target of targets) {
    const what = `${target.panel}/${target.refId}`;
    await dataOf(target.expr)
      .then((result) => finiteSamples(result) > 0 || empty.push(`${what}: only NaN in ${target.expr}`))
      .catch((error: Error) => empty.push(`${what}: ${error.message}`));
  }
  expect(empty).toEqual([]);
  for (const metric of variableQueries(DASHBOARD)) await dataOf(`count by (workflow) (${metric})`);
}, 120_000);

test('every alert rule is loaded, evaluates without error, and its expression parses', async () => {
  const rules = await eventually('every rule evaluated', async () => {
    const loaded = await server().rules();
    return loaded.length > 0 && loaded.every((rule) => rule.health !== 'unknown') ? loaded : undefined;
  });
  expect(rules.map((rule) => rule.name)).toEqual(
    expect.arrayContaining([
      'StatewrightInstancesStuck',
      'StatewrightConsumerLagGrowing',
      'StatewrightDeadLetters',
      'StatewrightTransactionAborts',
      'StatewrightRestoreSlow',
      'StatewrightCircuitOpenTooLong',
    ]),
  );
  for (const rule of rules) {
    expect({ rule: rule.name, health: rule.health, error: rule.lastError ?? '' }).toEqual({
      rule: rule.name,
      health: 'ok',
      error: '',
    });
    const result = await server().query(rule.query);
    expect({ rule: rule.name, status: result.status, error: result.error }).toEqual({
      rule: rule.name,
      status: 'success',
      error: undefined,
    });
  }
});

test('the load reached the metrics the dashboard is for', async () => {
  const orders = run!.plan.orders;
  await dataOf(`sum(statewright_transitions_total{workflow="order-saga", from=""}) == ${orders}`);
  await dataOf(`sum(statewright_instances_finished_total{workflow="order-saga"}) == ${orders}`);
  await dataOf('sum(statewright_active_instances{workflow="order-saga"}) == 0');
  const positive = [
    'sum(statewright_command_outcomes_total{outcome="dlq"})',
    'sum(statewright_command_outcomes_total{outcome="duplicate"})',
    'sum(statewright_timers_published_total)',
    'sum(statewright_tasks_total{outcome="retryable"})',
    'sum(statewright_tasks_total{attempt="2"})',
    'sum(statewright_state_dwell_seconds_count{state="shipping"})',
    'sum(statewright_restore_duration_seconds_count)',
    'sum(statewright_command_commit_latency_seconds_count)',
  ];
  for (const expr of positive) {
    const result = await dataOf(`${expr} > 0`);
    expect({ expr, value: valueOf(result) }).toEqual({ expr, value: expect.any(Number) });
  }
});
