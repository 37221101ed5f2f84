// Account onboarding as documentation, driven through the core's `decide` the way the orchestrator drives it:
// each command decided, its records appended, due timers fired as the clock moves.
import {
  createRegistry,
  decide,
  dueTimers,
  EMPTY_ENVIRONMENT,
  parseCommand,
  type Instance,
  type JsonValue,
  type Step,
  type TaskRequest,
} from 'statewright/core';
import { accountOnboarding, ONBOARDING, type OnboardingInput } from './definition';
import { onboardingHandlers, PENDING_ATTEMPTS } from './workers';

const DEADLINE_MS = 60_000;
const registry = createRegistry([accountOnboarding({ approvalTimeoutMs: DEADLINE_MS })]);

const application = (url = 'https://docs.example.com/passport.pdf'): OnboardingInput => ({
  accountId: 'acc-1',
  applicant: { name: 'Ada', email: 'ada@example.com' },
  documents: [{ kind: 'passport', url }],
});

class Onboarding {
  instance: Instance | undefined;
  readonly tasks: TaskRequest[] = [];
  now = 1_700_000_000_000;
  private commands = 0;

  send(body: Record<string, unknown>, commandId = `cmd-${++this.commands}`): Step {
    const parsed = parseCommand({
      commandId,
      correlationId: 'acc-1',
      workflow: ONBOARDING,
      actor: 'test',
      timestamp: this.now,
      ...body,
    });
    if (!parsed.ok) throw new Error(parsed.message);
    return this.apply(parsed.command);
  }

  start(input: OnboardingInput = application()): Step {
    return this.send({ type: 'start', input });
  }

  signal(event: string, payload: JsonValue): Step {
    return this.send({ type: 'signal', event, payload });
  }

  /** Answers the latest request of a task type as a worker would. */
  answer(type: string, outcome: JsonValue): Step {
    const task = [...this.tasks].reverse().find((request) => request.type === type);
    if (task === undefined) throw new Error(`no request of ${type}`);
    return this.send({ type: 'task-result', taskId: task.taskId, runId: task.runId, outcome }, task.runId);
  }

  succeed = (type: string, output: JsonValue = {}) => this.answer(type, { kind: 'succeeded', output });
  fail = (type: string, kind: 'retryable' | 'fatal', code: string) =>
    this.answer(type, { kind, error: { message: `${type} failed: ${code}`, code } });

  /** Moves the clock and fires the timers due by then. */
  advance(ms: number): void {
    this.now += ms;
    for (const timer of this.instance === undefined ? [] : dueTimers(this.instance, this.now))
      this.apply(timer);
  }

  requested = (kind: 'action' | 'compensation') =>
    this.tasks.filter((task) => task.kind === kind).map((task) => task.type);

  private apply(command: Parameters<typeof decide>[2]): Step {
    const step = decide(registry, this.instance, command, this.now, EMPTY_ENVIRONMENT);
    this.tasks.push(...step.tasks);
    this.instance = step.instance;
    return step;
  }
}

/** Opened and checked: waiting for a reviewer. */
function awaitingApproval(): Onboarding {
  const o = new Onboarding();
  o.start();
  o.succeed('open-account', { accountId: 'acc-1' });
  o.succeed('check-documents');
  return o;
}

