// The examples' own knobs, read from the environment by the examples (never by statewright's services):
// how long the order saga waits for the carrier, and how many payments fail before they succeed.
import { z } from 'zod';

const schema = z.object({
  ORDER_SHIPPING_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  ORDER_FLAKY_PERCENT: z.coerce.number().int().min(0).max(100).default(0),
});

export interface ExampleSettings {
  readonly shippingTimeoutMs: number;
  readonly flakyPercent: number;
}

export function exampleSettings(env: Readonly<Record<string, string | undefined>>): ExampleSettings {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`example settings: ${problems.join('; ')}`);
  }
  return {
    shippingTimeoutMs: parsed.data.ORDER_SHIPPING_TIMEOUT_MS,
    flakyPercent: parsed.data.ORDER_FLAKY_PERCENT,
  };
}
