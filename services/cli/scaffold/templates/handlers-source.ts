// src/handlers.ts of a new project: one handler per task type of the onboarding workflow, on `statewright/worker`.
export function handlersSource(): string {
  return `// The onboarding workflow's tasks, as a worker runs them: \`statewright worker --handlers dist/handlers.js\` reads
// the \`handlers\` export. These stand in for real services; replace their bodies with calls to yours. A handler runs
// at least once per attempt and gets the task id (ctx.taskId) to pass on as an idempotency key.
//
// Pretend behaviour, so every path can be tried by hand: a document number starting with FORGED fails the check
// (no retry helps), one starting with FLAKY makes the checking service fail twice before it answers.
import { FatalTaskError, RetryableTaskError, taskHandler, type HandlerMap } from 'statewright/worker';
import { z } from 'zod';

const account = z.object({ accountId: z.string(), username: z.string() });

export const handlers: HandlerMap = {
  'reserve-username': taskHandler(account, async (input) => ({
    reservationId: 'reservation-' + input.username,
  })),

  'check-documents': taskHandler(
    z.object({ accountId: z.string(), document: z.object({ kind: z.string(), number: z.string() }) }),
    async (input, ctx) => {
      if (input.document.number.startsWith('FORGED')) {
        throw new FatalTaskError('the document failed verification', 'document-invalid');
      }
      if (input.document.number.startsWith('FLAKY') && ctx.attempt < 3) {
        throw new RetryableTaskError('the document service is unavailable');
      }
      // Return ids and outcomes, never the document number: outputs are stored as they are.
      return { checkId: 'check-' + input.accountId, verified: true };
    },
  ),

  'activate-account': taskHandler(account.extend({ reviewer: z.string().nullable() }), async (input) => ({
    activated: input.accountId,
  })),

  'release-username': taskHandler(
    z.object({ username: z.string(), reservationId: z.string().nullable() }),
    async (input) => ({ released: input.username }),
  ),
};
`;
}
