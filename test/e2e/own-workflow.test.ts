// A team's own workflow, the way a team gets one: the repository packed into a tarball, `statewright init` from
// that package, the tarball installed into the new project (nothing points back into this repository), the
// project's own tests (testing kit, no infrastructure), its build, and then its workflow live on the test stack:
// orchestrator, worker and gateway from the installed `statewright` bin on the project's compiled modules, an
// application started and approved over HTTP, read back redacted through the gateway and `statewright get`, and
// drawn by `statewright diagram`.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '../harness/eventually';
import { finishedInstance, fleetEnvironment, gatewayReady, removeNamespaces } from '../harness/example-fleet';
import { freePort } from '../harness/free-port';
import { repoRoot } from '../harness/infrastructure';
import { endpoints, testNamespace } from '../harness/namespace';
import { ProcessFleet } from '../harness/process-fleet';

const run = promisify(execFile);
const ns = testNamespace('own-workflow');
const workdir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'statewright-own-')));
const project = path.join(workdir, 'my-flow');
const installedBin = path.join(project, 'node_modules', 'statewright', 'dist', 'apps', 'statewright.js');
const WORKFLOW = 'account-onboarding';
const NPM_TIMEOUT_MS = 300_000;
let fleet: ProcessFleet | undefined;
let gateway = '';

/**
 * The environment of npm and the project's commands: this one without what the jest and npm running this test
 * set for themselves, with this Node first on PATH.
 */
function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('npm_') && !key.startsWith('JEST_') && key !== 'NODE_OPTIONS') env[key] = value;
  }
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
  return { ...env, ...extra };
}

const npm = (args: string[], cwd: string) =>
  run('npm', ['--no-audit', '--no-fund', '--no-update-notifier', ...args], {
    cwd,
    env: toolEnv(),
    timeout: NPM_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });

/** `npx statewright ...` in the project: the bin npm installed from the tarball. */
const statewright = (args: string[], env: Record<string, string> = {}) =>
  run('npx', ['--no-install', 'statewright', ...args], { cwd: project, env: toolEnv(env), timeout: 60_000 });

