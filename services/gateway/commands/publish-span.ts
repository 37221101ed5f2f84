// The `command.publish` span: a child of the request's traceparent (a new trace when it carried none), whose
// context the command's Kafka headers carry. Without a registered tracer the request's traceparent is forwarded.
import type { Command } from '../../core';
import { inRemoteChild, headersOf, SpanKind } from '../../platform/tracing/remote-span';
import { TRACEPARENT } from '../../platform/tracing/trace-context';
import { activeTracer } from '../../platform/tracing/tracing';

export const GATEWAY_SCOPE = 'statewright-gateway';

type Publish = (headers: Readonly<Record<string, string>>) => Promise<void>;

export async function publishTraced(
  command: Command,
  traceparent: string | undefined,
  publish: Publish,
): Promise<void> {
  const tracer = activeTracer(GATEWAY_SCOPE);
  if (tracer === undefined) return publish(traceparent === undefined ? {} : { [TRACEPARENT]: traceparent });
  const attributes = {
    'messaging.system': 'kafka',
    'statewright.command.type': command.type,
    'statewright.command.id': command.commandId,
    'statewright.correlation_id': command.correlationId,
    'statewright.workflow': command.workflow,
  };
  await inRemoteChild(
    tracer,
    { name: 'command.publish', kind: SpanKind.PRODUCER, parent: { traceparent }, attributes },
    (span) => publish(headersOf(span)),
  );
}
