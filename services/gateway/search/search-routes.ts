// The search routes' request and answer schemas, spread into the gateway's route table: GET /instances (filtered,
// sorted, cursor-paged summaries and their count) and GET /workflows/{name}/counts (instances per state and status).
import { z } from 'zod';
import { MAX_COMMAND_ID_LENGTH, PRINTABLE } from '../../core';
import { STATUSES } from './instance-summary';

export const DEFAULT_SEARCH_LIMIT = 50;
export const MAX_SEARCH_LIMIT = 500;

const name = z
  .string()
  .min(1)
  .max(MAX_COMMAND_ID_LENGTH)
  .regex(PRINTABLE, 'must hold printable characters only');

const instant = z
  .string()
  .max(64)
  .transform((text, context) => {
    const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isSafeInteger(value)) return value;
    context.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 time' });
    return z.NEVER;
  })
  .describe('Epoch milliseconds or an ISO 8601 time; inclusive');

export const searchQuerySchema = z
  .object({
    workflow: name.optional(),
    version: z.coerce.number().int().positive().optional().describe('Needs `workflow`'),
    state: name.optional(),
    status: z.enum(STATUSES as [string, ...string[]]).optional(),
    idPrefix: name.optional().describe('Correlation ids starting with this text'),
    startedFrom: instant.optional(),
    startedTo: instant.optional(),
    updatedFrom: instant.optional(),
    updatedTo: instant.optional(),
    sort: z.enum(['updated', 'started']).default('updated'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_SEARCH_LIMIT)
      .default(DEFAULT_SEARCH_LIMIT)
      .describe(`At most ${MAX_SEARCH_LIMIT}`),
    cursor: z.string().min(1).max(2048).optional().describe("A previous answer's `nextCursor`"),
  })
  .strict();

export const instanceSummary = z.object({
  correlationId: z.string(),
  workflow: z.string(),
  version: z.number().int(),
  state: z.string(),
  status: z.string(),
  seq: z.number().int(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});

export const searchAnswer = z.object({
  items: z.array(instanceSummary),
  count: z.number().int().describe('How many instances match the filter, over every page'),
  nextCursor: z.string().nullable().describe('Null on the last page'),
});

export const countsQuerySchema = z
  .object({ version: z.coerce.number().int().positive().optional() })
  .strict();

export const countsAnswer = z.object({
  workflow: z.string(),
  version: z.number().int().nullable(),
  total: z.number().int(),
  states: z.record(z.string(), z.number().int()),
  statuses: z.record(z.string(), z.number().int()),
});

export const countsParams = z.object({ name });

const rolloutRuleAnswer = z.union([
  z.object({ kind: z.literal('latest') }),
  z.object({ kind: z.literal('pinned'), version: z.number().int() }),
  z.object({
    kind: z.literal('canary'),
    stable: z.number().int(),
    canary: z.number().int(),
    percent: z.number(),
  }),
]);

export const versionsAnswer = z.object({
  workflow: z.string(),
  rollout: rolloutRuleAnswer.nullable().describe('The rollout rule in force; null: the newest version'),
  versions: z.array(
    z.object({
      version: z.number().int(),
      live: z.number().int().describe('Running instances on this version'),
      byState: z.record(z.string(), z.number().int()).describe('Running instances per state'),
      oldest: z
        .object({ correlationId: z.string(), startedAt: z.number().int() })
        .nullable()
        .describe('The live instance that started first'),
      startShare: z.number().describe('Percent of new instances that start on this version'),
      receivesStarts: z.boolean(),
      retirable: z.boolean().describe('No live instance, and no new instance starts on it'),
    }),
  ),
});
