// The command routes (start, signal, cancel, the admin acts and workflow settings): check what the gateway can
// check (workflow, input, event, payload) and hand the command to `submit`. Commands about an instance need its
// workflow, read from the read model.
import { randomUUID } from 'node:crypto';
import { settingsKey, type Instance, type Registry, type WorkflowDefinition } from '../../core';
import { ApiError } from '../http/api-error';
import type { Handlers, RouteInput } from '../http/register-routes';
import type { Routes } from '../http/route-table';
import { requestFingerprint } from './request-fingerprint';
import { submit, type Submission, type SubmissionDeps } from './submission';

type CommandRoutes = Pick<
  Handlers,
  'start' | 'signal' | 'cancel' | 'retry' | 'purge' | 'erase' | 'migrate' | 'settings'
>;
type CommandInput = RouteInput<Routes[keyof CommandRoutes]>;

/** `formerWorkflow` names the workflow of an instance gone from the read model, for acts that still apply. */
export function commandHandlers(
  deps: SubmissionDeps,
  formerWorkflow: (id: string) => string | undefined = () => undefined,
): CommandRoutes {
  return {
    start: async (input) => {
      const { name } = input.params;
      const correlationId = input.body.correlationId ?? randomUUID();
      const definition = startDefinition(deps.registry, name, correlationId, input.body.version);
      await checkNotTaken(deps, correlationId, name);
      checkSize(deps, input.body.input, `input of ${name}`);
      checkPayload(definition.input, input.body.input, 'invalid-input', `input of ${name}`);
      const body = { type: 'start' as const, input: input.body.input, version: input.body.version ?? null };
      const target = { workflow: name, refusal: undefined };
      return submit(deps, submission(input, 'POST', correlationId, target, body, input.query.wait ?? 0));
    },
    signal: async (input) => {
      const { id, event } = input.params;
      const payload = input.body ?? null;
      checkSize(deps, payload, `payload of ${event}`);
      const target = await targetOf(deps, id, { running: true }, (definition) => {
        if (!definition.events.has(event)) throw unknownEvent(definition, event);
        const schema = definition.events.get(event);
        if (schema) checkPayload(schema, payload, 'invalid-payload', `payload of ${event}`);
      });
      return submit(
        deps,
        submission(input, 'POST', id, target, { type: 'signal', event, payload }, input.query.wait ?? 0),
      );
    },
    cancel: async (input) => {
      const { id } = input.params;
      const target = await targetOf(deps, id, { running: true });
      const body = { type: 'cancel' as const, reason: input.body?.reason ?? '' };
      return submit(deps, submission(input, 'POST', id, target, body, input.query.wait ?? 0));
    },
    settings: async (input) => {
      const { name } = input.params;
      if (!deps.registry.has(name)) {
        throw new ApiError(404, 'unknown-workflow', `no workflow ${name}`, { known: deps.registry.names() });
      }
      const body = {
        type: 'workflow-settings' as const,
        rollout: input.body.rollout,
        dedupe: input.body.dedupe,
      };
      const target = { workflow: name, refusal: undefined };
      return submit(deps, submission(input, 'POST', settingsKey(name), target, body, 0));
    },
    retry: (input) => adminAct(deps, input, 'retry'),
    purge: (input) => adminAct(deps, input, 'purge'),
    erase: async (input) => {
      // A purged instance's log still holds its encrypted fields: it can be erased all the same.
      const { id } = input.params;
      const former = (await deps.readModel.instance(id)) === undefined ? formerWorkflow(id) : undefined;
      if (former === undefined) return adminAct(deps, input, 'erase');
      const body = { type: 'admin' as const, action: 'erase' as const };
      const target = { workflow: former, refusal: undefined };
      return submit(deps, submission(input, 'POST', id, target, body, input.query.wait ?? 0));
    },
    migrate: async (input) => {
      const { id } = input.params;
      const { targetVersion } = input.body;
      const target = await targetOf(deps, id, { running: true }, (definition) => {
        if (deps.registry.get(definition.name, targetVersion) === undefined) {
          throw new ApiError(404, 'unknown-version', `no version ${targetVersion} of ${definition.name}`, {
            known: deps.registry.versions(definition.name),
          });
        }
      });
      const body = { type: 'admin' as const, action: 'migrate' as const, targetVersion };
      return submit(deps, submission(input, 'POST', id, target, body, input.query.wait ?? 0));
    },
  };
}

