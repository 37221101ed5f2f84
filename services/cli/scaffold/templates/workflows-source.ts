// src/workflows.ts of a new project: account onboarding, a workflow with a retried task, a human decision under a
// deadline, a compensation and sensitive fields. Only `statewright/core` and zod are imported.
export function workflowsSource(): string {
  return `// Account onboarding: reserve the username, check the identity document (retried while the checking service is
// unavailable), then wait for a reviewer. A rejection, a document that fails the check or a reviewer who does not
// answer before the deadline releases the reserved username again: the compensation of the reservation.
//
// statewright runs the module this file compiles to: \`statewright orchestrator --workflows dist/workflows.js\`
// reads its \`workflows\` export.
import { setup, type JsonValue } from 'statewright/core';
import { z } from 'zod';

export const ONBOARDING = 'account-onboarding';

/** How long an application waits for a reviewer's decision before it expires. */
export const APPROVAL_DEADLINE_MS = 48 * 60 * 60 * 1000;

export const onboardingInput = z.object({
  accountId: z.string().min(1),
  username: z.string().regex(/^[a-z0-9_-]{3,32}$/, '3 to 32 lower-case letters, digits, _ or -'),
  email: z.email(),
  document: z.object({ kind: z.enum(['passport', 'id-card']), number: z.string().min(4) }),
});
export type OnboardingInput = z.output<typeof onboardingInput>;

export interface OnboardingContext extends OnboardingInput {
  reservationId: string | null;
  checkId: string | null;
  reviewer: string | null;
  /** Why the application did not end with an active account. */
  reason: string | null;
}

/** A string field of a task's output, or null. */
const field = (output: JsonValue, name: string): string | null => {
  if (output === null || typeof output !== 'object' || Array.isArray(output)) return null;
  const value = output[name];
  return typeof value === 'string' ? value : null;
};

const onboarding = setup({
  types: {} as { context: OnboardingContext },
  input: onboardingInput,
  events: {
    approved: z.object({ reviewer: z.string().min(1) }),
    rejected: z.object({ reviewer: z.string().min(1), reason: z.string().min(1) }),
  },
  tasks: {
    'reserve-username': {
      retry: { maxAttempts: 3 },
      // Runs when the application ends without an account, undoing a reservation that succeeded.
      compensation: {
        task: 'release-username',
        input: (ctx, step) => ({ username: ctx.username, reservationId: field(step.output, 'reservationId') }),
      },
    },
    'check-documents': {
      // An unavailable checking service is retried with a growing wait; a document that fails the check is not.
      retry: {
        maxAttempts: 4,
        backoff: { kind: 'exponential', baseMs: 1_000, maxMs: 30_000 },
        fatalCodes: ['document-invalid'],
      },
    },
    'activate-account': { retry: { maxAttempts: 3 } },
    'release-username': { retry: { maxAttempts: 5 } },
  },
});

export const accountOnboarding = onboarding.define({
  name: ONBOARDING,
  version: 1,
  initial: 'reserving',
  context: (input) => ({ ...input, reservationId: null, checkId: null, reviewer: null, reason: null }),
  // Encrypted at rest when a key-encryption key is configured; shown as [redacted] by the gateway and the CLI.
  sensitive: ['email', 'document.number'],
  cancel: 'withdrawing',
  states: {
    reserving: {
      invoke: {
        tasks: [
          {
            task: 'reserve-username',
            input: (ctx) => ({ accountId: ctx.accountId, username: ctx.username }),
            assign: (ctx, output) => ({ ...ctx, reservationId: field(output, 'reservationId') }),
          },
        ],
        onDone: 'checking-documents',
        onError: { target: 'failed', update: (ctx, error) => ({ ...ctx, reason: error.message }) },
      },
    },
    'checking-documents': {
      invoke: {
        tasks: [
          {
            task: 'check-documents',
            input: (ctx) => ({ accountId: ctx.accountId, document: ctx.document }),
            assign: (ctx, output) => ({ ...ctx, checkId: field(output, 'checkId') }),
          },
        ],
        onDone: 'awaiting-approval',
        onError: { target: 'releasing', update: (ctx, error) => ({ ...ctx, reason: error.message }) },
      },
    },
    'awaiting-approval': {
      on: {
        approved: { target: 'activating', update: (ctx, { reviewer }) => ({ ...ctx, reviewer }) },
        rejected: {
          target: 'releasing',
          update: (ctx, { reviewer, reason }) => ({ ...ctx, reviewer, reason }),
        },
      },
      after: {
        ms: APPROVAL_DEADLINE_MS,
        target: 'expiring',
        update: (ctx) => ({ ...ctx, reason: 'no decision before the deadline' }),
      },
    },
    activating: {
      invoke: {
        tasks: [
          {
            task: 'activate-account',
            input: (ctx) => ({ accountId: ctx.accountId, username: ctx.username, reviewer: ctx.reviewer }),
          },
        ],
        onDone: 'active',
        onError: { target: 'releasing', update: (ctx, error) => ({ ...ctx, reason: error.message }) },
      },
    },
    releasing: { compensate: { onDone: 'rejected', onError: 'failed' } },
    expiring: { compensate: { onDone: 'expired', onError: 'failed' } },
    withdrawing: { compensate: { onDone: 'withdrawn', onError: 'failed' } },
    active: { final: 'completed' },
    rejected: { final: 'compensated' },
    expired: { final: 'timed_out' },
    withdrawn: { final: 'cancelled' },
    failed: { final: 'failed' },
  },
});

/** What \`--workflows\` loads: every workflow this project serves. */
export const workflows = [accountOnboarding];
`;
}
