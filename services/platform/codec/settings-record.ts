// A record of <prefix>.settings: the current run-time settings of one workflow (key: its name), with who set them
// by which command. Compacted: the latest record per workflow is what every orchestrator applies.
import type { ConsumedRecord, ProducedRecord } from '../kafka/records';
import { z } from 'zod';
import type { WorkflowSettings } from '../../core';

export interface SettingsRecord extends WorkflowSettings {
  readonly workflow: string;
  readonly actor: string;
  readonly commandId: string;
  readonly at: number;
}

const version = z.number().int().positive();
const wire = z.object({
  v: z.literal(1),
  workflow: z.string().min(1),
  rollout: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('latest') }),
      z.object({ kind: z.literal('pinned'), version }),
      z.object({ kind: z.literal('canary'), stable: version, canary: version, percent: z.number() }),
    ])
    .nullable(),
  dedupe: z.object({ count: z.number().int(), ageMs: z.number().int() }).nullable(),
  revision: z.number().int().min(1),
  actor: z.string(),
  commandId: z.string(),
  at: z.number().int(),
  /** Absent from records written before it existed: their own command is the only one known. */
  recent: z.array(z.string()).optional(),
});

export const settingsMessage = (record: SettingsRecord): ProducedRecord => ({
  key: record.workflow,
  value: Buffer.from(JSON.stringify({ v: 1, ...record })),
});

/** Throws on a record that is not a settings record of this format. */
export function decodeSettingsMessage(message: Pick<ConsumedRecord, 'key' | 'value'>): {
  key: string;
  value: SettingsRecord;
} {
  const parsed = wire.parse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
  const { v: _version, recent, ...record } = parsed;
  return { key: record.workflow, value: { ...record, recent: recent ?? [record.commandId] } };
}
