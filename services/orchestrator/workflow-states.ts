// The states of every registered workflow that an instance can wait in (not final), for gauges that report
// every state, at zero when no instance is there.
import type { Registry } from '../core';

export function workflowStates(registry: Registry): Map<string, string[]> {
  const states = new Map<string, string[]>();
  for (const name of registry.names()) {
    const names = new Set<string>();
    for (const version of registry.versions(name))
      for (const node of registry.get(name, version)?.states.values() ?? [])
        if (node.final === null) names.add(node.name);
    states.set(name, [...names].sort());
  }
  return states;
}
