// The orchestrator process: serves the team's workflows (`--workflows <module>` or STATEWRIGHT_WORKFLOWS) until
// SIGTERM or SIGINT.
import { runAsProcess } from '../platform/process/service-process';
import { moduleArgument, WORKFLOWS_MODULE } from '../platform/workflows/module-argument';
import { loadWorkflows } from '../platform/workflows/workflows-module';
import { startOrchestrator } from './start-orchestrator';

void runAsProcess('statewright orchestrator', async (signal) => {
  const workflows = await loadWorkflows(moduleArgument(process.argv, process.env, WORKFLOWS_MODULE));
  return startOrchestrator({ workflows, signal });
});
