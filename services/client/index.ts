// The command client: start, signal and cancel workflow instances from any service by publishing commands to
// Kafka, with the gateway's envelopes and idempotency-derived command ids, and no gateway in between.
export { createCommandClient, type CommandClient, type Published } from './command-client';
export type { CommandClientOptions } from './client-config';
export type { CommandOptions, StartOptions, CancelOptions } from './client-command';
export { InvalidCommandError, CommandPublishError, ClientClosedError } from './client-errors';
export { ConfigError } from '../platform/config/config-error';
export { clientCommandId } from '../platform/idempotency/client-command-id';