/** The repository as npm packs it (its prepack builds dist/), as a tarball in the work folder. */
async function packRepository(): Promise<string> {
  const into = path.join(workdir, 'pack');
  mkdirSync(into);
  await npm(['pack', '--pack-destination', into], repoRoot);
  const tarball = readdirSync(into).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack wrote no tarball into ${into}`);
  return path.join(into, tarball);
}

/**
 * `statewright init` run by the packed bin: the tarball's files, extracted, with the repository's node_modules
 * lending the packages the bin itself needs (the project gets its own from `npm install`).
 */
async function initProject(tarball: string): Promise<string> {
  const extracted = path.join(workdir, 'extracted');
  mkdirSync(extracted);
  await run('tar', ['-xzf', tarball, '-C', extracted]);
  const bin = path.join(extracted, 'package', 'dist', 'apps', 'statewright.js');
  const { stdout } = await run(process.execPath, [bin, 'init', project], {
    env: toolEnv({ NODE_PATH: path.join(repoRoot, 'node_modules') }),
  });
  return stdout;
}

/** The project's own `statewright orchestrator | worker | gateway`, as processes of the installed bin. */
async function startProjectFleet(): Promise<ProcessFleet> {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  const workflows = path.join(project, 'dist', 'workflows.js');
  const handlers = path.join(project, 'dist', 'handlers.js');
  const env = fleetEnvironment(ns, {
    STATEWRIGHT_WORKFLOWS: workflows,
    STATEWRIGHT_HANDLERS: handlers,
    GATEWAY_PORT: String(port),
  });
  const started = new ProcessFleet(path.join(repoRoot, 'test-results', 'e2e', ns.prefix), env);
  // ProcessFleet runs scripts under the repository's dist/; this one is the project's installed bin.
  const bin = path.relative(path.join(repoRoot, 'dist'), installedBin);
  const orchestrator = started.start('orchestrator', bin, {}, ['orchestrator', '--workflows', workflows]);
  await started.waitForLine(orchestrator, /orchestrator ready/);
  started.start('worker', bin, {}, ['worker', '--handlers', handlers]);
  started.start('gateway', bin, {}, ['gateway']);
  await gatewayReady(gateway);
  return started;
}

async function post(url: string, key: string, body: unknown) {
  const response = await fetch(`${gateway}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface InstanceView {
  readonly state: string;
  readonly status: string;
  readonly context: { email: string; document: { number: string }; reviewer: string | null };
}

const stateOf = async (id: string) => {
  const response = await fetch(`${gateway}/instances/${encodeURIComponent(id)}`);
  return response.status === 200 ? ((await response.json()) as InstanceView).state : undefined;
};

afterAll(async () => {
  try {
    await fleet?.stopAll();
    await removeNamespaces([ns]);
  } finally {
    rmSync(workdir, { recursive: true, force: true });
  }
}, 120_000);

test('init from the packed statewright writes a project; npm installs the tarball into it', async () => {
  const tarball = await packRepository();
  const output = await initProject(tarball);
  expect(output).toContain('created src/workflows.ts');
  await npm(['install', tarball], project);

  const manifest = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  expect(manifest.dependencies.statewright).toMatch(/^file:.*\.tgz$/);
  // The installed package is a copy of the tarball, not a link into this repository.
  const installed = realpathSync(path.join(project, 'node_modules', 'statewright'));
  expect(installed.startsWith(path.join(project, 'node_modules'))).toBe(true);
  expect(existsSync(installedBin)).toBe(true);
}, 900_000);

test("the project's own tests pass with the testing kit, without infrastructure, and it builds", async () => {
  const tested = await npm(['test'], project);
  expect(`${tested.stdout}\n${tested.stderr}`).toMatch(/Tests:\s+\d+ passed, \d+ total/);
  await npm(['run', 'build'], project);
  expect(existsSync(path.join(project, 'dist', 'workflows.js'))).toBe(true);
  expect(existsSync(path.join(project, 'dist', 'handlers.js'))).toBe(true);
}, 600_000);

test('the workflow runs on the stack: started and approved over HTTP, read redacted, drawn by the CLI', async () => {
  fleet = await startProjectFleet();
  const id = `own-${ns.prefix}`;
  const started = await post(`/workflows/${WORKFLOW}/instances`, `start-${id}`, {
    correlationId: id,
    input: {
      accountId: id,
      username: 'ada',
      email: 'ada@example.com',
      document: { kind: 'passport', number: 'P1234567' },
    },
  });
  expect(started.status).toBe(202);
  await eventually(
    'the application to wait for a reviewer',
    async () => (await stateOf(id)) === 'awaiting-approval',
    {
      timeoutMs: 60_000,
      intervalMs: 200,
    },
  );
  expect(
    (await post(`/instances/${id}/signals/approved`, `approve-${id}`, { reviewer: 'rita' })).status,
  ).toBe(202);

  const done = await finishedInstance<InstanceView>(gateway, id);
  expect(done).toMatchObject({ state: 'active', status: 'completed' });
  expect(done.context).toMatchObject({
    email: '[redacted]',
    document: { number: '[redacted]' },
    reviewer: 'rita',
  });

  const got = JSON.parse((await statewright(['get', id, '--gateway', gateway])).stdout) as InstanceView;
  expect(got).toMatchObject({ state: 'active', status: 'completed', context: { email: '[redacted]' } });
  // Drawn from the definitions catalogue the project's orchestrator published: no module named.
  const { kafkaBrokers, schemaRegistryUrl } = endpoints();
  const diagram = await statewright(['diagram', WORKFLOW], {
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    STATEWRIGHT_PREFIX: ns.prefix,
  });
  expect(diagram.stdout).toContain('stateDiagram');
  expect(diagram.stdout).toContain('awaiting_approval --> activating');
}, 300_000);
