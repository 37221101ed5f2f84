// Account onboarding: open a provisional account, check the applicant's documents (retried while the checker is
// unsure), then wait for a reviewer's approval. A rejection, a forged document or an approval that never comes
// closes the provisional account again. Built only on the public package, as a team's code is.
import { setup, verdict } from 'statewright/core';
import { z } from 'zod';

export const ONBOARDING = 'account-onboarding';

export const onboardingInput = z.object({
  accountId: z.string().min(1),
  applicant: z.object({ name: z.string().min(1), email: z.string().min(3) }),
  documents: z
    .array(z.object({ kind: z.enum(['passport', 'id-card', 'utility-bill']), url: z.string() }))
    .min(1),
});
export type OnboardingInput = z.output<typeof onboardingInput>;

export interface OnboardingContext {
  accountId: string;
  applicant: { name: string; email: string };
  documents: { kind: string; url: string }[];
  reviewer: string | null;
  outcome: string | null;
}

const onboarding = setup({
  types: {} as { context: OnboardingContext },
  input: onboardingInput,
  events: {
    approved: z.object({ reviewer: z.string().min(1) }),
    rejected: z.object({ reviewer: z.string().min(1), reason: z.string().min(1) }),
  },
  tasks: {
    'open-account': {
      retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 200 } },
      compensation: { task: 'close-account', input: (ctx) => ({ accountId: ctx.accountId }) },
    },
    // The checker answers "unsure" while a document is still being processed: retried with backoff, a forgery
    // is final at once.
    'check-documents': {
      retry: {
        maxAttempts: 4,
        backoff: { kind: 'exponential', baseMs: 200, maxMs: 5_000 },
        fatalCodes: ['document-forged'],
      },
    },
    'activate-account': { retry: { maxAttempts: 3, backoff: { kind: 'fixed', ms: 200 } } },
    'close-account': { retry: { maxAttempts: 5 } },
  },
});

export interface OnboardingOptions {
  /** How long a reviewer may take before the application expires and the account is closed. */
  readonly approvalTimeoutMs?: number;
}

export const DEFAULT_APPROVAL_TIMEOUT_MS = 3 * 24 * 60 * 60_000;

export function accountOnboarding(options: OnboardingOptions = {}) {
  return onboarding.define({
    name: ONBOARDING,
    version: 1,
    initial: 'opening',
    context: (input) => ({ ...input, reviewer: null, outcome: null }),
    cancel: 'withdrawing',
    sensitive: ['applicant.email', 'documents'],
    states: {
      opening: {
        invoke: {
          tasks: [
            {
              task: 'open-account',
              input: (ctx) => ({ accountId: ctx.accountId, name: ctx.applicant.name }),
            },
          ],
          onDone: 'checking',
          onError: { target: 'failed', update: (ctx, error) => ({ ...ctx, outcome: error.message }) },
        },
      },
      checking: {
        invoke: {
          tasks: [
            {
              task: 'check-documents',
              input: (ctx) => ({ accountId: ctx.accountId, documents: ctx.documents }),
            },
          ],
          onDone: 'awaiting-approval',
          onError: { target: 'declining', update: (ctx, error) => ({ ...ctx, outcome: error.message }) },
        },
      },
      'awaiting-approval': {
        after: {
          ms: options.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
          target: 'expiring',
          update: (ctx) => ({ ...ctx, outcome: 'no decision before the deadline' }),
        },
        on: {
          approved: {
            // Four eyes: the applicant never approves their own account.
            guard: (ctx, { reviewer }) =>
              reviewer !== ctx.applicant.email ||
              verdict.reject('an applicant cannot approve their own account'),
            target: 'activating',
            update: (ctx, { reviewer }) => ({ ...ctx, reviewer }),
          },
          rejected: {
            target: 'declining',
            update: (ctx, { reviewer, reason }) => ({ ...ctx, reviewer, outcome: reason }),
          },
        },
      },
      activating: {
        invoke: {
          tasks: [{ task: 'activate-account', input: (ctx) => ({ accountId: ctx.accountId }) }],
          onDone: 'active',
          onError: { target: 'declining', update: (ctx, error) => ({ ...ctx, outcome: error.message }) },
        },
      },
      declining: { compensate: { onDone: 'declined', onError: 'failed' } },
      expiring: { compensate: { onDone: 'expired', onError: 'failed' } },
      withdrawing: { compensate: { onDone: 'withdrawn', onError: 'failed' } },
      active: { final: 'completed' },
      declined: { final: 'compensated' },
      expired: { final: 'timed_out' },
      withdrawn: { final: 'cancelled' },
      failed: { final: 'failed' },
    },
  });
}
