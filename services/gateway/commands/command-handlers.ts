// The command routes (start, signal, cancel, the admin acts and workflow settings): check what the gateway can
// check (workflow, input, event, payload) and hand the command to `submit`. Commands about an instance need its
// workflow, read from the read model.
import { randomUUID } from 'node:crypto';
import { settingsKey, type Registry, type WorkflowDefinition } from '../../core';
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
      checkPayload(definition.input, input.body.input, 'invalid-input', `input of ${name}`);
      const body = { type: 'start' as const, input: input.body.input, version: input.body.version ?? null };
      return submit(deps, submission(input, 'POST', correlationId, name, body, input.query.wait ?? 0));
    },
    signal: async (input) => {
      const { id, event } = input.params;
      const payload = input.body ?? null;
      const workflow = await workflowOf(deps, id, (definition) => {
        if (!definition.events.has(event)) throw unknownEvent(definition, event);
        const schema = definition.events.get(event);
        if (schema) checkPayload(schema, payload, 'invalid-payload', `payload of ${event}`);
      });
      return submit(
        deps,
        submission(input, 'POST', id, workflow, { type: 'signal', event, payload }, input.query.wait ?? 0),
      );
    },
    cancel: async (input) => {
      const { id } = input.params;
      const workflow = await workflowOf(deps, id, () => undefined);
      const body = { type: 'cancel' as const, reason: input.body?.reason ?? '' };
      return submit(deps, submission(input, 'POST', id, workflow, body, input.query.wait ?? 0));
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
      return submit(deps, submission(input, 'POST', settingsKey(name), name, body, 0));
    },
    retry: (input) => adminAct(deps, input, 'retry'),
    purge: (input) => adminAct(deps, input, 'purge'),
    erase: async (input) => {
      // A purged instance's log still holds its encrypted fields: it can be erased all the same.
      const { id } = input.params;
      const former = (await deps.readModel.instance(id)) === undefined ? formerWorkflow(id) : undefined;
      if (former === undefined) return adminAct(deps, input, 'erase');
      const body = { type: 'admin' as const, action: 'erase' as const };
      return submit(deps, submission(input, 'POST', id, former, body, input.query.wait ?? 0));
    },
    migrate: async (input) => {
      const { id } = input.params;
      const { targetVersion } = input.body;
      const workflow = await workflowOf(deps, id, (definition) => {
        if (deps.registry.get(definition.name, targetVersion) === undefined) {
          throw new ApiError(404, 'unknown-version', `no version ${targetVersion} of ${definition.name}`, {
            known: deps.registry.versions(definition.name),
          });
        }
      });
      const body = { type: 'admin' as const, action: 'migrate' as const, targetVersion };
      return submit(deps, submission(input, 'POST', id, workflow, body, input.query.wait ?? 0));
    },
  };
}

async function adminAct(
  deps: SubmissionDeps,
  input: RouteInput<Routes['retry' | 'purge' | 'erase']>,
  action: 'retry' | 'purge' | 'erase',
) {
  const { id } = input.params;
  const workflow = await workflowOf(deps, id, () => undefined);
  return submit(
    deps,
    submission(input, 'POST', id, workflow, { type: 'admin', action }, input.query.wait ?? 0),
  );
}

function submission(
  input: CommandInput,
  method: string,
  correlationId: string,
  workflow: string,
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

/** The workflow of a projected instance; `check` sees its definition when this gateway knows it. */
async function workflowOf(
  deps: SubmissionDeps,
  id: string,
  check: (definition: WorkflowDefinition) => void,
): Promise<string> {
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
  return instance.workflow;
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
