#!/usr/bin/env node
// The statewright command: the composition root where a team's code meets statewright. `orchestrator` and
// `worker` run the servers on the modules the team names, `gateway` on the definitions catalogue the orchestrators
// publish (it takes no module); every other subcommand is the operator CLI (services/cli).
import { runCli } from '../services/cli/main';
import { serveGateway } from '../services/gateway/serve-gateway';
import { startOrchestrator } from '../services/orchestrator/start-orchestrator';
import { runAsProcess } from '../services/platform/process/service-process';
import {
  givenModule,
  HANDLERS_MODULE,
  moduleArgument,
  WORKFLOWS_MODULE,
} from '../services/platform/workflows/module-argument';
import { loadWorkflows } from '../services/platform/workflows/workflows-module';
import { loadHandlers } from '../services/worker/handlers-module';
import { startWorkers } from '../services/worker/start-workers';

const argv = process.argv;
const workflows = () => loadWorkflows(moduleArgument(argv, process.env, WORKFLOWS_MODULE));

switch (argv[2]) {
  case 'orchestrator':
    void runAsProcess('statewright orchestrator', async (signal) =>
      startOrchestrator({ workflows: await workflows(), signal }),
    );
    break;
  case 'worker':
    void runAsProcess('statewright worker', (signal) => {
      const path = moduleArgument(argv, process.env, HANDLERS_MODULE);
      return startWorkers({ handlers: (runtime) => loadHandlers(path, runtime), signal });
    });
    break;
  case 'gateway':
    void runAsProcess('statewright gateway', (signal) =>
      serveGateway({ ignoredWorkflows: givenModule(argv, process.env, WORKFLOWS_MODULE), signal }),
    );
    break;
  default:
    void runCli(argv).then((code) => {
      process.exitCode = code;
    });
}
