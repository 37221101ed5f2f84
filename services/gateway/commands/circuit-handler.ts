// The circuit route: an operator's hold or rule for a task type's circuit, as a `circuit-settings` partition
// command written to every commands partition (each partition keeps its own circuit, so every one must see it).
// Each partition applies it once (same command id) and writes its audit record in the same transaction.
import { randomUUID } from 'node:crypto';
import {
  HEALTH_WORKFLOW,
  healthKey,
  type CircuitSettingsCommand,
  type CommandId,
  type CorrelationId,
} from '../../core';
import type { CommandLog } from '../../platform/kafka/command-log';
import type { Handlers } from '../http/register-routes';
import { PublishError } from './publish-error';

export interface CircuitDeps {
  readonly publisher: CommandLog;
  /** The commands topic's partition count, read from the broker. */
  readonly partitions: () => Promise<number>;
  readonly clock: () => number;
}

export function circuitHandlers(deps: CircuitDeps): Pick<Handlers, 'circuit'> {
  return {
    circuit: async (input) => {
      const { taskType } = input.params;
      const command: CircuitSettingsCommand = {
        type: 'circuit-settings',
        commandId: `circuit-${randomUUID()}` as CommandId,
        correlationId: healthKey(taskType) as CorrelationId,
        workflow: HEALTH_WORKFLOW,
        actor: input.actor,
        timestamp: deps.clock(),
        expectedSeq: null,
        sourceSeq: null,
        taskType,
        hold: input.body.hold,
        rule: input.body.rule,
        maxInFlight: input.body.maxInFlight,
        perSecond: input.body.perSecond,
      };
      try {
        await deps.publisher.publishToEveryPartition(command, await deps.partitions());
      } catch (error) {
        throw new PublishError(command.commandId, error);
      }
      return { status: 202, body: { status: 'accepted', commandId: command.commandId, taskType } };
    },
  };
}
