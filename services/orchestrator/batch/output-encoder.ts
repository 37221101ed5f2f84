// Encodes what a batch produces into Avro envelope bytes, synchronously, so the batch decision stays a plain function.
import type { Command, LogRecord, TaskRequest } from '../../core';
import { toCommandEnvelope } from '../../platform/codec/command-envelope';
import type { ChangelogRecord } from '../../platform/codec/transition-envelope';
import type { AuditEnvelope } from '../../platform/codec/audit-envelope';
import type { DeadLetterEnvelope } from '../../platform/codec/dead-letter-envelope';
import type { EnvelopeCodec } from '../../platform/codec/envelope-codec';
import { toTaskEnvelope } from '../../platform/codec/task-envelope';
import { toTransitionEnvelope } from '../../platform/codec/transition-envelope';

export interface OutputEncoder {
  record(record: ChangelogRecord): Buffer;
  task(task: TaskRequest): Buffer;
  deadLetter(letter: DeadLetterEnvelope): Buffer;
  audit(entry: AuditEnvelope): Buffer;
  /** A command the batch writes to the commands topic (a circuit trip for the other partitions). */
  command(command: Command): Buffer;
}

export const avroOutputEncoder = (codec: EnvelopeCodec): OutputEncoder => ({
  record: (record) => codec.encode('transition', toTransitionEnvelope(record)),
  task: (task) => codec.encode('task-request', toTaskEnvelope(task)),
  deadLetter: (letter) => codec.encode('dead-letter', letter),
  audit: (entry) => codec.encode('audit', entry),
  command: (command) => codec.encode('command', toCommandEnvelope(command)),
});

/** Passes records and task requests through `seal` (encryption of sensitive leaves) before encoding them. */
export const sealingEncoder = (
  encoder: OutputEncoder,
  seal: <T extends LogRecord | TaskRequest>(value: T) => T,
): OutputEncoder => ({
  ...encoder,
  // Health records hold no instance data: nothing of theirs is sensitive.
  record: (record) => encoder.record(record.kind === 'health' ? record : seal(record)),
  task: (task) => encoder.task(seal(task)),
});
