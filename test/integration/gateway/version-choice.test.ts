// The gateway chooses a new instance's version with the orchestrator's rule, from the catalogue's versions and the
// settings topic: pinned to 1, a start is validated against version 1; after `statewright settings <workflow>
// --activate 2`, against version 2's input, and it runs version 2.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createRegistry, setup, type Transition } from '../../../services/core';
import { loadGatewayConfig } from '../../../services/gateway/config/gateway-config';
import { startGateway, type Gateway } from '../../../services/gateway/gateway';
import { createLogger } from '../../../services/platform/logging/logger';
import { SettingsView } from '../../../services/platform/settings/settings-view';
import { eventually } from '../../harness/eventually';
import { endpoints } from '../../harness/namespace';
import { OrchestratorFixture } from '../../harness/orchestrator-fixture';
import type { TopicTail } from '../../harness/topic-tail';
import { buildCli, statewright } from '../cli/cli-process';
import { call } from './http-call';
import type { LogRecord } from '../../../services/core';

jest.setTimeout(120_000);

const FLOW = 'membership';
const states = {
  open: { on: { close: { target: 'closed' } } },
  closed: { final: 'completed' },
} as const;
const v1 = setup({
  types: {} as { context: { name: string } },
  input: z.object({ name: z.string() }),
  events: { close: true },
  tasks: {},
}).define({ name: FLOW, version: 1, initial: 'open', context: (input) => input, states });
const v2 = setup({
  types: {} as { context: { name: string; age: number } },
  input: z.object({ name: z.string(), age: z.number().int() }),
  events: { close: true },
  tasks: {},
}).define({ name: FLOW, version: 2, initial: 'open', context: (input) => input, states });
/**
 * Both versions deployed. The rollout rule lives in the settings topic, which the gateway reads too (a rule given
 * to createRegistry in code would be the orchestrator's alone): the test pins version 1 there first.
 */
const deployed = createRegistry([v1, v2]);

let fixture: OrchestratorFixture;
let settings: SettingsView;
let transitions: TopicTail<LogRecord>;
let gateway: Gateway;
let base = '';

const start = (input: unknown, wait = 0) =>
  call(base, {
    method: 'POST',
    url: `/workflows/${FLOW}/instances${wait > 0 ? `?wait=${wait}` : ''}`,
    headers: { 'idempotency-key': randomUUID() },
    payload: { correlationId: `member-${randomUUID()}`, input },
  });

beforeAll(async () => {
  await buildCli();
  fixture = await OrchestratorFixture.create('gateway-versions', 1);
  transitions = await fixture.tailTransitions();
  settings = await SettingsView.start(
    fixture.log,
    fixture.topics.settings,
    fixture.namespace.groupId,
    fixture.logger,
  );
  await fixture.startOrchestrator(settings.registry(deployed), { settings });
  const { kafkaBrokers, schemaRegistryUrl, redisUrl } = endpoints();
  const config = loadGatewayConfig({
    KAFKA_BROKERS: kafkaBrokers,
    SCHEMA_REGISTRY_URL: schemaRegistryUrl,
    REDIS_URL: redisUrl,
    STATEWRIGHT_PREFIX: fixture.namespace.prefix,
    STATEWRIGHT_REDIS_PREFIX: fixture.namespace.redisPrefix,
    STATEWRIGHT_PROJECTION_GROUP: `${fixture.namespace.groupId}.projection`,
    GATEWAY_PORT: '0',
  });
  await fixture.publishCatalogue(deployed);
  gateway = await startGateway(config, { logger: createLogger('silent') });
  base = await gateway.listen();
});

afterAll(async () => {
  await Promise.allSettled([gateway?.close(), transitions?.stop(), settings?.stop()]);
  await fixture?.close();
});

test('after statewright settings --activate 2, a start is validated against version 2 and runs version 2', async () => {
  const pinned = await statewright(['settings', FLOW, '--pin', '1', '--gateway', base]);
  expect(pinned.code).toBe(0);
  // Until the gateway has read the pin, version 2 (the latest) refuses this input, and nothing is published.
  const before = await eventually(
    'the gateway to validate against version 1',
    async () => {
      const answer = await start({ name: 'Ada' }, 10_000);
      return answer.statusCode === 200 ? answer : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  expect(before.json().instance).toMatchObject({ version: 1 });

  const activated = await statewright(['settings', FLOW, '--activate', '2', '--gateway', base]);
  expect(activated.code).toBe(0);

  // The gateway follows the settings topic: once it has read the change, version 1's input is refused.
  const refused = await eventually(
    'the gateway to validate against version 2',
    async () => {
      const answer = await start({ name: 'Grace' });
      return answer.statusCode === 400 ? answer : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  expect(refused.json().error).toMatchObject({ code: 'invalid-input' });
  expect(refused.json().error.details).toEqual([expect.objectContaining({ path: 'age' })]);

  const after = await start({ name: 'Grace', age: 36 }, 10_000);
  expect(after.statusCode).toBe(200);
  expect(after.json().instance).toMatchObject({ version: 2, context: { name: 'Grace', age: 36 } });
  const startedAs = (await transitions.waitFor(
    'the version 2 start',
    (r) => r.correlationId === after.json().correlationId && r.kind === 'transition',
  )) as Transition;
  expect(startedAs.version).toBe(2);
});
