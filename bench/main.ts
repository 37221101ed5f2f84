// `make bench`: runs the benchmarks against the running stack, prints the figures and writes them to
// bench/results/: latest.json (orchestrator against the raw loop), orchestrator-profile.json (a CPU profile of the
// orchestrator under that load, the profile itself in orchestrator.cpuprofile), worker-profile.json (the same
// for a worker process under the end-to-end flow, in worker.cpuprofile), e2e.json (whole workflows, with
// CPU per workflow over every process), search.json (the instance search index and the graph's figures at 100,000 instances),
// idle.json (memory per idle instance and restore times), encoding.json (the Kafka client's encoding of produce
// requests, kafkajs' against the adapter's), and run.json holding all of them.
// BENCH_ONLY=orchestrator,e2e,... runs some of them; sizes come from BENCH_* (see each bench). A bench or a
// level that does not finish is reported with the reason and the rest still runs; the files are written anyway.
// BENCH_COMPARE=<an earlier run.json, or one bench's file> prints each figure's ratio to the earlier one.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { distRoot, endpointsFromEnv, resultsDir, stackDir, type Endpoints } from './bench-rig';
import { e2eBench, e2eSettingsFromEnv } from './e2e-bench';
import { encodingBench, encodingSettingsFromEnv } from './encoding-bench';
import { idleBench, idleSettingsFromEnv } from './idle-bench';
import { orchestratorBench } from './orchestrator-bench';
import { orchestratorProfile } from './orchestrator-profile';
import { stackAges } from './process-cpu';
import { compareFigures, comparisonLines } from './results-compare';
import { searchBench, searchSettingsFromEnv } from './search-bench';
import { workerProfile } from './worker-profile';

const BENCHES = {
  orchestrator: 'latest.json',
  profile: 'orchestrator-profile.json',
  'worker-profile': 'worker-profile.json',
  e2e: 'e2e.json',
  search: 'search.json',
  idle: 'idle.json',
  encoding: 'encoding.json',
} as const;
type Bench = keyof typeof BENCHES;

const log = (line: string) => process.stdout.write(`${line}\n`);

function commit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: distRoot, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/** Below this age the broker's CPU per workflow is still falling (README, Benchmarks). */
const SETTLED_STACK_S = 300;

/** Seconds each process of the stack had run when the benches began. */
const stackAge = stackAges(stackDir);

const about = () => ({
  machine: { cpus: os.cpus().length, node: process.version, stack_age_s: stackAge },
  commit: commit(),
  at: new Date().toISOString(),
});

function write(name: string, result: object): void {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, name);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`\n${JSON.stringify(result)}\nwritten to ${file}`);
}

