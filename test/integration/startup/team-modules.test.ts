// The statewright command runs the servers on a team's own modules: `statewright orchestrator --workflows`,
// `statewright worker --handlers`; `statewright gateway` takes its workflows from the definitions catalogue (a
// `--workflows` given to it is ignored). A module that cannot serve stops the command with exit code 2 and a
// message naming the file and the problem, before anything is published.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../harness/free-port';
import { repoRoot } from '../../harness/infrastructure';
import { testNamespace } from '../../harness/namespace';
import { ProcessFleet } from '../../harness/process-fleet';
import {
  exampleOrder,
  finishedInstance,
  fleetEnvironment,
  gatewayReady,
  removeNamespaces,
} from '../../harness/example-fleet';

jest.setTimeout(120_000);

const run = promisify(execFile);
const bin = path.join(repoRoot, 'dist', 'apps', 'statewright.js');
const catalogue = path.join(repoRoot, 'dist', 'examples', 'catalogue.js');
const ns = testNamespace('team-modules');
const workdir = mkdtempSync(path.join(os.tmpdir(), 'statewright-modules-'));
let fleet: ProcessFleet;
let gateway = '';

const env = fleetEnvironment(ns);

/** Runs the command to its end (it must end: these modules cannot serve); the environment names no module. */
async function statewright(args: readonly string[]) {
  const clean: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete clean.STATEWRIGHT_WORKFLOWS;
  delete clean.STATEWRIGHT_HANDLERS;
  return run(process.execPath, [bin, ...args], { env: clean, timeout: 60_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const teamModule = (name: string, source: string): string => {
  const file = path.join(workdir, name);
  writeFileSync(file, source);
  return file;
};

beforeAll(async () => {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  fleet = new ProcessFleet(path.join(repoRoot, 'test-results', 'integration', ns.prefix), env);
  const orchestrator = fleet.start('orchestrator', 'apps/statewright.js', {}, [
    'orchestrator',
    '--workflows',
    catalogue,
  ]);
  await fleet.waitForLine(orchestrator, /orchestrator ready/);
  fleet.start('workers', 'apps/statewright.js', {}, ['worker', '--handlers', catalogue]);
  fleet.start('gateway', 'apps/statewright.js', { GATEWAY_PORT: String(port) }, [
    'gateway',
    '--workflows',
    catalogue,
  ]);
  await gatewayReady(gateway);
});

afterAll(async () => {
  await fleet?.stopAll();
  await removeNamespaces([ns]);
  rmSync(workdir, { recursive: true, force: true });
});

test('statewright orchestrator, worker and gateway on the examples’ module run an order to its end', async () => {
  const id = `team-${ns.prefix}`;
  const started = await fetch(`${gateway}/workflows/order-saga/instances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': id },
    body: JSON.stringify({ correlationId: id, input: exampleOrder(id) }),
  });
  expect(started.status).toBeLessThan(300);
  expect((await finishedInstance(gateway, id)).status).toBe('completed');
});

test('a workflows module that exports no definitions stops the orchestrator with code 2 naming the file', async () => {
  const file = teamModule('empty.js', 'exports.other = 1;\n');
  const answer = await statewright(['orchestrator', '--workflows', file]);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toContain(file);
  expect(answer.stderr).toMatch(/exports no `workflows`/);
});

test('two definitions with the same name and version stop the orchestrator with code 2', async () => {
  const file = teamModule(
    'twice.js',
    `const { workflows } = require(${JSON.stringify(catalogue)});\nexports.workflows = [...workflows, workflows[0]];\n`,
  );
  const answer = await statewright(['orchestrator', '--workflows', file]);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toContain(file);
  expect(answer.stderr).toMatch(/order-saga@1 is registered twice/);
});

test('a handlers module whose handlers are not built with taskHandler stops the worker with code 2', async () => {
  const file = teamModule('handlers.js', "exports.handlers = { 'charge-card': async () => ({}) };\n");
  const answer = await statewright(['worker', '--handlers', file]);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toContain(file);
  expect(answer.stderr).toMatch(/handlers\['charge-card'\] is not a handler/);
});

test('no module named at all is a usage error naming the flag and the variable', async () => {
  const answer = await statewright(['orchestrator']);
  expect(answer.code).toBe(2);
  expect(answer.stderr).toMatch(/--workflows <module> or STATEWRIGHT_WORKFLOWS/);
});
