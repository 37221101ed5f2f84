// decide: the core's one door. Takes a typed command (parsed once, where it was decoded) with the instance it
// addresses, finds the definition it needs, and answers with pure data: the decision, the records to log and
// the tasks to run. Workflow settings are decided by `decideSettings`, data keys by `keyEffectOf`.
import type { Command } from './command/command';
import type { Environment } from './environment';
import type { Instance } from './instance/instance';
import { reason, type Reason } from './reason';
import type { WorkflowDefinition } from './definition/workflow-definition';
import { decideCommand } from './decision/decide';
import type { Step } from './decision/decision';
import { unrecorded } from './decision/receipt';
import type { Registry } from './registry/registry';

export function decide(
  registry: Registry,
  instance: Instance | undefined,
  command: Command,
  now: number,
  env: Environment,
): Step {
  // A key command changes no instance and may come before its start, for a workflow of any name.
  if (command.type === 'key-request' || command.type === 'key-rewrap') {
    return unrecorded({ kind: 'ignored', note: `data key command ${command.type}` }, instance);
  }
  const found = definitionFor(registry, instance, command);
  if ('code' in found) return unrecorded({ kind: 'rejected', reason: found }, instance);
  return decideCommand(found, instance, command, now, env);
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
