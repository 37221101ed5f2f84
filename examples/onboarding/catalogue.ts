// The onboarding example as a team hands it to statewright: its workflow and the handlers of its tasks. Run it
// with `statewright orchestrator --workflows dist/examples/onboarding/catalogue.js` (and `worker --handlers`).
import type { HandlerMap } from 'statewright/worker';
import { accountOnboarding } from './definition';
import { onboardingHandlers } from './workers';

/** ONBOARDING_APPROVAL_TIMEOUT_MS shortens the reviewer's deadline, e.g. for a demo. */
const approvalTimeoutMs = Number(process.env.ONBOARDING_APPROVAL_TIMEOUT_MS ?? '') || undefined;

export const workflows = [accountOnboarding(approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs })];

export function handlers(): HandlerMap {
  return onboardingHandlers();
}
