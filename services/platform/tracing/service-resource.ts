// The resource every exported span names its service by: `service.name` plus the SDK's language, so a trace
// backend tells the gateway, orchestrator and workers apart.
import type { Attributes } from '@opentelemetry/api';
import type { TracerConfig } from '@opentelemetry/sdk-trace-base';

type Resource = NonNullable<TracerConfig['resource']>;

export function serviceResource(serviceName: string): Resource {
  return fromAttributes({ 'service.name': serviceName, 'telemetry.sdk.language': 'nodejs' });
}

/** A synchronous resource: no detectors run, so nothing is pending and merging is a plain override. */
function fromAttributes(attributes: Attributes): Resource {
  return {
    attributes,
    asyncAttributesPending: false,
    waitForAsyncAttributes: async () => undefined,
    merge: (other) =>
      other === null ? fromAttributes(attributes) : fromAttributes({ ...attributes, ...other.attributes }),
    getRawAttributes: () => Object.entries(attributes),
  };
}
