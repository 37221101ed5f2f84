// The gateway process: serves the HTTP API for the workflows of the definitions catalogue until SIGTERM or SIGINT.
// It runs no team code: a `--workflows` module (or STATEWRIGHT_WORKFLOWS) is ignored, with a warning.
import { runAsProcess } from '../platform/process/service-process';
import { givenModule, WORKFLOWS_MODULE } from '../platform/workflows/module-argument';
import { serveGateway } from './serve-gateway';

void runAsProcess('statewright gateway', (signal) =>
  serveGateway({ ignoredWorkflows: givenModule(process.argv, process.env, WORKFLOWS_MODULE), signal }),
);
