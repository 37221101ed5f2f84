// A suite's teardown: every step runs, in order, even when one before it failed, so that a failed start or stop
// leaves no client or process behind to keep jest alive. The failures are thrown once all steps have run.
import { Kafka, logLevel } from 'kafkajs';
import { endpoints } from './namespace';

export async function teardown(...steps: readonly (() => unknown)[]): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} teardown steps failed`);
}

/** Deletes those of `groupIds` that exist: a suite whose start failed may not have created them all. */
export async function deleteGroups(groupIds: readonly string[]): Promise<void> {
  const admin = new Kafka({
    brokers: endpoints().kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const existing = new Set((await admin.listGroups()).groups.map((group) => group.groupId));
    const present = groupIds.filter((groupId) => existing.has(groupId));
    if (present.length > 0) await admin.deleteGroups(present);
  } finally {
    await admin.disconnect();
  }
}
