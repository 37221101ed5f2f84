// Tests write commands as plain objects, as they arrive decoded from the wire: parsed once here, as the
// orchestrator's decoder does (an unparsable one is an `invalid-command` rejection), then decided.
import {
  decide,
  parseCommand,
  type Environment,
  type Instance,
  type Registry,
  type Step,
} from '../../services/core';

export function decideRaw(
  registry: Registry,
  instance: Instance | undefined,
  raw: unknown,
  now: number,
  env: Environment,
): Step {
  const parsed = parseCommand(raw);
  if (!parsed.ok) {
    const reason = { code: 'invalid-command' as const, message: parsed.message };
    return { decision: { kind: 'rejected', reason }, records: [], tasks: [], instance };
  }
  return decide(registry, instance, parsed.command, now, env);
}
