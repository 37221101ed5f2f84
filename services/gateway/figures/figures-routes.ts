// The figures route's schemas, spread into the gateway's route table: GET /workflows/{name}/versions/{version}/figures.
import { z } from 'zod';
import { MAX_COMMAND_ID_LENGTH, PRINTABLE } from '../../core';
import { WINDOWS } from './figure-window';

export const figuresParams = z.object({
  name: z.string().min(1).max(MAX_COMMAND_ID_LENGTH).regex(PRINTABLE, 'must hold printable characters only'),
  version: z.coerce.number().int().positive(),
});

export const figuresQuery = z
  .object({
    window: z
      .enum(WINDOWS)
      .default('1h')
      .describe(
        'The span of the edge, dwell and flow figures: minute buckets for 5m and 1h, hour buckets for 24h',
      ),
  })
  .strict();

const quantiles = z.object({ p50: z.number(), p95: z.number() });

export const figuresAnswer = z.object({
  workflow: z.string(),
  version: z.number().int(),
  window: z.enum(WINDOWS),
  at: z.number().int().describe('When the figures were read, epoch ms'),
  spanMs: z.number().int().describe("The span the window's buckets cover, up to `at`"),
  states: z.array(
    z.object({
      name: z.string(),
      count: z.number().int().describe('Instances in the state now'),
      stuck: z
        .number()
        .int()
        .nullable()
        .describe('Of those, in it for longer than stuckAfterMs; null for a final state'),
      stuckAfterMs: z.number().int().nullable().describe("The state's timeout, or the gateway's threshold"),
      age: quantiles.nullable().describe('How long the instances in it now have been there, ms'),
      dwell: quantiles
        .extend({ count: z.number().int() })
        .nullable()
        .describe('How long the instances that left it within the window stayed, ms'),
    }),
  ),
  edges: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      count: z.number().int().describe('Transitions in the window'),
    }),
  ),
  flow: z.object({
    starts: z.number().int(),
    finished: z.record(z.string(), z.number().int()),
    startsPerMinute: z.number(),
    completionsPerMinute: z.number(),
    failureRate: z.number().nullable(),
    compensationRate: z.number().nullable(),
  }),
  oldestRunning: z.object({ correlationId: z.string(), createdAt: z.number().int() }).nullable(),
});
