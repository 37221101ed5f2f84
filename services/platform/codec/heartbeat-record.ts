// A record of <prefix>.health: one worker's heartbeat for one task type (key `<taskType>/<worker>`), compacted so
// the latest beat per worker and type is what an orchestrator reads. A tombstone says the worker stopped.
import { z } from 'zod';
import type { ConsumedRecord, ProducedRecord } from '../kafka/records';

export interface Heartbeat {
  readonly taskType: string;
  readonly worker: string;
  /** Handlers of this type the worker may run at once. */
  readonly capacity: number;
  /** Handlers of this type running now. */
  readonly inFlight: number;
  /** When the worker sent it, epoch ms by its clock. */
  readonly at: number;
}

const wire = z.object({
  v: z.literal(1),
  taskType: z.string().min(1),
  worker: z.string().min(1),
  capacity: z.number().int().nonnegative(),
  inFlight: z.number().int().nonnegative(),
  at: z.number().int(),
});

export const heartbeatKey = (taskType: string, worker: string): string => `${taskType}/${worker}`;

export const heartbeatMessage = (beat: Heartbeat): ProducedRecord => ({
  key: heartbeatKey(beat.taskType, beat.worker),
  value: Buffer.from(JSON.stringify({ v: 1, ...beat })),
});

/** The worker said goodbye: its capacity is gone at once, without waiting for its beats to go stale. */
export const farewellMessage = (taskType: string, worker: string): ProducedRecord => ({
  key: heartbeatKey(taskType, worker),
  value: null,
});

/** Null for a tombstone; throws on a record that is not a heartbeat of this format. */
export function decodeHeartbeat(message: Pick<ConsumedRecord, 'key' | 'value'>): {
  readonly key: string;
  readonly value: Heartbeat | null;
} {
  const key = message.key?.toString() ?? '';
  if (message.value === null) return { key, value: null };
  const { v: _v, ...beat } = wire.parse(JSON.parse(message.value.toString()));
  return { key, value: beat };
}
