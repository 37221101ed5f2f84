// The bench flow's workers: no delay and no I/O of their own, so a benchmark measures the machinery.
import { z } from 'zod';
import { taskHandler, type HandlerMap } from '../../services/worker';

const benchInput = z.object({ id: z.string(), amount: z.number() });

export const benchFlowHandlers = (): HandlerMap => ({
  validate: taskHandler(benchInput, async (input) => ({ id: input.id, valid: true })),
  charge: taskHandler(benchInput, async (input) => ({ id: input.id, charged: input.amount })),
});
