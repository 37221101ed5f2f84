// One command request under an Idempotency-Key: claim the key, seal (encrypt its sensitive fields) and publish
// once, then answer from what is known — 202 with the commandId, or 200 with the outcome when the projection has
// seen it (within `wait`). The key stands for the plaintext request, so a retry matches however it was sealed.
// Keys belong to their caller: the command id is derived from the caller and the key (`clientCommandId`), and
// an outcome is only ever read for the instance the request named.
import {
  correlationId as toCorrelationId,
  commandId as toCommandId,
  type Command,
  type CommandEnvelope,
  type Catalogue,
} from '../../core';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import type { GatewayEncryption } from '../encryption/gateway-encryption';
import { ApiError } from '../http/api-error';
import type { Reply } from '../http/register-routes';
import { instanceView } from '../instances/instance-view';
import { sensitivityOf } from '../instances/sensitivity';
import type { OutcomeWaiter } from '../outcome/outcome-waiter';
import type { WaiterLimit } from '../outcome/waiter-limit';
import type { CommandOutcome } from '../projection/command-outcome';
import type { ReadModel } from '../projection/read-model';
import { clientCommandId } from './client-command-id';
import type { CommandLog } from '../../platform/kafka/command-log';
import { PublishError } from './publish-error';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-store';
import { publishTraced } from './publish-span';

export interface SubmissionDeps {
  /** The workflows the definitions catalogue holds, versions chosen by the settings topic. */
  readonly catalogue: Catalogue;
  readonly idempotency: IdempotencyStore;
  readonly publisher: CommandLog;
  readonly readModel: ReadModel;
  readonly waiter: OutcomeWaiter;
  readonly waiters: WaiterLimit;
  /** The largest start input or signal payload, as JSON bytes. */
  readonly maxInputBytes: number;
  readonly clock: () => number;
  readonly metrics: GatewayMetrics;
  readonly encryption: GatewayEncryption;
}

export interface Submission {
  readonly key: string;
  readonly fingerprint: string;
  readonly correlationId: string;
  readonly workflow: string;
  readonly actor: string;
  readonly waitMs: number;
  readonly traceparent: string | undefined;
  /** Why a new request is refused; a repeated one (a key already claimed) is answered as before all the same. */
  readonly refusal?: ApiError;
  /** The type-specific part of the command, in plaintext: it is sealed only once the key is claimed. */
  readonly body: DistributiveOmit<Command, keyof CommandEnvelope>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export async function submit(deps: SubmissionDeps, submission: Submission): Promise<Reply> {
  // A waiting slot is taken before anything is published: a refused request changed nothing.
  const release = submission.waitMs > 0 ? deps.waiters.acquire(submission.actor) : undefined;
  try {
    return await submitClaimed(deps, submission);
  } finally {
    release?.();
  }
}

async function submitClaimed(deps: SubmissionDeps, submission: Submission): Promise<Reply> {
  const id = clientCommandId(submission.actor, submission.key);
  const record: IdempotencyRecord = {
    fingerprint: submission.fingerprint,
    commandId: id,
    correlationId: submission.correlationId,
    workflow: submission.workflow,
    state: 'pending',
    createdAt: deps.clock(),
  };
  if (submission.refusal !== undefined && (await deps.idempotency.get(id)) === undefined) {
    throw submission.refusal;
  }
  const claim = await deps.idempotency.claim(id, record);
  if (claim.kind === 'conflict') {
    deps.metrics.idempotencyConflicts.inc({ reason: 'key-reused' });
    throw reused(submission.key);
  }
  if (claim.kind === 'replay' && claim.record.state === 'pending') {
    deps.metrics.idempotencyConflicts.inc({ reason: 'key-in-progress' });
    throw inProgress(submission.key);
  }
  if (claim.kind === 'claimed') await publish(deps, submission, record);
  else deps.metrics.idempotentReplays.inc();
  const active = claim.kind === 'claimed' ? record : claim.record;
  const outcome =
    submission.waitMs > 0
      ? await deps.waiter.wait(active.correlationId, active.commandId, submission.waitMs)
      : await deps.readModel.outcome(active.correlationId, active.commandId);
  return answer(deps, active, outcome);
}

async function publish(
  deps: SubmissionDeps,
  submission: Submission,
  record: IdempotencyRecord,
): Promise<void> {
  const command = {
    ...submission.body,
    commandId: toCommandId(record.commandId),
    correlationId: toCorrelationId(submission.correlationId),
    workflow: submission.workflow,
    actor: submission.actor,
    timestamp: record.createdAt,
    expectedSeq: null,
    sourceSeq: null,
  } as Command;
  try {
    // Sealing may wait for a new instance's key; a refusal gives the claim back like a failed publish.
    const sealed = await deps.encryption.sealer.seal(command);
    await publishTraced(sealed, submission.traceparent, (headers) =>
      deps.publisher.publish(sealed, headers).catch((error: unknown) => {
        throw new PublishError(sealed.commandId, error);
      }),
    );
  } catch (error) {
    await deps.idempotency.release(record.commandId, submission.fingerprint);
    throw error;
  }
  deps.metrics.commandsPublished.inc({ type: command.type });
  await deps.idempotency.markPublished(record.commandId, record);
}

async function answer(
  deps: SubmissionDeps,
  record: IdempotencyRecord,
  outcome: CommandOutcome | undefined,
): Promise<Reply> {
  const ids = { commandId: record.commandId, correlationId: record.correlationId, workflow: record.workflow };
  if (outcome === undefined) return { status: 202, body: { status: 'accepted', ...ids } };
  const found = await deps.readModel.instance(record.correlationId);
  // The answer shows only an instance of the workflow the caller was admitted for.
  const instance = found?.workflow === record.workflow ? found : undefined;
  const view =
    instance === undefined
      ? null
      : instanceView(
          instance,
          sensitivityOf(deps.catalogue, instance.workflow, instance.version),
          deps.encryption.erasure(record.correlationId),
        );
  return { status: 200, body: { status: 'resolved', ...ids, outcome: outcome.outcome, instance: view } };
}

const reused = (key: string) =>
  new ApiError(
    409,
    'idempotency-key-reused',
    `Idempotency-Key ${key} was already used for a different request (method, path or body differ); use a new key`,
    { idempotencyKey: key },
  );

const inProgress = (key: string) =>
  new ApiError(
    409,
    'idempotency-key-in-progress',
    `a request with Idempotency-Key ${key} is still being published; retry shortly`,
    { idempotencyKey: key },
    true,
  );
