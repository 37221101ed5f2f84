// A connected kafkajs client of the services is quiet when idle: no 1 ms timer re-armed forever on each
// connection, and no TimeoutNegativeWarning on Node 24. Each case runs in a child process of its own (the fix
// is process-wide); the plain client is run too, so the test shows the fix is what makes the difference.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../harness/infrastructure';
import { endpoints } from '../../harness/namespace';

const run = promisify(execFile);

/** Connects an admin and a producer, then counts the ≤ 1 ms timers kafkajs arms over half a second of idling. */
const script = (withFix: boolean) => `
const { Kafka, logLevel } = require('kafkajs');
const settings = { clientId: 'idle-check', brokers: process.env.KAFKA_BROKERS.split(',') };
const quiet = { child: () => quiet, error() {}, warn() {}, info() {}, debug() {} };
const kafka = ${withFix}
  ? require(${JSON.stringify(path.join(repoRoot, 'dist/services/platform/kafka/kafka-client.js'))}).createKafka(settings, quiet)
  : new Kafka({ ...settings, logLevel: logLevel.NOTHING });
(async () => {
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: false });
  await admin.connect();
  await producer.connect();
  await admin.fetchTopicMetadata({ topics: [] });
  let armed = 0;
  const setTimeoutOf = global.setTimeout;
  global.setTimeout = (fn, ms, ...rest) => {
    if (new Error().stack.includes('requestQueue') && !(ms > 1)) armed += 1;
    return setTimeoutOf(fn, ms, ...rest);
  };
  await new Promise((resolve) => setTimeoutOf(resolve, 500));
  global.setTimeout = setTimeoutOf;
  await producer.disconnect();
  await admin.disconnect();
  process.stdout.write(JSON.stringify({ armed }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

async function idle(withFix: boolean): Promise<{ armed: number; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, ['-e', script(withFix)], {
    env: { ...process.env, KAFKA_BROKERS: endpoints().kafkaBrokers },
    timeout: 60_000,
  });
  return { ...(JSON.parse(stdout) as { armed: number }), stderr };
}

test('the plain kafkajs client re-arms 1 ms timers while idle and warns on Node 24', async () => {
  const plain = await idle(false);
  expect(plain.armed).toBeGreaterThan(50);
  if (Number(process.versions.node.split('.')[0]) >= 24)
    expect(plain.stderr).toContain('TimeoutNegativeWarning');
});

test("the services' kafkajs client arms no idle timer and prints no warning", async () => {
  const fixed = await idle(true);
  expect(fixed.armed).toBe(0);
  expect(fixed.stderr).not.toContain('TimeoutNegativeWarning');
});
