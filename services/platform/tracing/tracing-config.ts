// Tracing configuration, shared by every service's main.ts: spans are exported over OTLP/HTTP only when an
// endpoint is configured, with the standard OpenTelemetry variable names.
import { z } from 'zod';
import { ConfigError } from '../config/config-error';

const schema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

export interface TracingConfig {
  readonly serviceName: string;
  /** The collector's base URL; spans go to `<endpoint>/v1/traces`. Undefined: no spans are recorded. */
  readonly otlpEndpoint: string | undefined;
}

export function loadTracingConfig(
  env: Readonly<Record<string, string | undefined>>,
  defaultServiceName: string,
): TracingConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return {
    serviceName: parsed.data.OTEL_SERVICE_NAME ?? defaultServiceName,
    otlpEndpoint: parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT,
  };
}
