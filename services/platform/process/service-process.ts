// Runs one service as the process's work: starts it (with a signal that stops a start still waiting for its
// dependencies), stops it cleanly on SIGTERM or SIGINT, and turns a failed start into one line on stderr and an
// exit code (2 for a team's module that cannot serve, would change a published version or drops a version that
// still has live instances; 1 otherwise).
import { CatalogueConflictError } from '../workflows/catalogue-conflict-error';
import { UnservedVersionError } from '../workflows/unserved-version-error';
import { BAD_MODULE_EXIT_CODE, ModuleError } from '../workflows/module-error';

export interface RunningService {
  stop(): Promise<void>;
}

/** What starting any service takes besides its own part. */
export interface ServiceStart {
  /** Where the configuration is read; the process environment when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborting it gives up a start still waiting for its dependencies. */
  readonly signal?: AbortSignal;
}

/** A started service that serves /metrics, /healthz and /readyz on `metricsPort`. */
export interface RunningWithHealth extends RunningService {
  readonly metricsPort: number;
}

export async function runAsProcess(
  name: string,
  start: (stopping: AbortSignal) => Promise<RunningService>,
): Promise<void> {
  const starting = new AbortController();
  const early = () => {
    starting.abort();
    process.stderr.write(`${name} stopped before it started\n`);
    process.exit(0);
  };
  process.once('SIGTERM', early);
  process.once('SIGINT', early);
  let running: RunningService;
  try {
    running = await start(starting.signal);
  } catch (error) {
    process.stderr.write(
      `${name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(
      error instanceof ModuleError ||
        error instanceof CatalogueConflictError ||
        error instanceof UnservedVersionError
        ? BAD_MODULE_EXIT_CODE
        : 1,
    );
  }
  process.off('SIGTERM', early);
  process.off('SIGINT', early);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${name} did not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
