// The command routes and `submit` against in-memory ports: what is published, what is answered, what is refused.
// The idempotency store, publisher, read model and waiter are fakes of our own ports; WaiterLimit, the metrics and
// the pass-through encryption are the real ones.
import { z } from 'zod';
import {
  catalogueOf,
  createRegistry,
  describeDefinition,
  EMPTY_ENVIRONMENT,
  setup,
  type Command,
  type Instance,
  type Outcome,
} from '../../core';
import { NO_ENCRYPTION } from '../encryption/gateway-encryption';
import { ANONYMOUS } from '../auth/principal';
import { ApiError } from '../http/api-error';
import type { RouteInput } from '../http/register-routes';
import type { Routes } from '../http/route-table';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import type { OutcomeWaiter } from '../outcome/outcome-waiter';
import { WaiterLimit } from '../outcome/waiter-limit';
import type { CommandOutcome } from '../projection/command-outcome';
import type { ReadModel } from '../projection/read-model';
import { clientCommandId } from './client-command-id';
import { commandHandlers } from './command-handlers';
import type { CommandLog } from '../../platform/kafka/command-log';
import type { Claim, IdempotencyRecord, IdempotencyStore } from './idempotency-store';
import { requestFingerprint } from './request-fingerprint';
import { submit, type Submission, type SubmissionDeps } from './submission';
import { decideRaw } from '../../../test/harness/decide-raw';

const signup = setup({
  types: {} as { context: { email: string; plan: string; confirmed: boolean } },
  input: z.object({ email: z.string().min(3), plan: z.enum(['free', 'pro']) }),
  events: { confirm: z.object({ code: z.string().length(6) }), nudge: true },
  tasks: {},
}).define({
  name: 'signup',
  version: 1,
  initial: 'pending',
  context: (input) => ({ ...input, confirmed: false }),
  sensitive: ['email'],
  cancel: 'cancelled',
  states: {
    pending: { on: { confirm: { target: 'active' }, nudge: {} } },
    active: { final: 'completed' },
    cancelled: { final: 'cancelled' },
  },
});

const billing = setup({
  types: {} as { context: { account: string } },
  input: z.object({ account: z.string() }),
  events: {},
  tasks: {},
}).define({
  name: 'billing',
  version: 1,
  initial: 'open',
  context: (input) => input,
  states: { open: {} },
});

const registry = createRegistry([signup, billing]);
const catalogue = catalogueOf([signup, billing].map(describeDefinition));
const NOW = 1_700_000_000_000;

/** The Redis store's claim semantics: the first claim wins; the same fingerprint replays, another conflicts. */
class MemoryIdempotency {
  readonly records = new Map<string, IdempotencyRecord>();

  async claim(key: string, record: IdempotencyRecord): Promise<Claim> {
    const existing = this.records.get(key);
    if (existing === undefined) {
      this.records.set(key, record);
      return { kind: 'claimed' };
    }
    return existing.fingerprint === record.fingerprint
      ? { kind: 'replay', record: existing }
      : { kind: 'conflict', record: existing };
  }

  async markPublished(key: string, record: IdempotencyRecord): Promise<void> {
    this.records.set(key, { ...record, state: 'published' });
  }

  async release(key: string, fingerprint: string): Promise<void> {
    const existing = this.records.get(key);
    if (existing?.fingerprint === fingerprint && existing.state === 'pending') this.records.delete(key);
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    return this.records.get(key);
  }
}

class RecordingPublisher {
  readonly published: { command: Command; headers: Readonly<Record<string, string>> }[] = [];
  failures = 0;

  async publish(command: Command, headers: Readonly<Record<string, string>> = {}): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('broker unavailable');
    }
    this.published.push({ command, headers });
  }

  get commands(): Command[] {
    return this.published.map((entry) => entry.command);
  }
}

class MemoryReadModel {
  readonly instances = new Map<string, Instance>();
  readonly outcomes = new Map<string, CommandOutcome>();

  async instance(correlationId: string): Promise<Instance | undefined> {
    return this.instances.get(correlationId);
  }

