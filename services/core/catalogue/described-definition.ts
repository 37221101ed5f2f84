// A definition as data: its state graph, the JSON Schemas of its input and event payloads, sensitive paths and
// task policies, with a hash of all of it. What the orchestrator publishes to the definitions catalogue and what
// the gateway, CLI and UI read instead of the team's code. Guards and updates are code: only their presence shows.
import { z } from 'zod';
import type { DedupeWindow } from '../instance/dedupe-window-size';
import type { TerminalStatus } from '../instance/instance';
import { canonicalJson, type JsonObject, type JsonValue } from '../json/json-value';
import { fnv1a64 } from '../json/fnv-hash';
import type { RetryPolicy } from '../definition/retry-policy';
import type {
  HandlerNode,
  Join,
  StateNode,
  UnacceptedPolicy,
  WorkflowDefinition,
} from '../definition/workflow-definition';

export interface DescribedHandler {
  readonly event: string;
  readonly target: string | null;
  readonly guarded: boolean;
  readonly tasks: readonly string[];
}

export interface DescribedState {
  readonly name: string;
  readonly final: TerminalStatus | null;
  readonly on: readonly DescribedHandler[];
  readonly invoke: {
    readonly tasks: readonly string[];
    readonly join: Join;
    readonly onDone: string;
    readonly onError: string;
  } | null;
  readonly after: { readonly ms: number; readonly target: string } | null;
  readonly compensate: { readonly onDone: string; readonly onError: string } | null;
}

export interface DescribedEvent {
  readonly name: string;
  /** null: any JSON payload is accepted. */
  readonly payloadSchema: JsonObject | null;
  readonly unaccepted: UnacceptedPolicy;
}

export interface DescribedTask {
  readonly type: string;
  readonly retry: RetryPolicy;
  /** The task type that undoes this one, if any. */
  readonly compensation: string | null;
}

export interface DescribedDefinition {
  readonly name: string;
  readonly version: number;
  /** Of everything else here, in canonical JSON: a changed graph, schema or policy changes it. */
  readonly hash: string;
  readonly initial: string;
  readonly states: readonly DescribedState[];
  readonly events: readonly DescribedEvent[];
  readonly tasks: readonly DescribedTask[];
  readonly cancel: string | null;
  readonly inputSchema: JsonObject;
  readonly sensitive: readonly string[];
  readonly stashLimit: number;
  readonly dedupe: DedupeWindow;
  readonly onStartExisting: 'reject' | 'return-existing';
  /** The versions this one has a migration from. */
  readonly migrationsFrom: readonly number[];
}

/** `name@version`: the catalogue's record key. */
export const definitionKey = (name: string, version: number): string => `${name}@${version}`;

export function describeDefinition(definition: WorkflowDefinition): DescribedDefinition {
  const described: Omit<DescribedDefinition, 'hash'> = {
    name: definition.name,
    version: definition.version,
    initial: definition.initial,
    states: [...definition.states.values()].map(describeState),
    events: [...definition.events].map(([name, schema]) => ({
      name,
      payloadSchema: schema === null ? null : jsonSchemaOf(schema),
      unaccepted: definition.unaccepted.get(name) ?? 'reject',
    })),
    tasks: [...definition.tasks.values()].map((task) => ({
      type: task.type,
      retry: task.retry,
      compensation: task.compensation?.task ?? null,
    })),
    cancel: definition.cancel,
    inputSchema: jsonSchemaOf(definition.input),
    sensitive: [...definition.sensitive],
    stashLimit: definition.stashLimit,
    dedupe: { count: definition.dedupe.count, ageMs: definition.dedupe.ageMs },
    onStartExisting: definition.onStartExisting,
    migrationsFrom: [...definition.migrations.keys()].sort((a, b) => a - b),
  };
  return { ...described, hash: hashOf(described) };
}

/** The hash a description should carry: FNV-1a 64 of its canonical JSON without the hash itself. */
export function hashOf(described: Omit<DescribedDefinition, 'hash'> | DescribedDefinition): string {
  const { hash: _hash, ...rest } = described as DescribedDefinition;
  return `fnv1a64:${fnv1a64(canonicalJson(rest as unknown as JsonValue))}`;
}

function describeState(node: StateNode): DescribedState {
  return {
    name: node.name,
    final: node.final,
    on: [...node.on].map(([event, handler]) => describeHandler(event, handler)),
    invoke:
      node.invoke === null
        ? null
        : {
            tasks: node.invoke.tasks.map((task) => task.task),
            join: node.invoke.join,
            onDone: node.invoke.onDone.target,
            onError: node.invoke.onError.target,
          },
    after: node.after === null ? null : { ms: node.after.ms, target: node.after.target },
    compensate: node.compensate === null ? null : { ...node.compensate },
  };
}

const describeHandler = (event: string, handler: HandlerNode): DescribedHandler => ({
  event,
  target: handler.target,
  guarded: handler.guard !== null,
  tasks: handler.tasks.map((task) => task.task),
});

/**
 * The schema of what a caller sends (zod's input side: before defaults and transforms), as draft-07 JSON Schema.
 * Parts JSON Schema cannot say (a refinement, a transform) accept anything: the orchestrator still checks them.
 */
function jsonSchemaOf(schema: z.ZodType): JsonObject {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as JsonObject;
}
