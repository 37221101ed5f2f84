// handle: the orchestrator's single entry point. Finds the definition a command needs, then decides.
import { parseCommand, type Command } from '../command/command';
import type { Environment } from '../environment';
import type { Instance } from '../instance/instance';
import { reason, type Reason } from '../reason';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { decideCommand } from '../decision/decide';
import type { Step } from '../decision/decision';
import { unrecorded } from '../decision/receipt';
import type { Registry } from './registry';

export function handle(
  registry: Registry,
  instance: Instance | undefined,
  command: unknown,
  now: number,
  env: Environment,
): Step {
  const parsed = parseCommand(command);
  if (!parsed.ok)
    return unrecorded({ kind: 'rejected', reason: reason('invalid-command', parsed.message) }, instance);
  const found = definitionFor(registry, instance, parsed.command);
  if ('code' in found) return unrecorded({ kind: 'rejected', reason: found }, instance);
  return decideCommand(found, instance, parsed.command, now, env);
}

/** The instance's version; for migrate the target version; for a start the requested or rolled-out version. */
function definitionFor(
  registry: Registry,
  instance: Instance | undefined,
  command: Command,
): WorkflowDefinition | Reason {
  const name = instance?.workflow ?? command.workflow;
  if (!registry.has(name)) return reason('unknown-workflow', `no workflow ${name}`);
  const version = instance
    ? command.type === 'admin' && command.action === 'migrate'
      ? command.targetVersion
      : instance.version
    : command.type === 'start'
      ? command.version
      : null;
  const definition =
    version === null ? registry.pick(name, command.correlationId) : registry.get(name, version);
  return definition ?? reason('unknown-version', `no version ${version ?? '(rollout)'} of ${name}`);
}