  async outcome(correlationId: string, commandId: string): Promise<CommandOutcome | undefined> {
    return this.outcomes.get(`${correlationId}\n${commandId}`);
  }

  project(instance: Instance): void {
    this.instances.set(instance.correlationId, instance);
  }

  resolve(correlationId: string, commandId: string, outcome: Outcome, seq: number): void {
    this.outcomes.set(`${correlationId}\n${commandId}`, { commandId, correlationId, outcome, seq, at: NOW });
  }
}

/** Answers from the read model at once, or, while `held`, only once the test lets the waits go. */
class ReadModelWaiter {
  readonly waits: { correlationId: string; commandId: string; ms: number }[] = [];
  private held: (() => void)[] | undefined;

  constructor(private readonly readModel: MemoryReadModel) {}

  hold(): void {
    this.held = [];
  }

  letGo(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const go of held) go();
  }

  async wait(correlationId: string, commandId: string, ms: number): Promise<CommandOutcome | undefined> {
    this.waits.push({ correlationId, commandId, ms });
    const held = this.held;
    if (held !== undefined) await new Promise<void>((resolve) => held.push(resolve));
    return this.readModel.outcome(correlationId, commandId);
  }
}

interface World {
  readonly deps: SubmissionDeps;
  readonly idempotency: MemoryIdempotency;
  readonly publisher: RecordingPublisher;
  readonly readModel: MemoryReadModel;
  readonly waiter: ReadModelWaiter;
  readonly handlers: ReturnType<typeof commandHandlers>;
}

function world(options: { maxInputBytes?: number; perCaller?: number } = {}): World {
  const idempotency = new MemoryIdempotency();
  const publisher = new RecordingPublisher();
  const readModel = new MemoryReadModel();
  const waiter = new ReadModelWaiter(readModel);
  const deps: SubmissionDeps = {
    catalogue,
    idempotency: idempotency as unknown as IdempotencyStore,
    publisher: publisher as unknown as CommandLog,
    readModel: readModel as unknown as ReadModel,
    waiter: waiter as unknown as OutcomeWaiter,
    waiters: new WaiterLimit({ total: 100, perCaller: options.perCaller ?? 4 }),
    maxInputBytes: options.maxInputBytes ?? 10_000,
    clock: () => NOW,
    metrics: new GatewayMetrics(),
    encryption: NO_ENCRYPTION,
  };
  return { deps, idempotency, publisher, readModel, waiter, handlers: commandHandlers(deps) };
}

/** An instance as the projection would hold it: the commands folded through the core. */
function instanceOf(...commands: Record<string, unknown>[]): Instance {
  let instance: Instance | undefined;
  for (const command of commands) {
    const step = decideRaw(registry, instance, command, NOW, EMPTY_ENVIRONMENT);
    if (step.decision.kind !== 'applied') throw new Error(`fixture command ${step.decision.kind}`);
    instance = step.instance;
  }
  if (instance === undefined) throw new Error('fixture left no instance');
  return instance;
}

let counter = 0;
const core = (id: string, workflow: string, type: string, extra: Record<string, unknown>) => ({
  commandId: `fixture-${++counter}`,
  correlationId: id,
  workflow,
  actor: 'fixture',
  timestamp: NOW,
  type,
  ...extra,
});
const signupOf = (id: string, ...more: Record<string, unknown>[]) =>
  instanceOf(core(id, 'signup', 'start', { input: { email: 'ada@example.com', plan: 'pro' } }), ...more);
const finishedSignup = (id: string) =>
  signupOf(id, core(id, 'signup', 'signal', { event: 'confirm', payload: { code: '123456' } }));

interface Request<B> {
  readonly key: string;
  readonly body: B;
  readonly actor?: string;
  readonly wait?: number;
  readonly traceparent?: string;
}

