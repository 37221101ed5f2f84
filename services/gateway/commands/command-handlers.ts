// The command routes (start, signal, cancel, the admin acts and workflow settings): check what the gateway can
// check (workflow, input, event, payload) and hand the command to `submit`. Commands about an instance need its
// workflow, read from the read model.
import { randomUUID } from 'node:crypto';
import { settingsKey, type Catalogue, type DescribedDefinition, type Instance } from '../../core';
import { ApiError } from '../http/api-error';
import type { Handlers, RouteInput } from '../http/register-routes';
import type { Routes } from '../http/route-table';
import { PayloadValidator } from './payload-validator';
import { requestFingerprint } from './request-fingerprint';
import { submit, type Submission, type SubmissionDeps } from './submission';

type CommandRoutes = Pick<
  Handlers,
  'start' | 'signal' | 'cancel' | 'retry' | 'purge' | 'erase' | 'migrate' | 'settings'
>;
type CommandInput = RouteInput<Routes[keyof CommandRoutes]>;

const validator = new PayloadValidator();

/** `formerWorkflow` names the workflow of an instance gone from the read model, for acts that still apply. */
export function commandHandlers(
  deps: SubmissionDeps,
  formerWorkflow: (id: string) => string | undefined = () => undefined,
): CommandRoutes {
  return {
    start: async (input) => {
      const { name } = input.params;
      const correlationId = input.body.correlationId ?? randomUUID();
      const definition = startDefinition(deps.catalogue, name, correlationId, input.body.version);
      await checkNotTaken(deps, correlationId, name);
      checkSize(deps, input.body.input, `input of ${name}`);
      validator.check(definition.inputSchema, input.body.input, 'invalid-input', `input of ${name}`);
      const body = { type: 'start' as const, input: input.body.input, version: input.body.version ?? null };
      const target = { workflow: name, refusal: undefined };
      return submit(deps, submission(input, 'POST', correlationId, target, body, input.query.wait ?? 0));
    },
    signal: async (input) => {
      const { id, event } = input.params;
      const payload = input.body ?? null;
      checkSize(deps, payload, `payload of ${event}`);
      const target = await targetOf(deps, id, { running: true }, (definition) => {
        const described = definition.events.find((known) => known.name === event);
        if (described === undefined) throw unknownEvent(definition, event);
        if (described.payloadSchema !== null)
          validator.check(described.payloadSchema, payload, 'invalid-payload', `payload of ${event}`);
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
      if (!deps.catalogue.has(name)) throw unknownWorkflow(deps.catalogue, name);
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
        if (deps.catalogue.get(definition.name, targetVersion) === undefined) {
          throw new ApiError(404, 'unknown-version', `no version ${targetVersion} of ${definition.name}`, {
            known: deps.catalogue.versions(definition.name),
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
  catalogue: Catalogue,
  name: string,
  correlationId: string,
  version: number | undefined,
): DescribedDefinition {
  if (!catalogue.has(name)) throw unknownWorkflow(catalogue, name);
  const definition =
    version === undefined ? catalogue.pick(name, correlationId) : catalogue.get(name, version);
  if (definition === undefined) {
    throw new ApiError(404, 'unknown-version', `no version ${version ?? '(rollout)'} of ${name}`, {
      known: catalogue.versions(name),
    });
  }
  return definition;
}

/** The known workflows are those of the definitions catalogue: what the orchestrators published. */
const unknownWorkflow = (catalogue: Catalogue, name: string) => {
  const known = catalogue.names();
  return new ApiError(
    404,
    'unknown-workflow',
    `no workflow ${name}; known: ${known.length === 0 ? '(none published yet)' : known.join(', ')}`,
    { known },
  );
};

/** What a command acts on: its workflow, and why a new request for it is refused (a repeated one is not). */
interface Target {
  readonly workflow: string;
  readonly refusal: ApiError | undefined;
}

/**
 * The workflow of a projected instance; with `running`, a new command for a finished instance is refused;
 * `check` sees the instance's definition when the catalogue holds it.
 */
async function targetOf(
  deps: SubmissionDeps,
  id: string,
  { running }: { readonly running: boolean },
  check: (definition: DescribedDefinition) => void = () => undefined,
): Promise<Target> {
  const instance = await deps.readModel.instance(id);
  if (instance === undefined) {
    throw new ApiError(
      404,
      'unknown-instance',
      `no instance ${id} in the read model (unknown, or its start is not projected yet)`,
    );
  }
  const definition = deps.catalogue.get(instance.workflow, instance.version);
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

const unknownEvent = (definition: DescribedDefinition, event: string) =>
  new ApiError(404, 'unknown-event', `${definition.name}@${definition.version} has no event ${event}`, {
    known: definition.events.map((known) => known.name),
  });