/** Sizes from BENCH_COMMANDS, BENCH_ROUNDS, BENCH_LOADS (per second, comma separated) and BENCH_LOAD_SECONDS. */
async function runOrchestratorBench(endpoints: Endpoints): Promise<object> {
  const commands = Number(process.env.BENCH_COMMANDS ?? 30_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  if (!Number.isSafeInteger(rounds) || rounds < 1) {
    throw new Error(
      `BENCH_ROUNDS takes a whole number of rounds, 1 or more, not ${process.env.BENCH_ROUNDS}`,
    );
  }
  const loads = (process.env.BENCH_LOADS ?? '200,1000').split(',').map(Number);
  const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
  const { throughput, latency } = await orchestratorBench(endpoints, commands, loads, loadSeconds, rounds);
  const headline = latency[0]!;
  return { ...throughput, p50_ms: headline.p50_ms, p99_ms: headline.p99_ms, latency };
}

const RUNS: Record<Bench, (endpoints: Endpoints) => Promise<object>> = {
  orchestrator: runOrchestratorBench,
  /** Sizes from BENCH_PROFILE_COMMANDS (BENCH_COMMANDS) and BENCH_PROFILE_TOP (15). */
  profile: (endpoints) =>
    orchestratorProfile(
      endpoints,
      Number(process.env.BENCH_PROFILE_COMMANDS ?? process.env.BENCH_COMMANDS ?? 30_000),
      Number(process.env.BENCH_PROFILE_TOP ?? 15),
    ),
  /** Sizes from BENCH_PROFILE_WORKFLOWS (5,000) and BENCH_PROFILE_TOP (15). */
  'worker-profile': (endpoints) =>
    workerProfile(
      endpoints,
      Number(process.env.BENCH_PROFILE_WORKFLOWS ?? 5_000),
      Number(process.env.BENCH_PROFILE_TOP ?? 15),
    ),
  /** Sizes from BENCH_E2E_WORKFLOWS, BENCH_E2E_CONCURRENCY, BENCH_E2E_WORKER_PROCESSES and the rest of BENCH_E2E_*. */
  e2e: async (endpoints) => {
    const settings = e2eSettingsFromEnv(process.env);
    return { levels: await e2eBench(endpoints, settings), settings };
  },
  /** Sizes from BENCH_SEARCH_INSTANCES and BENCH_SEARCH_QUERIES. */
  search: (endpoints) => searchBench(endpoints, searchSettingsFromEnv(process.env)),
  /** Sizes from BENCH_IDLE_LEVELS, BENCH_IDLE_PARTITIONS and BENCH_IDLE_LEVEL_TIMEOUT_S. */
  idle: async (endpoints) => {
    const settings = idleSettingsFromEnv(process.env);
    return { levels: await idleBench(endpoints, settings), settings };
  },
  /** Sizes from BENCH_ENCODING_REQUESTS and BENCH_ENCODING_ROUNDS; needs no stack. */
  encoding: async () => encodingBench(encodingSettingsFromEnv(process.env)),
};

function chosen(): Bench[] {
  const all = Object.keys(BENCHES) as Bench[];
  const only = process.env.BENCH_ONLY;
  if (only === undefined || only === '') return all;
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(all as string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY takes ${all.join(', ')}, not ${unknown.join(', ')}`);
  return all.filter((name) => names.includes(name));
}

/** The earlier results to compare with, read before this run overwrites any file; one bench's file is put under its name. */
function earlierResults(): { file: string; results: object } | undefined {
  const file = process.env.BENCH_COMPARE;
  if (file === undefined || file === '') return undefined;
  if (!existsSync(file)) throw new Error(`BENCH_COMPARE names ${file}, which does not exist`);
  const results = JSON.parse(readFileSync(file, 'utf8')) as object;
  const bench = (Object.keys(BENCHES) as Bench[]).find((name) => BENCHES[name] === path.basename(file));
  const isRun = (Object.keys(BENCHES) as Bench[]).some((name) => name in results);
  return { file, results: isRun || bench === undefined ? results : { [bench]: results } };
}

function printComparison(earlier: { file: string; results: object }, run: object): void {
  const comparisons = compareFigures(earlier.results, run);
  log(`\ncompared with ${earlier.file} (ratio = this run / that one):`);
  for (const line of comparisonLines(comparisons)) log(`  ${line}`);
  if (comparisons.length === 0) log('  no figure in common');
  write('compare.json', { against: earlier.file, comparisons, ...about() });
}

/** Whether an error says that trying again can help (kafkajs marks a broker's passing refusals retriable). */
const retriable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;

/**
 * Runs one bench; one that fails on a retriable error (a topic just created not yet served, on a busy broker)
 * is run once more from the start. One that still fails is reported unfinished with the reason.
 */
async function attempt(bench: Bench, endpoints: Endpoints): Promise<object> {
  for (let tries = 1; ; tries += 1) {
    try {
      return { ...(await RUNS[bench](endpoints)), ...about() };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (tries < 2 && retriable(error)) {
        log(`${bench}: ${reason} (retriable): running it again`);
        continue;
      }
      log(`${bench}: unfinished: ${reason}`);
      return { unfinished: reason, ...about() };
    }
  }
}

async function main(): Promise<void> {
  const endpoints = endpointsFromEnv();
  const benches = chosen();
  const earlier = earlierResults();
  const kafkaAge = stackAge.kafka;
  if (kafkaAge !== undefined && kafkaAge < SETTLED_STACK_S)
    log(
      `the broker started ${kafkaAge} s ago: in its first minutes of load its CPU per workflow is higher ` +
        '(README, Benchmarks); compare runs made on a loaded stack',
    );
  const run: Record<string, unknown> = {};
  for (const bench of benches) {
    const result = await attempt(bench, endpoints);
    run[bench] = result;
    write(BENCHES[bench], result);
  }
  write('run.json', { ...run, ...about() });
  if (earlier !== undefined) printComparison(earlier, run);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
