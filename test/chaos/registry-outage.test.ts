// The schema registry down in the middle of a run. The running orchestrators keep going on the schemas they
// have cached; records written with a schema they have never seen (a newer, compatible version of the command
// envelope, registered just before the outage) wait until the registry is back and are then applied, never
// dead-lettered.
import avro from 'avsc';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exampleRegistry } from '../harness/examples';
import { repoRoot } from '../harness/infrastructure';
import { endpoints } from '../harness/namespace';
import { stackService } from '../harness/stack-service';
import { toCommandEnvelope } from '../../services/platform/codec/command-envelope';
import { checkLogs } from './invariant-checker';
import type { ChaosRig } from './chaos-rig';
import { chaosScale, runChaos, type ChaosOutcome } from './chaos-run';
import { orderCommands, prng, withChaos } from './order-traffic';

const full = chaosScale() === 'full';
const SHIPPING_TIMEOUT_MS = 3_000;
const ORDERS = full ? 400 : 100;
const HELD_BACK = 10;

const seen = { keptGoing: false, waited: false };

/** The command envelope with one more optional field: what a newer producer would write. */
function newerCommandSchema(): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(path.join(repoRoot, 'schemas', 'command.avsc'), 'utf8')) as {
    fields: unknown[];
  };
  return {
    ...schema,
    fields: [...schema.fields, { name: 'origin', type: ['null', 'string'], default: null }],
  };
}

async function registerNewer(rig: ChaosRig, schema: Record<string, unknown>): Promise<number> {
  const subject = `${rig.topics.commands}-value`;
  const response = await fetch(`${endpoints().schemaRegistryUrl}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  if (!response.ok)
    throw new Error(`registering the newer schema: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

/** Sends the held-back orders' commands, framed with the newer schema's id. */
async function sendHeldBack(rig: ChaosRig, schema: Record<string, unknown>, id: number): Promise<void> {
  const type = avro.Type.forSchema(schema as avro.Schema);
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  const random = prng(99);
  const now = Date.now();
  const messages = Array.from({ length: HELD_BACK }, (_, i) => `order-${ORDERS - HELD_BACK + i}`).flatMap(
    (orderId) =>
      withChaos(orderCommands(orderId, now), random, 0.2).map((command) => ({
        key: orderId,
        value: Buffer.concat([header, type.toBuffer({ ...toCommandEnvelope(command), origin: 'newer' })]),
      })),
  );
  const producer = rig.kafka.producer({ idempotent: true });
  await producer.connect();
  try {
    await producer.send({ topic: rig.topics.commands, messages });
  } finally {
    await producer.disconnect();
  }
}

let newer: { schema: Record<string, unknown>; id: number } | undefined;

const plan = {
  label: 'registry-outage',
  orders: ORDERS,
  heldBack: HELD_BACK,
  orchestrators: 2,
  partitions: 4,
  killsAt: [],
  duplicateRate: 0.2,
  poison: 0,
  shippingTimeoutMs: SHIPPING_TIMEOUT_MS,
  seed: Number(process.env.CHAOS_SEED ?? 13),
  timeoutMs: full ? 600_000 : 240_000,
  disturbances: [
    {
      at: 0.2,
      run: async (rig: ChaosRig) => {
        const schema = newerCommandSchema();
        newer = { schema, id: await registerNewer(rig, schema) };
        await stackService('stop', 'registry');
      },
    },
    {
      // Reached while the registry is down: the orders in flight kept going on cached schemas.
      at: 0.5,
      run: async (rig: ChaosRig) => {
        seen.keptGoing = true;
        await sendHeldBack(rig, newer!.schema, newer!.id);
        const orchestrators = rig.fleet.list();
        await Promise.any(
          orchestrators.map((service) => rig.fleet.waitForLine(service, /batch input not ready: retrying/)),
        );
        seen.waited = true;
        await stackService('start', 'registry');
      },
    },
  ],
};

let outcome: ChaosOutcome;

beforeAll(async () => {
  try {
    outcome = await runChaos(plan);
  } finally {
    await stackService('start', 'registry');
  }
}, plan.timeoutMs * 2);

test('orders kept finishing while the registry was down, and records of an unseen schema waited for it', () => {
  expect(seen).toEqual({ keptGoing: true, waited: true });
});

test('every order ends as the pure fold of its commands; only signals sent before their start are dead letters', () => {
  const report = checkLogs(exampleRegistry(SHIPPING_TIMEOUT_MS), outcome.commands, outcome.records);
  expect(report.violations).toEqual([]);
  expect(report.instances.size).toBe(plan.orders);
  expect([...report.instances.values()].every((instance) => instance.status !== 'running')).toBe(true);
  expect(outcome.deadLetters).toHaveLength(report.deadLettered);
});