function routeInput<R extends keyof Routes>(
  path: string,
  params: RouteInput<Routes[R]>['params'],
  request: Request<RouteInput<Routes[R]>['body']>,
): RouteInput<Routes[R]> {
  const actor = request.actor ?? 'alice';
  return {
    params,
    query: request.wait === undefined ? {} : { wait: request.wait },
    headers: {
      'idempotency-key': request.key,
      'x-actor': actor,
      ...(request.traceparent === undefined ? {} : { traceparent: request.traceparent }),
    },
    body: request.body,
    path,
    principal: ANONYMOUS,
    actor,
  } as RouteInput<Routes[R]>;
}

type StartBody = RouteInput<Routes['start']>['body'];
const startInput = (name: string, request: Request<StartBody>) =>
  routeInput<'start'>(`/workflows/${name}/instances`, { name }, request);
const signalInput = (id: string, event: string, request: Request<unknown>) =>
  routeInput<'signal'>(`/instances/${id}/signals/${event}`, { id, event }, request as Request<never>);
const cancelInput = (id: string, request: Request<{ reason?: string } | undefined>) =>
  routeInput<'cancel'>(`/instances/${id}/cancel`, { id }, request);

const ADA = { email: 'ada@example.com', plan: 'pro' };

async function refusal(reply: Promise<unknown>): Promise<ApiError> {
  try {
    await reply;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('the request was not refused');
}

describe('start', () => {
  it('publishes one command whose id is derived from the caller and its key, and answers 202', async () => {
    const { handlers, publisher } = world();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const reply = await handlers.start(
      startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: ADA }, traceparent }),
    );

    const commandId = clientCommandId('alice', 'k-1');
    expect(reply).toEqual({
      status: 202,
      body: { status: 'accepted', commandId, correlationId: 's-1', workflow: 'signup' },
    });
    expect(publisher.published).toEqual([
      {
        command: {
          type: 'start',
          input: ADA,
          version: null,
          commandId,
          correlationId: 's-1',
          workflow: 'signup',
          actor: 'alice',
          timestamp: NOW,
          expectedSeq: null,
          sourceSeq: null,
        },
        headers: { traceparent },
      },
    ]);
  });

  it('the same request again publishes nothing more and answers the same', async () => {
    const { handlers, publisher, deps } = world();
    const request = startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: ADA } });
    const first = await handlers.start(request);
    const second = await handlers.start(
      startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: ADA } }),
    );

    expect(second).toEqual(first);
    expect(publisher.published).toHaveLength(1);
    expect((await deps.metrics.idempotentReplays.get()).values[0]?.value).toBe(1);
  });

  it('the same key with another body is refused with 409 idempotency-key-reused and publishes nothing', async () => {
    const { handlers, publisher } = world();
    await handlers.start(startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: ADA } }));
    const refused = await refusal(
      handlers.start(
        startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: { ...ADA, plan: 'free' } } }),
      ),
    );

    expect(refused).toMatchObject({
      status: 409,
      code: 'idempotency-key-reused',
      details: { idempotencyKey: 'k-1' },
    });
    expect(publisher.published).toHaveLength(1);
  });

  it('two callers using the same key publish two commands with distinct ids', async () => {
    const { handlers, publisher } = world();
    const body = { correlationId: 's-1', input: ADA };
    const alice = await handlers.start(startInput('signup', { key: 'k-1', body, actor: 'alice' }));
    const bob = await handlers.start(startInput('signup', { key: 'k-1', body, actor: 'bob' }));

    expect(publisher.commands.map((c) => [c.actor, c.commandId])).toEqual([
      ['alice', clientCommandId('alice', 'k-1')],
      ['bob', clientCommandId('bob', 'k-1')],
    ]);
    expect(clientCommandId('alice', 'k-1')).not.toBe(clientCommandId('bob', 'k-1'));
    expect(alice.body).toMatchObject({ commandId: clientCommandId('alice', 'k-1') });
    expect(bob.body).toMatchObject({ commandId: clientCommandId('bob', 'k-1') });
  });

  it('an unknown workflow is a 404 naming the known ones', async () => {
    const { handlers, publisher } = world();
    const refused = await refusal(handlers.start(startInput('nope', { key: 'k-1', body: { input: {} } })));

    expect(refused).toMatchObject({
      status: 404,
      code: 'unknown-workflow',
      details: { known: ['billing', 'signup'] },
    });
    expect(publisher.published).toEqual([]);
  });

  it('an invalid input is a 400 with the path of each wrong field', async () => {
    const { handlers, publisher } = world();
    const refused = await refusal(
      handlers.start(startInput('signup', { key: 'k-1', body: { input: { email: 5, plan: 'gold' } } })),
    );

    expect(refused).toMatchObject({ status: 400, code: 'invalid-input' });
    const details = refused.details as { in: string; path: string; message: string }[];
    expect(details.map((issue) => [issue.in, issue.path])).toEqual([
      ['body', 'email'],
      ['body', 'plan'],
    ]);
    expect(refused.message).toMatch(/^input of signup is invalid: email: /);
    expect(publisher.published).toEqual([]);
  });

  it('a start under a correlation id held by another workflow’s instance is a 409 that does not name it', async () => {
    const { handlers, publisher, readModel } = world();
    readModel.project(instanceOf(core('acct-1', 'billing', 'start', { input: { account: 'A' } })));
    const refused = await refusal(
      handlers.start(startInput('signup', { key: 'k-1', body: { correlationId: 'acct-1', input: ADA } })),
    );

    expect(refused).toMatchObject({ status: 409, code: 'correlation-id-taken' });
    expect(refused.message).not.toContain('billing');
    expect(publisher.published).toEqual([]);
  });

  it('a start under the id of an instance of its own workflow is published: the orchestrator decides', async () => {
    const { handlers, publisher, readModel } = world();
    readModel.project(signupOf('s-1'));
    const reply = await handlers.start(
      startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: ADA } }),
    );

    expect(reply.status).toBe(202);
    expect(publisher.published).toHaveLength(1);
  });

  it('an input over maxInputBytes is a 413 input-too-large', async () => {
    const { handlers, publisher } = world({ maxInputBytes: 200 });
    const input = { email: `${'a'.repeat(300)}@example.com`, plan: 'pro' };
    const refused = await refusal(handlers.start(startInput('signup', { key: 'k-1', body: { input } })));

    expect(refused).toMatchObject({
      status: 413,
      code: 'input-too-large',
      details: { bytes: Buffer.byteLength(JSON.stringify(input)), limit: 200 },
    });
    expect(publisher.published).toEqual([]);
  });
});

