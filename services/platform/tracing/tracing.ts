// Registers the process's tracer provider when spans have somewhere to go, and hands out tracers only then: with
// no provider the services skip span work entirely and copy the incoming trace context as it is.
import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { serviceResource } from './service-resource';
import { TracingStartError } from './tracing-start-error';

export interface TracingOptions {
  readonly serviceName: string;
  /** OTLP/HTTP collector base URL; spans are batched and sent to `<endpoint>/v1/traces`. */
  readonly otlpEndpoint?: string;
  /** An exporter that sees each span as it ends (tests use an in-memory one). */
  readonly exporter?: SpanExporter;
}

export interface Tracing {
  /** False when nothing is configured: no provider was registered. */
  readonly enabled: boolean;
  /** Exports what is buffered and unregisters the provider. */
  shutdown(): Promise<void>;
}

let provider: BasicTracerProvider | undefined;
const tracers = new Map<string, Tracer>();

export function startTracing(options: TracingOptions): Tracing {
  const processors = processorsOf(options);
  if (processors.length === 0) return { enabled: false, shutdown: async () => undefined };
  if (provider !== undefined) throw new TracingStartError();
  const registered = new BasicTracerProvider({
    resource: serviceResource(options.serviceName),
    spanProcessors: processors,
  });
  trace.setGlobalTracerProvider(registered);
  provider = registered;
  return {
    enabled: true,
    shutdown: async () => {
      provider = undefined;
      tracers.clear();
      trace.disable();
      await registered.shutdown();
    },
  };
}

/** The tracer of `scope` while a provider is registered; undefined means "record nothing". */
export function activeTracer(scope: string): Tracer | undefined {
  if (provider === undefined) return undefined;
  let tracer = tracers.get(scope);
  if (tracer === undefined) {
    tracer = provider.getTracer(scope);
    tracers.set(scope, tracer);
  }
  return tracer;
}

function processorsOf(options: TracingOptions): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (options.exporter !== undefined) processors.push(new SimpleSpanProcessor(options.exporter));
  if (options.otlpEndpoint !== undefined) {
    const url = `${options.otlpEndpoint.replace(/\/+$/, '')}/v1/traces`;
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  }
  return processors;
}
