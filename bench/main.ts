// `make bench`: runs the benchmarks against the running stack, prints the figures and writes
// bench/results/latest.json (orchestrator against the raw loop) and bench/results/e2e.json (whole workflows).
// and bench/results/search.json (the instance search index and the graph's figures at 100,000 instances).
// BENCH_ONLY=orchestrator, e2e or search runs one of them; sizes come from BENCH_* (see each bench).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endpointsFromEnv, resultsDir, type Endpoints } from './bench-rig';
import { e2eBench, e2eSettingsFromEnv } from './e2e-bench';
import { orchestratorBench } from './orchestrator-bench';
import { searchBench, searchSettingsFromEnv } from './search-bench';

const machine = () => ({ cpus: os.cpus().length, node: process.version });

function write(name: string, result: object): void {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, name);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${JSON.stringify(result)}\nwritten to ${file}\n`);
}

/** Sizes from BENCH_COMMANDS, BENCH_LOADS (per second, comma separated) and BENCH_LOAD_SECONDS. */
async function runOrchestratorBench(endpoints: Endpoints): Promise<void> {
  const commands = Number(process.env.BENCH_COMMANDS ?? 30_000);
  const loads = (process.env.BENCH_LOADS ?? '200,1000').split(',').map(Number);
  const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
  const { throughput, latency } = await orchestratorBench(endpoints, commands, loads, loadSeconds);
  const headline = latency[0]!;
  write('latest.json', {
    ...throughput,
    p50_ms: headline.p50_ms,
    p99_ms: headline.p99_ms,
    latency,
    machine: machine(),
    at: new Date().toISOString(),
  });
}

/** Sizes from BENCH_E2E_WORKFLOWS, BENCH_E2E_CONCURRENCY, BENCH_E2E_WORKER_PROCESSES and the rest of BENCH_E2E_*. */
async function runE2eBench(endpoints: Endpoints): Promise<void> {
  const settings = e2eSettingsFromEnv(process.env);
  const levels = await e2eBench(endpoints, settings);
  write('e2e.json', { levels, settings, machine: machine(), at: new Date().toISOString() });
}

/** Sizes from BENCH_SEARCH_INSTANCES, BENCH_SEARCH_QUERIES and BENCH_FIGURES_TRANSITIONS. */
async function runSearchBench(endpoints: Endpoints): Promise<void> {
  const result = await searchBench(endpoints, searchSettingsFromEnv(process.env));
  write('search.json', { ...result, machine: machine(), at: new Date().toISOString() });
}

const BENCHES = ['orchestrator', 'e2e', 'search'] as const;

async function main(): Promise<void> {
  const endpoints = endpointsFromEnv();
  const only = process.env.BENCH_ONLY;
  if (only !== undefined && !(BENCHES as readonly string[]).includes(only)) {
    throw new Error(`BENCH_ONLY must be one of ${BENCHES.join(', ')}, not ${only}`);
  }
  if (only === undefined || only === 'orchestrator') await runOrchestratorBench(endpoints);
  if (only === undefined || only === 'e2e') await runE2eBench(endpoints);
  if (only === undefined || only === 'search') await runSearchBench(endpoints);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
