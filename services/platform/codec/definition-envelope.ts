// The DefinitionRecord envelope on <prefix>.definitions (schemas/definition.avsc): a described definition with who
// published it and when. JSON Schemas and retry policies travel as JSON strings so the Avro schema stays fixed.
import type { DescribedDefinition, JsonObject, RetryPolicy, TerminalStatus } from '../../core';

export interface DefinitionEnvelope {
  readonly name: string;
  readonly version: number;
  readonly hash: string;
  readonly publishedAt: number;
  readonly publishedBy: string;
  readonly initial: string;
  readonly states: readonly {
    readonly name: string;
    readonly final: string | null;
    readonly on: readonly {
      readonly event: string;
      readonly target: string | null;
      readonly guarded: boolean;
      readonly tasks: readonly string[];
    }[];
    readonly invoke: {
      readonly tasks: readonly string[];
      readonly join: string;
      readonly onDone: string;
      readonly onError: string;
    } | null;
    readonly after: { readonly ms: number; readonly target: string } | null;
    readonly compensate: { readonly onDone: string; readonly onError: string } | null;
  }[];
  readonly events: readonly {
    readonly name: string;
    readonly payloadSchema: string | null;
    readonly unaccepted: string;
  }[];
  readonly tasks: readonly {
    readonly type: string;
    readonly retry: string;
    readonly compensation: string | null;
  }[];
  readonly cancel: string | null;
  readonly inputSchema: string;
  readonly sensitive: readonly string[];
  readonly stashLimit: number;
  readonly dedupeCount: number;
  readonly dedupeAgeMs: number;
  readonly onStartExisting: string;
  readonly migrationsFrom: readonly number[];
}

/** A catalogue entry: the description and its publication. */
export interface PublishedDefinition {
  readonly definition: DescribedDefinition;
  readonly publishedAt: number;
  readonly publishedBy: string;
}

export function toDefinitionEnvelope(published: PublishedDefinition): DefinitionEnvelope {
  const { definition: d, publishedAt, publishedBy } = published;
  return {
    name: d.name,
    version: d.version,
    hash: d.hash,
    publishedAt,
    publishedBy,
    initial: d.initial,
    states: d.states.map((state) => ({
      ...state,
      on: state.on.map((handler) => ({ ...handler })),
      invoke: state.invoke === null ? null : { ...state.invoke },
    })),
    events: d.events.map((event) => ({
      name: event.name,
      payloadSchema: event.payloadSchema === null ? null : JSON.stringify(event.payloadSchema),
      unaccepted: event.unaccepted,
    })),
    tasks: d.tasks.map((task) => ({
      type: task.type,
      retry: JSON.stringify(task.retry),
      compensation: task.compensation,
    })),
    cancel: d.cancel,
    inputSchema: JSON.stringify(d.inputSchema),
    sensitive: d.sensitive,
    stashLimit: d.stashLimit,
    dedupeCount: d.dedupe.count,
    dedupeAgeMs: d.dedupe.ageMs,
    onStartExisting: d.onStartExisting,
    migrationsFrom: d.migrationsFrom,
  };
}

/** The envelope as plain data (Avro records decode to class instances); the hash is taken as written. */
export function fromDefinitionEnvelope(e: DefinitionEnvelope): PublishedDefinition {
  const definition: DescribedDefinition = {
    name: e.name,
    version: e.version,
    hash: e.hash,
    initial: e.initial,
    states: e.states.map((state) => ({
      name: state.name,
      final: state.final as TerminalStatus | null,
      on: state.on.map((h) => ({
        event: h.event,
        target: h.target,
        guarded: h.guarded,
        tasks: [...h.tasks],
      })),
      invoke:
        state.invoke === null
          ? null
          : {
              tasks: [...state.invoke.tasks],
              join: state.invoke.join === 'any' ? 'any' : 'all',
              onDone: state.invoke.onDone,
              onError: state.invoke.onError,
            },
      after: state.after === null ? null : { ms: Number(state.after.ms), target: state.after.target },
      compensate:
        state.compensate === null
          ? null
          : { onDone: state.compensate.onDone, onError: state.compensate.onError },
    })),
    events: e.events.map((event) => ({
      name: event.name,
      payloadSchema: event.payloadSchema === null ? null : (JSON.parse(event.payloadSchema) as JsonObject),
      unaccepted: event.unaccepted as DescribedDefinition['events'][number]['unaccepted'],
    })),
    tasks: e.tasks.map((task) => ({
      type: task.type,
      retry: JSON.parse(task.retry) as RetryPolicy,
      compensation: task.compensation,
    })),
    cancel: e.cancel,
    inputSchema: JSON.parse(e.inputSchema) as JsonObject,
    sensitive: [...e.sensitive],
    stashLimit: e.stashLimit,
    dedupe: { count: e.dedupeCount, ageMs: Number(e.dedupeAgeMs) },
    onStartExisting: e.onStartExisting === 'return-existing' ? 'return-existing' : 'reject',
    migrationsFrom: [...e.migrationsFrom],
  };
  return { definition, publishedAt: Number(e.publishedAt), publishedBy: e.publishedBy };
}
