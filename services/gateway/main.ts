// The gateway process: serves the HTTP API for the team's workflows (`--workflows <module>` or
// STATEWRIGHT_WORKFLOWS) until SIGTERM or SIGINT.
import { runAsProcess } from '../platform/process/service-process';
import { moduleArgument, WORKFLOWS_MODULE } from '../platform/workflows/module-argument';
import { loadWorkflows } from '../platform/workflows/workflows-module';
import { serveGateway } from './serve-gateway';

void runAsProcess('statewright gateway', async (signal) => {
  const workflows = await loadWorkflows(moduleArgument(process.argv, process.env, WORKFLOWS_MODULE));
  return serveGateway({ workflows, signal });
});
