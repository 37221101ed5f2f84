// The audit record of a definition's publication: the orchestrator's principal published name@version with this
// hash. Not a command: the position names the catalogue topic, with offset -1 (the record's own offset is known
// only once the transaction that writes both has committed).
import { definitionKey, type DescribedDefinition } from '../../core';
import type { AuditEnvelope } from '../../platform/codec/audit-envelope';

export const PUBLISH_DEFINITION = 'publish-definition';

export function publicationAudit(
  definition: DescribedDefinition,
  actor: string,
  now: number,
  definitionsTopic: string,
): AuditEnvelope {
  const target = definitionKey(definition.name, definition.version);
  return {
    auditId: `${PUBLISH_DEFINITION}:${target}:${definition.hash}`,
    at: now,
    issuedAt: now,
    actor,
    action: PUBLISH_DEFINITION,
    workflow: definition.name,
    target,
    before: null,
    after: JSON.stringify({ version: definition.version, hash: definition.hash }),
    commandTopic: definitionsTopic,
    commandPartition: 0,
    commandOffset: -1,
  };
}
