// The onboarding example served by the real services from dist (its catalogue resolves statewright/* through the
// package's own exports), driven by the command client alone: a reviewer's approval, a forged document and an
// approval that never comes.
import path from 'node:path';
import { createCommandClient, type CommandClient } from 'statewright/client';
import { eventually } from '../../harness/eventually';
import { repoRoot } from '../../harness/infrastructure';
import { freePort } from '../../harness/free-port';
import { endpoints, testNamespace } from '../../harness/namespace';
import type { ProcessFleet } from '../../harness/process-fleet';
import {
  finishedInstance,
  fleetEnvironment,
  removeNamespaces,
  startExampleFleet,
} from '../../harness/example-fleet';

const ns = testNamespace('onboarding');
const { kafkaBrokers, schemaRegistryUrl } = endpoints();
const catalogue = path.join(repoRoot, 'dist', 'examples', 'onboarding', 'catalogue.js');
const WORKFLOW = 'account-onboarding';
let gateway = '';
let fleet: ProcessFleet;
let client: CommandClient;

interface InstanceView {
  readonly status: string;
  readonly state: string;
  readonly context: { readonly reviewer: string | null; readonly outcome: string | null };
}

const application = (id: string, url = `https://docs.example.com/${id}/passport.pdf`) => ({
  accountId: id,
  applicant: { name: 'Ada', email: `${id}@example.com` },
  documents: [{ kind: 'passport', url }],
});

const instanceIn = (id: string, state: string) =>
  eventually(
    `${id} to reach ${state}`,
    async () => {
      const response = await fetch(`${gateway}/instances/${encodeURIComponent(id)}`);
      const found = response.status === 200 ? ((await response.json()) as InstanceView) : undefined;
      return found?.state === state ? found : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );

beforeAll(async () => {
  const port = await freePort();
  gateway = `http://127.0.0.1:${port}`;
  const env = fleetEnvironment(ns, {
    STATEWRIGHT_WORKFLOWS: catalogue,
    STATEWRIGHT_HANDLERS: catalogue,
    ONBOARDING_APPROVAL_TIMEOUT_MS: '3000',
    GATEWAY_PORT: String(port),
  });
  fleet = await startExampleFleet('integration', ns, gateway, env);
  client = await createCommandClient({
    actor: 'onboarding-desk',
    brokers: kafkaBrokers.split(','),
    registryUrl: schemaRegistryUrl,
    topicPrefix: ns.prefix,
    env: {},
  });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await fleet?.stopAll();
  await removeNamespaces([ns]);
});

test('checked documents and a reviewer’s approval activate the account', async () => {
  await client.start(WORKFLOW, 'acc-1', application('acc-1'), { idempotencyKey: 'apply-acc-1' });
  await instanceIn('acc-1', 'awaiting-approval');
  await client.signal(
    WORKFLOW,
    'acc-1',
    'approved',
    { reviewer: 'grace' },
    { idempotencyKey: 'approve-acc-1' },
  );
  expect(await finishedInstance<InstanceView>(gateway, 'acc-1')).toMatchObject({
    status: 'completed',
    state: 'active',
    context: { reviewer: 'grace' },
  });
});

test('a document still being processed is retried until it passes', async () => {
  const pending = application('acc-2', 'https://docs.example.com/acc-2/pending.pdf');
  await client.start(WORKFLOW, 'acc-2', pending, { idempotencyKey: 'apply-acc-2' });
  await instanceIn('acc-2', 'awaiting-approval');
});

test('a forged document closes the provisional account', async () => {
  const forged = application('acc-3', 'https://docs.example.com/acc-3/forged.pdf');
  await client.start(WORKFLOW, 'acc-3', forged, { idempotencyKey: 'apply-acc-3' });
  expect(await finishedInstance<InstanceView>(gateway, 'acc-3')).toMatchObject({
    status: 'compensated',
    state: 'declined',
  });
});

test('no decision before the deadline: the application expires and the account is closed', async () => {
  await client.start(WORKFLOW, 'acc-4', application('acc-4'), { idempotencyKey: 'apply-acc-4' });
  expect(await finishedInstance<InstanceView>(gateway, 'acc-4')).toMatchObject({
    status: 'timed_out',
    state: 'expired',
    context: { outcome: 'no decision before the deadline' },
  });
});