describe('signal and cancel', () => {
  it('a signal for an instance the read model does not hold is a 404', async () => {
    const { handlers, publisher } = world();
    const refused = await refusal(
      handlers.signal(signalInput('ghost', 'confirm', { key: 'k-1', body: { code: '123456' } })),
    );

    expect(refused).toMatchObject({ status: 404, code: 'unknown-instance' });
    expect(publisher.published).toEqual([]);
  });

  it('a signal with an event the workflow does not have is a 404 naming its events', async () => {
    const { handlers, publisher, readModel } = world();
    readModel.project(signupOf('s-1'));
    const refused = await refusal(handlers.signal(signalInput('s-1', 'explode', { key: 'k-1', body: {} })));

    expect(refused).toMatchObject({
      status: 404,
      code: 'unknown-event',
      details: { known: ['confirm', 'nudge'] },
    });
    expect(publisher.published).toEqual([]);
  });

  it('a valid signal is published for the instance’s workflow', async () => {
    const { handlers, publisher, readModel } = world();
    readModel.project(signupOf('s-1'));
    const reply = await handlers.signal(
      signalInput('s-1', 'confirm', { key: 'k-1', body: { code: '123456' } }),
    );

    expect(reply.status).toBe(202);
    expect(publisher.commands).toEqual([
      expect.objectContaining({
        type: 'signal',
        event: 'confirm',
        payload: { code: '123456' },
        correlationId: 's-1',
        workflow: 'signup',
      }),
    ]);
  });

  it('a signal whose payload breaks the event’s schema is a 400 invalid-payload', async () => {
    const { handlers, publisher, readModel } = world();
    readModel.project(signupOf('s-1'));
    const refused = await refusal(
      handlers.signal(signalInput('s-1', 'confirm', { key: 'k-1', body: { code: '1' } })),
    );

    expect(refused).toMatchObject({ status: 400, code: 'invalid-payload' });
    expect((refused.details as { path: string }[]).map((issue) => issue.path)).toEqual(['code']);
    expect(publisher.published).toEqual([]);
  });

  it('a cancel of a finished instance is a 409 instance-finished, and publishes nothing', async () => {
    const { handlers, publisher, readModel } = world();
    readModel.project(finishedSignup('s-1'));
    const refused = await refusal(handlers.cancel(cancelInput('s-1', { key: 'k-1', body: undefined })));

    expect(refused).toMatchObject({
      status: 409,
      code: 'instance-finished',
      details: { status: 'completed' },
    });
    expect(publisher.published).toEqual([]);
  });

  it('a cancel repeated with its earlier key after the instance finished gets its first answer', async () => {
    const { handlers, publisher, readModel } = world();
    readModel.project(signupOf('s-1'));
    const first = await handlers.cancel(cancelInput('s-1', { key: 'k-1', body: { reason: 'changed mind' } }));
    expect(first.status).toBe(202);
    readModel.project(finishedSignup('s-1'));

    const again = await handlers.cancel(cancelInput('s-1', { key: 'k-1', body: { reason: 'changed mind' } }));

    expect(again).toEqual(first);
    expect(publisher.published).toHaveLength(1);
    const refused = await refusal(
      handlers.cancel(cancelInput('s-1', { key: 'k-2', body: { reason: 'changed mind' } })),
    );
    expect(refused.code).toBe('instance-finished');
  });

  it('a cancel repeated once its outcome is projected answers 200 with that outcome', async () => {
    const { handlers, readModel } = world();
    readModel.project(signupOf('s-1'));
    await handlers.cancel(cancelInput('s-1', { key: 'k-1', body: undefined }));
    const cancelled = signupOf('s-1', core('s-1', 'signup', 'cancel', { reason: '' }));
    readModel.project(cancelled);
    readModel.resolve('s-1', clientCommandId('alice', 'k-1'), { kind: 'applied', seq: 2 }, 2);

    const again = await handlers.cancel(cancelInput('s-1', { key: 'k-1', body: undefined }));

    expect(again).toMatchObject({
      status: 200,
      body: { status: 'resolved', outcome: { kind: 'applied', seq: 2 }, instance: { status: 'cancelled' } },
    });
  });
});

