// The gateway derives its command ids as every statewright producer of client commands does.
export { clientCommandId } from '../../platform/idempotency/client-command-id';
