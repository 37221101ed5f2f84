// A CPU profile of a worker process under the end-to-end bench's flow: one level of whole workflows (one worker
// process, 200 in flight) on a fresh deployment whose processes run under --cpu-prof, apart from the measured
// levels so the profiler's cost stays out of their figures. The worker's profile is copied to
// bench/results/worker.cpuprofile (open it in Chrome DevTools or VS Code) and summed by function.
import path from 'node:path';
import { resultsDir, type Endpoints } from './bench-rig';
import { keepProfile, type KeptProfile } from './cpu-profile';
import { e2eBench, e2eSettingsFromEnv } from './e2e-bench';

export interface WorkerProfileFigures extends KeptProfile {
  /** Workflows per second of the profiled level: the profiler's cost included, so not comparable to e2e.json. */
  readonly profiled_workflows_per_s: number;
  readonly concurrency: number;
  readonly workflows: number;
}

const PROFILE_NAME = 'worker.cpuprofile';
const CONCURRENCY = 200;

export async function workerProfile(
  endpoints: Endpoints,
  workflows: number,
  top: number,
): Promise<WorkerProfileFigures> {
  const profileDir = path.join(resultsDir, 'logs', `bench-worker-profile-${Date.now()}`);
  const settings = {
    ...e2eSettingsFromEnv({}),
    workflows,
    concurrency: [CONCURRENCY],
    workerProcesses: [1],
    profileDir,
  };
  const [level] = await e2eBench(endpoints, settings);
  if (level === undefined || 'unfinished' in level)
    throw new Error(`the profiled level did not finish: ${level?.unfinished ?? 'no level ran'}`);
  // The deployment has stopped: each process wrote its profile as it exited.
  const kept = keepProfile(
    path.join(profileDir, 'w1', 'worker-0.cpuprofile'),
    PROFILE_NAME,
    top,
    `worker profile (${level.workflows_per_s} workflows/s under the profiler)`,
  );
  return {
    profiled_workflows_per_s: level.workflows_per_s,
    concurrency: CONCURRENCY,
    workflows: level.workflows,
    ...kept,
  };
}
