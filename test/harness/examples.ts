// The examples as the tests run them: their workflows in process, and the module the runnables load by path.
import path from 'node:path';
import { createRegistry, type Registry } from '../../services/core';
import { exampleWorkflows } from '../../examples/catalogue';
import { repoRoot } from './infrastructure';

/** The example workflows; the order saga's shipping timeout as given (30 s by default). */
export const exampleRegistry = (shippingTimeoutMs = 30_000): Registry =>
  createRegistry(exampleWorkflows({ shippingTimeoutMs }));

/** The environment that points a compiled runnable at the examples (built to dist/ by `make build`). */
export const EXAMPLE_MODULES: Readonly<Record<string, string>> = {
  STATEWRIGHT_WORKFLOWS: path.join(repoRoot, 'dist', 'examples', 'catalogue.js'),
  STATEWRIGHT_HANDLERS: path.join(repoRoot, 'dist', 'examples', 'catalogue.js'),
};