async function adminAct(
  deps: SubmissionDeps,
  input: RouteInput<Routes['retry' | 'purge' | 'erase']>,
  action: 'retry' | 'purge' | 'erase',
) {
  const { id } = input.params;
  const target = await targetOf(deps, id, { running: false });
  return submit(
    deps,
    submission(input, 'POST', id, target, { type: 'admin', action }, input.query.wait ?? 0),
  );
}

function submission(
  input: CommandInput,
  method: string,
  correlationId: string,
  { workflow, refusal }: Target,
  body: Submission['body'],
  waitMs: number,
): Submission {
  const key = input.headers['idempotency-key'];
  return {
    key,
    fingerprint: requestFingerprint(method, input.path, input.body),
    correlationId,
    workflow,
    actor: input.actor,
    waitMs,
    traceparent: input.headers.traceparent,
    body,
    refusal,
  };
}

function startDefinition(
  registry: Registry,
  name: string,
  correlationId: string,
  version: number | undefined,
): WorkflowDefinition {
  if (!registry.has(name)) {
    throw new ApiError(404, 'unknown-workflow', `no workflow ${name}`, { known: registry.names() });
  }
  const definition = version === undefined ? registry.pick(name, correlationId) : registry.get(name, version);
  if (definition === undefined) {
    throw new ApiError(404, 'unknown-version', `no version ${version ?? '(rollout)'} of ${name}`, {
      known: registry.versions(name),
    });
  }
  return definition;
}

/** What a command acts on: its workflow, and why a new request for it is refused (a repeated one is not). */
interface Target {
  readonly workflow: string;
  readonly refusal: ApiError | undefined;
}

/**
 * The workflow of a projected instance; with `running`, a new command for a finished instance is refused;
 * `check` sees the instance's definition when this gateway knows it.
 */
async function targetOf(
  deps: SubmissionDeps,
  id: string,
  { running }: { readonly running: boolean },
  check: (definition: WorkflowDefinition) => void = () => undefined,
): Promise<Target> {
  const instance = await deps.readModel.instance(id);
  if (instance === undefined) {
    throw new ApiError(
      404,
      'unknown-instance',
      `no instance ${id} in the read model (unknown, or its start is not projected yet)`,
    );
  }
  const definition = deps.registry.get(instance.workflow, instance.version);
  if (definition !== undefined) check(definition);
  const refusal = running && instance.status !== 'running' ? finished(instance) : undefined;
  return { workflow: instance.workflow, refusal };
}

/**
 * A finished instance takes no more signals, cancels or migrations: refused here rather than published, so a
 * client sending them cannot grow the instance's log and history.
 */
const finished = (instance: Instance) =>
  new ApiError(409, 'instance-finished', `instance ${instance.correlationId} is ${instance.status}`, {
    status: instance.status,
  });

/**
 * A correlation id names one instance across all workflows. A start under an id another workflow's instance
 * holds is refused here, without naming that workflow: the caller may not be allowed to see it.
 */
async function checkNotTaken(deps: SubmissionDeps, correlationId: string, workflow: string): Promise<void> {
  const existing = await deps.readModel.instance(correlationId);
  if (existing === undefined || existing.workflow === workflow) return;
  throw new ApiError(
    409,
    'correlation-id-taken',
    `correlation id ${correlationId} belongs to an instance of another workflow; choose another`,
  );
}

function checkSize(deps: SubmissionDeps, value: unknown, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null));
  if (bytes <= deps.maxInputBytes) return;
  throw new ApiError(
    413,
    'input-too-large',
    `${what} is ${bytes} bytes of JSON; at most ${deps.maxInputBytes}`,
    {
      bytes,
      limit: deps.maxInputBytes,
    },
  );
}

function checkPayload(schema: WorkflowDefinition['input'], value: unknown, code: string, what: string): void {
  const parsed = schema.safeParse(value);
  if (parsed.success) return;
  const issues = parsed.error.issues.map((issue) => ({
    in: 'body',
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  throw new ApiError(
    400,
    code,
    `${what} is invalid: ${first?.path ? `${first.path}: ` : ''}${first?.message}`,
    issues,
  );
}

const unknownEvent = (definition: WorkflowDefinition, event: string) =>
  new ApiError(404, 'unknown-event', `${definition.name}@${definition.version} has no event ${event}`, {
    known: [...definition.events.keys()],
  });
