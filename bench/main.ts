// `make bench`: runs the benchmarks against the running stack, prints the figures and writes
// bench/results/latest.json. Sizes come from BENCH_COMMANDS, BENCH_LOADS (per second, comma
// separated) and BENCH_LOAD_SECONDS.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { endpointsFromEnv, resultsDir } from './bench-rig';
import { orchestratorBench } from './orchestrator-bench';

async function main(): Promise<void> {
  const endpoints = endpointsFromEnv();
  const commands = Number(process.env.BENCH_COMMANDS ?? 30_000);
  const loads = (process.env.BENCH_LOADS ?? '200,1000').split(',').map(Number);
  const loadSeconds = Number(process.env.BENCH_LOAD_SECONDS ?? 10);
  const { throughput, latency } = await orchestratorBench(endpoints, commands, loads, loadSeconds);
  const headline = latency[0]!;
  const result = {
    ...throughput,
    p50_ms: headline.p50_ms,
    p99_ms: headline.p99_ms,
    latency,
    machine: { cpus: os.cpus().length, node: process.version },
    at: new Date().toISOString(),
  };
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, 'latest.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${JSON.stringify(result)}\nwritten to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
