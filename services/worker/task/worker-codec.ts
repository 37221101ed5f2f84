// What the worker needs of a codec: task requests read, task-result commands written. EnvelopeCodec (Avro on the
// schema registry) is the one the services use; it satisfies this as it is.
import type { CommandEnvelope } from '../../platform/codec/command-envelope';
import type { TaskEnvelope } from '../../platform/codec/task-envelope';

export interface WorkerCodec {
  /** Throws a retriable StatewrightError when the record cannot be read yet (a registry out of reach). */
  decode(kind: 'task-request', bytes: Buffer | null): Promise<TaskEnvelope>;
  encode(kind: 'command', value: CommandEnvelope): Buffer;
}
