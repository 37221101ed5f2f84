import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { headersOf, SpanKind, startRemoteChild } from './remote-span';
import { activeTracer, startTracing } from './tracing';
import { TracingStartError } from './tracing-start-error';

const PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('with neither an endpoint nor an exporter nothing is registered and no tracer is handed out', async () => {
  const tracing = startTracing({ serviceName: 'idle' });
  expect(tracing.enabled).toBe(false);
  expect(activeTracer('scope')).toBeUndefined();
  await tracing.shutdown();
});

test('a child of a remote traceparent keeps its trace, names it as parent, and is exported under the service', async () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ serviceName: 'unit', exporter });
  try {
    expect(() => startTracing({ serviceName: 'again', exporter })).toThrow(TracingStartError);
    const span = startRemoteChild(activeTracer('scope')!, {
      name: 'hop',
      kind: SpanKind.CONSUMER,
      parent: { traceparent: PARENT },
    });
    const headers = headersOf(span);
    span.end();
    const [exported] = exporter.getFinishedSpans();
    expect(exported?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(exported?.resource.attributes['service.name']).toBe('unit');
    expect(headers.traceparent).toBe(
      `00-4bf92f3577b34da6a3ce929d0e0e4736-${exported?.spanContext().spanId}-01`,
    );
  } finally {
    await tracing.shutdown();
  }
  expect(activeTracer('scope')).toBeUndefined();
});
