// The worker process: runs the team's task handlers (`--handlers <module>` or STATEWRIGHT_HANDLERS) until
// SIGTERM or SIGINT.
import { runAsProcess } from '../platform/process/service-process';
import { HANDLERS_MODULE, moduleArgument } from '../platform/workflows/module-argument';
import { loadHandlers } from './handlers-module';
import { startWorkers } from './start-workers';

void runAsProcess('statewright worker', (signal) => {
  const path = moduleArgument(process.argv, process.env, HANDLERS_MODULE);
  return startWorkers({ handlers: (runtime) => loadHandlers(path, runtime), signal });
});
