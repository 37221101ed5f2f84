// The onboarding's task handlers, simulated without I/O: every effect is keyed by the task id, so a retried or
// redelivered task returns what its first run returned. A document whose URL says `pending` is not yet readable
// (retryable for its first two attempts); one that says `forged` fails the check for good.
import { FatalTaskError, RetryableTaskError, taskHandler, type HandlerMap } from 'statewright/worker';
import { z } from 'zod';

const account = z.object({ accountId: z.string().min(1) });
const documents = z.object({
  accountId: z.string().min(1),
  documents: z.array(z.object({ kind: z.string(), url: z.string() })).min(1),
});

/** How many attempts a `pending` document needs before the checker can read it. */
export const PENDING_ATTEMPTS = 2;

export const onboardingHandlers = (): HandlerMap => ({
  'open-account': taskHandler(account.extend({ name: z.string() }), async (input, ctx) => ({
    accountId: input.accountId,
    openedBy: ctx.taskId,
  })),
  'check-documents': taskHandler(documents, async (input, ctx) => {
    const forged = input.documents.find((document) => document.url.includes('forged'));
    if (forged !== undefined) throw new FatalTaskError(`the ${forged.kind} is forged`, 'document-forged');
    if (
      input.documents.some((document) => document.url.includes('pending')) &&
      ctx.attempt <= PENDING_ATTEMPTS
    ) {
      throw new RetryableTaskError('a document is still being processed', 'document-pending');
    }
    return { accountId: input.accountId, checked: input.documents.map((document) => document.kind) };
  }),
  'activate-account': taskHandler(account, async (input) => ({ accountId: input.accountId, active: true })),
  'close-account': taskHandler(account, async (input) => ({ closed: input.accountId })),
});