describe('account onboarding', () => {
  test('opened, checked and approved by a reviewer: the account is active', () => {
    const o = new Onboarding();
    expect(o.start().tasks.map((task) => task.type)).toEqual(['open-account']);
    o.succeed('open-account', { accountId: 'acc-1' });
    o.succeed('check-documents');
    expect(o.instance?.state).toBe('awaiting-approval');
    expect(o.signal('approved', { reviewer: 'grace@example.com' }).decision.kind).toBe('applied');
    o.succeed('activate-account');
    expect(o.instance).toMatchObject({
      state: 'active',
      status: 'completed',
      context: { reviewer: 'grace@example.com' },
    });
    expect(o.requested('compensation')).toEqual([]);
  });

  test('a document still being processed is checked again after a backoff, then passes', () => {
    const o = new Onboarding();
    o.start();
    o.succeed('open-account');
    o.fail('check-documents', 'retryable', 'document-pending');
    expect(o.requested('action')).toEqual(['open-account', 'check-documents']);
    o.advance(200);
    const retry = o.tasks.at(-1);
    expect(retry).toMatchObject({ type: 'check-documents', attempt: 2 });
    o.succeed('check-documents');
    expect(o.instance?.state).toBe('awaiting-approval');
  });

  test('a forged document is final at once: the provisional account is closed and the application declined', () => {
    const o = new Onboarding();
    o.start();
    o.succeed('open-account');
    o.fail('check-documents', 'retryable', 'document-forged');
    expect(o.instance?.state).toBe('declining');
    expect(o.requested('compensation')).toEqual(['close-account']);
    expect(o.tasks.at(-1)?.input).toEqual({ accountId: 'acc-1' });
    o.succeed('close-account');
    expect(o.instance).toMatchObject({ state: 'declined', status: 'compensated' });
  });

  test('a reviewer’s rejection closes the account, recording who and why', () => {
    const o = awaitingApproval();
    o.signal('rejected', { reviewer: 'grace@example.com', reason: 'address unverifiable' });
    expect(o.requested('compensation')).toEqual(['close-account']);
    o.succeed('close-account');
    expect(o.instance).toMatchObject({
      status: 'compensated',
      context: { reviewer: 'grace@example.com', outcome: 'address unverifiable' },
    });
  });

  test('no decision before the deadline: the application expires and the account is closed', () => {
    const o = awaitingApproval();
    o.advance(DEADLINE_MS - 1);
    expect(o.instance?.state).toBe('awaiting-approval');
    o.advance(1);
    expect(o.instance?.state).toBe('expiring');
    o.succeed('close-account');
    expect(o.instance).toMatchObject({
      status: 'timed_out',
      context: { outcome: 'no decision before the deadline' },
    });
  });

  test('an applicant cannot approve their own account', () => {
    const o = awaitingApproval();
    const step = o.signal('approved', { reviewer: 'ada@example.com' });
    expect(step.decision).toMatchObject({ kind: 'rejected' });
    expect(o.instance?.state).toBe('awaiting-approval');
  });

  test('an approval sent twice under one command id is applied once', () => {
    const o = awaitingApproval();
    o.send({ type: 'signal', event: 'approved', payload: { reviewer: 'grace@example.com' } }, 'approve-1');
    const again = o.send(
      { type: 'signal', event: 'approved', payload: { reviewer: 'grace@example.com' } },
      'approve-1',
    );
    expect(again.decision.kind).toBe('duplicate');
    expect(o.requested('action').filter((type) => type === 'activate-account')).toHaveLength(1);
  });

  test('withdrawn by a cancel while waiting: the account is closed', () => {
    const o = awaitingApproval();
    o.send({ type: 'cancel', reason: 'applicant withdrew' });
    o.succeed('close-account');
    expect(o.instance).toMatchObject({ state: 'withdrawn', status: 'cancelled' });
  });
});

describe('onboarding handlers', () => {
  const handlers = onboardingHandlers();
  const context = (attempt: number) => ({
    taskId: 'acc-1/x/2/0',
    runId: `acc-1/x/2/0#${attempt}`,
    attempt,
    correlationId: 'acc-1',
    workflow: ONBOARDING,
    version: 1,
    kind: 'action' as const,
    type: 'check-documents',
    signal: new AbortController().signal,
  });
  const check = (url: string, attempt: number) =>
    handlers['check-documents']!.handle(
      handlers['check-documents']!.input.parse({
        accountId: 'acc-1',
        documents: application(url).documents,
      }) as never,
      context(attempt),
    );

  test('a pending document is retryable for its first attempts, then checked', async () => {
    await expect(check('https://x/pending.pdf', PENDING_ATTEMPTS)).rejects.toMatchObject({
      code: 'document-pending',
    });
    await expect(check('https://x/pending.pdf', PENDING_ATTEMPTS + 1)).resolves.toEqual({
      accountId: 'acc-1',
      checked: ['passport'],
    });
  });

  test('a forged document fails for good', async () => {
    await expect(check('https://x/forged.pdf', 1)).rejects.toMatchObject({ code: 'document-forged' });
  });
});
