// POST /workflows/:name/bulk/cancel and .../bulk/retry: the workflow's instances a search filter matches, at most
// `max` (a larger match is refused whole, naming its size), each get the command its single route would send. Each command id derives
// from the request's Idempotency-Key and the instance, and the matched instances are kept under the key, so the
// same request posted again publishes nothing new. Each applied command leaves its own audit record.
import { clientCommandId } from '../commands/client-command-id';
import { requestFingerprint } from '../commands/request-fingerprint';
import { submit, type Submission, type SubmissionDeps } from '../commands/submission';
import { ApiError } from '../http/api-error';
import type { Handlers, RouteInput } from '../http/register-routes';
import type { Routes } from '../http/route-table';
import type { InstanceIndex } from '../search/instance-index';
import { searchQueryOf } from '../search/search-handlers';
import { planSearch } from '../search/search-plan';
import type { BulkStore } from './bulk-store';

type BulkInput = RouteInput<Routes['bulkCancel' | 'bulkRetry']>;
type Action = 'cancel' | 'retry';

interface Result {
  readonly correlationId: string;
  readonly status: 'accepted' | 'resolved' | 'refused';
  readonly commandId: string | null;
  readonly code: string | null;
}

/** Commands published at once: enough to keep the producer busy, few enough not to crowd other requests. */
const CONCURRENCY = 8;

export function bulkHandlers(
  deps: SubmissionDeps,
  index: InstanceIndex,
  store: BulkStore,
): Pick<Handlers, 'bulkCancel' | 'bulkRetry'> {
  return {
    bulkCancel: (input) => bulk(deps, index, store, input, 'cancel'),
    bulkRetry: (input) => bulk(deps, index, store, input, 'retry'),
  };
}

async function bulk(
  deps: SubmissionDeps,
  index: InstanceIndex,
  store: BulkStore,
  input: BulkInput,
  action: Action,
) {
  if (!deps.catalogue.has(input.params.name))
    throw new ApiError(404, 'unknown-workflow', `no workflow ${input.params.name} in the catalogue`);
  const key = input.headers['idempotency-key'];
  const fingerprint = requestFingerprint('POST', input.path, input.body);
  const id = clientCommandId(input.actor, key);
  // A repeated request acts on what the first one found, even if the filter now matches more than `max`.
  const claim =
    (await store.find(id, fingerprint)) ??
    (await store.claim(id, { fingerprint, ids: await matching(index, input) }));
  if (claim.kind === 'conflict')
    throw new ApiError(409, 'idempotency-key-reused', `Idempotency-Key ${key} was used for another request`);
  const ids = claim.record.ids;
  const results: Result[] = [];
  for (let at = 0; at < ids.length; at += CONCURRENCY) {
    const batch = ids.slice(at, at + CONCURRENCY);
    results.push(...(await Promise.all(batch.map((one) => actOn(deps, input, action, one)))));
  }
  return {
    status: 200,
    body: { requestId: key, repeated: claim.kind === 'repeated', matched: ids.length, results },
  };
}

/** The ids the filter matches, oldest start first; a match larger than `max` refuses the request. */
async function matching(index: InstanceIndex, input: BulkInput): Promise<string[]> {
  const { filter, max } = input.body;
  const query = searchQueryOf({
    ...filter,
    workflow: input.params.name,
    sort: 'started',
    order: 'asc',
    limit: max,
  });
  const plan = planSearch(query.filter, query.sort, input.principal.workflows, index.keys);
  if (plan.kind === 'empty') return [];
  const page = await index.search(plan, query);
  if (page.count > max)
    throw new ApiError(
      422,
      'bulk-too-large',
      `the filter matches ${page.count} instances; a bulk request acts on at most ${max} (max)`,
      { matched: page.count, max },
    );
  return page.items.map((item) => item.correlationId);
}

async function actOn(deps: SubmissionDeps, input: BulkInput, action: Action, id: string): Promise<Result> {
  const instance = await deps.readModel.instance(id);
  if (instance === undefined) return refused(id, 'unknown-instance');
  const refusal =
    action === 'cancel' && instance.status !== 'running'
      ? new ApiError(409, 'instance-finished', `instance ${id} is ${instance.status}`)
      : undefined;
  const body =
    action === 'cancel'
      ? { type: 'cancel' as const, reason: input.body.reason ?? `bulk ${input.headers['idempotency-key']}` }
      : { type: 'admin' as const, action: 'retry' as const };
  const submission: Submission = {
    // One key per instance, derived from the request's: the command id follows from it.
    key: `${input.headers['idempotency-key']}/${id}`,
    fingerprint: requestFingerprint('POST', `/instances/${id}/${action}`, body),
    correlationId: id,
    workflow: instance.workflow,
    actor: input.actor,
    waitMs: 0,
    traceparent: input.headers.traceparent,
    body,
    refusal,
  };
  try {
    const reply = await submit(deps, submission);
    const answer = reply.body as { commandId: string };
    return {
      correlationId: id,
      status: reply.status === 200 ? 'resolved' : 'accepted',
      commandId: answer.commandId,
      code: null,
    };
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) return refused(id, error.code);
    throw error;
  }
}

const refused = (correlationId: string, code: string): Result => ({
  correlationId,
  status: 'refused',
  commandId: null,
  code,
});
