// A producer of start, signal and cancel commands for any service, without the gateway: the same Avro envelopes,
// the same owner partitions and the same idempotency-derived command ids, written through the platform's command
// log. A repeated idempotency key publishes a duplicate the orchestrator applies once; nothing is stored here.
import type { Command, CommandId, CorrelationId, JsonValue } from '../core';
import { EnvelopeCodec } from '../platform/codec/envelope-codec';
import { CommandLog } from '../platform/kafka/command-log';
import { createKafka } from '../platform/kafka/kafka-client';
import { topicNames } from '../platform/kafka/topic-names';
import { createLogger } from '../platform/logging/logger';
import { loadClientConfig, type CommandClientOptions } from './client-config';
import { clientCommand, type CancelOptions, type CommandOptions, type StartOptions } from './client-command';
import { ClientClosedError, CommandPublishError } from './client-errors';

/** A command the broker acknowledged: its id is the same for every send under the same idempotency key. */
export interface Published {
  readonly commandId: CommandId;
  readonly correlationId: CorrelationId;
  readonly workflow: string;
}

export interface CommandClient {
  start(workflow: string, correlationId: string, input: JsonValue, options: StartOptions): Promise<Published>;
  signal(
    workflow: string,
    correlationId: string,
    event: string,
    payload: JsonValue,
    options: CommandOptions,
  ): Promise<Published>;
  cancel(workflow: string, correlationId: string, options: CancelOptions): Promise<Published>;
  /** Waits for nothing more than the producer's disconnect; commands not yet acknowledged fail. */
  close(): Promise<void>;
}

/** Connects to the schema registry (registering the envelopes) and Kafka; throws ConfigError on bad options. */
export async function createCommandClient(options: CommandClientOptions): Promise<CommandClient> {
  const config = loadClientConfig(options);
  const clock = options.clock ?? Date.now;
  const topics = topicNames(config.topicPrefix);
  const codec = await EnvelopeCodec.connect({ registryUrl: config.schemaRegistryUrl, topics });
  const logger = createLogger(config.logLevel, 'statewright-client');
  const log = await CommandLog.connect(createKafka(config.kafka, logger), codec, topics.commands);
  let closed = false;

  // Async so that a refused command, like a failed publish, is a rejected promise rather than a throw.
  const publish = async (build: () => Command): Promise<Published> => {
    if (closed) throw new ClientClosedError();
    const command = build();
    await log.publish(command).catch((error: unknown) => {
      throw new CommandPublishError(command.commandId, error);
    });
    return { commandId: command.commandId, correlationId: command.correlationId, workflow: command.workflow };
  };
  const issuer = () => ({ actor: config.actor, now: clock() });

  return {
    start: (workflow, correlationId, input, startOptions) =>
      publish(() =>
        clientCommand(
          issuer(),
          workflow,
          correlationId,
          { type: 'start', input, version: startOptions.version ?? null },
          startOptions,
        ),
      ),
    signal: (workflow, correlationId, event, payload, signalOptions) =>
      publish(() =>
        clientCommand(issuer(), workflow, correlationId, { type: 'signal', event, payload }, signalOptions),
      ),
    cancel: (workflow, correlationId, cancelOptions) =>
      publish(() =>
        clientCommand(
          issuer(),
          workflow,
          correlationId,
          { type: 'cancel', reason: cancelOptions.reason ?? '' },
          cancelOptions,
        ),
      ),
    close: async () => {
      if (closed) return;
      closed = true;
      await log.close();
    },
  };
}