describe('waiting for the outcome', () => {
  it('with ?wait and a known outcome answers 200 with the outcome and a redacted view of the instance', async () => {
    const { handlers, readModel, waiter } = world();
    const commandId = clientCommandId('alice', 'k-1');
    readModel.project(signupOf('s-1'));
    readModel.resolve('s-1', commandId, { kind: 'applied', seq: 1 }, 1);

    const reply = await handlers.start(
      startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: ADA }, wait: 2_000 }),
    );

    expect(waiter.waits).toEqual([{ correlationId: 's-1', commandId, ms: 2_000 }]);
    expect(reply).toEqual({
      status: 200,
      body: {
        status: 'resolved',
        commandId,
        correlationId: 's-1',
        workflow: 'signup',
        outcome: { kind: 'applied', seq: 1 },
        instance: expect.objectContaining({
          correlationId: 's-1',
          workflow: 'signup',
          state: 'pending',
          status: 'running',
          seq: 1,
          context: { email: '[redacted]', plan: 'pro', confirmed: false },
        }),
      },
    });
  });

  it('with ?wait and no outcome by then answers 202', async () => {
    const { handlers } = world();
    const reply = await handlers.start(
      startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: ADA }, wait: 50 }),
    );

    expect(reply.status).toBe(202);
  });

  it('an outcome whose instance now belongs to another workflow is answered without the instance', async () => {
    const { deps, readModel } = world();
    const commandId = clientCommandId('alice', 'k-1');
    readModel.project(instanceOf(core('x-1', 'billing', 'start', { input: { account: 'A' } })));
    readModel.resolve('x-1', commandId, { kind: 'applied', seq: 1 }, 1);
    const body = { type: 'cancel', reason: '' } as const;
    const submission: Submission = {
      key: 'k-1',
      fingerprint: requestFingerprint('POST', '/instances/x-1/cancel', undefined),
      correlationId: 'x-1',
      workflow: 'signup',
      actor: 'alice',
      waitMs: 0,
      traceparent: undefined,
      body,
    };

    const reply = await submit(deps, submission);

    expect(reply).toMatchObject({ status: 200, body: { outcome: { kind: 'applied' }, instance: null } });
  });

  it('waiting requests beyond the per-caller limit are refused with 429 before anything is published', async () => {
    const { handlers, publisher, waiter } = world({ perCaller: 1 });
    waiter.hold();
    const waiting = handlers.start(
      startInput('signup', { key: 'k-1', body: { correlationId: 's-1', input: ADA }, wait: 1_000 }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(waiter.waits).toHaveLength(1);

    const refused = await refusal(
      handlers.start(
        startInput('signup', { key: 'k-2', body: { correlationId: 's-2', input: ADA }, wait: 1_000 }),
      ),
    );
    expect(refused).toMatchObject({ status: 429, code: 'too-many-waiters', retriable: true });
    expect(publisher.commands.map((c) => c.correlationId)).toEqual(['s-1']);

    const other = handlers.start(
      startInput('signup', {
        key: 'k-2',
        body: { correlationId: 's-3', input: ADA },
        wait: 1_000,
        actor: 'bob',
      }),
    );
    const unwaited = await handlers.start(
      startInput('signup', { key: 'k-3', body: { correlationId: 's-4', input: ADA } }),
    );
    expect(unwaited.status).toBe(202);

    waiter.letGo();
    expect((await waiting).status).toBe(202);
    expect((await other).status).toBe(202);
    const after = await handlers.start(
      startInput('signup', { key: 'k-2', body: { correlationId: 's-2', input: ADA }, wait: 1_000 }),
    );
    expect(after.status).toBe(202);
    expect(publisher.commands.map((c) => c.correlationId).sort()).toEqual(['s-1', 's-2', 's-3', 's-4']);
  });
});

