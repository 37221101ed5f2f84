// Stops or starts one service of the running local stack (deploy/local/stack.sh stop|start), for tests of a
// broker restart or a registry outage. It acts on the stack of this environment's ports and STACK_DIR.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './infrastructure';

const run = promisify(execFile);
const stackScript = path.join(repoRoot, 'deploy', 'local', 'stack.sh');

export type StackService = 'kafka' | 'registry' | 'redis';

export async function stackService(action: 'stop' | 'start', service: StackService): Promise<void> {
  try {
    await run(stackScript, [action, service], { maxBuffer: 1 << 20, timeout: 180_000 });
  } catch (error) {
    const failure = error as { stderr?: string; code?: number };
    throw new Error(`stack.sh ${action} ${service} failed (exit ${failure.code}):\n${failure.stderr ?? ''}`, {
      cause: error,
    });
  }
}
