// The typed DSL: `setup` fixes context, input, events and task types once; `define` then checks every state,
// event and task name against them, so a misspelt target or event is a compile error.
import type { z } from 'zod';
import type { WorkflowDefinition } from './workflow-definition';
import { buildDefinition } from './build-definition';
import type { DefineSpec, EventSchemas, SetupSpec } from './spec';

export type {
  EventSchemas,
  RetrySpec,
  TaskSpec,
  SetupSpec,
  TaskInvocation,
  Target,
  InvokeSpec,
  HandlerSpec,
  StateSpec,
  DefineSpec,
} from './spec';

/** A definition that still knows its state and event names, for typed helpers; at runtime a WorkflowDefinition. */
export type Definition<S extends string = string, E extends string = string> = WorkflowDefinition & {
  readonly __names?: { readonly states: S; readonly events: E };
};

export interface Setup<C, I, E extends EventSchemas, T extends string> {
  define<S extends string>(spec: DefineSpec<C, I, E, T, S>): Definition<S, keyof E & string>;
}

export function setup<C, IS extends z.ZodType, E extends EventSchemas, T extends string>(
  spec: SetupSpec<C, IS, E, T>,
): Setup<C, z.output<IS>, E, T> {
  return {
    define: <S extends string>(definition: DefineSpec<C, z.output<IS>, E, T, S>) =>
      buildDefinition(
        spec as unknown as SetupSpec<unknown, z.ZodType, EventSchemas, string>,
        definition as never,
      ),
  };
}