describe('submit and the idempotency claim', () => {
  const submission = (key: string): Submission => ({
    key,
    fingerprint: requestFingerprint('POST', '/instances/s-1/signals/nudge', null),
    correlationId: 's-1',
    workflow: 'signup',
    actor: 'alice',
    waitMs: 0,
    traceparent: undefined,
    body: { type: 'signal', event: 'nudge', payload: null },
  });

  it('a publish that fails gives the claim back, so the retry with the same key publishes', async () => {
    const { deps, publisher, idempotency } = world();
    publisher.failures = 1;
    await expect(submit(deps, submission('k-1'))).rejects.toThrow('broker unavailable');
    expect(idempotency.records.size).toBe(0);

    const reply = await submit(deps, submission('k-1'));

    expect(reply.status).toBe(202);
    expect(publisher.published).toHaveLength(1);
    expect(idempotency.records.get(clientCommandId('alice', 'k-1'))?.state).toBe('published');
  });

  it('a key still being published by another request is a retriable 409', async () => {
    const { deps, publisher, idempotency } = world();
    const id = clientCommandId('alice', 'k-1');
    idempotency.records.set(id, {
      fingerprint: submission('k-1').fingerprint,
      commandId: id,
      correlationId: 's-1',
      workflow: 'signup',
      state: 'pending',
      createdAt: NOW,
    });

    const refused = await refusal(submit(deps, submission('k-1')));

    expect(refused).toMatchObject({ status: 409, code: 'idempotency-key-in-progress', retriable: true });
    expect(publisher.published).toEqual([]);
  });
});
