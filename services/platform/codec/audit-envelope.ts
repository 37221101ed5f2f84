// The AuditRecord envelope on <prefix>.audit: who did what to which instance, and what it looked like before
// and after. `before` and `after` are JSON strings so the schema stays fixed as summaries grow.
export interface AuditEnvelope {
  readonly auditId: string;
  readonly at: number;
  readonly issuedAt: number;
  readonly actor: string;
  readonly action: string;
  readonly workflow: string;
  readonly target: string;
  readonly before: string | null;
  readonly after: string | null;
  readonly commandTopic: string;
  readonly commandPartition: number;
  readonly commandOffset: number;
}

/** An audit record as readers see it: summaries parsed back to objects. */
export interface AuditEntry extends Omit<AuditEnvelope, 'before' | 'after'> {
  readonly before: unknown;
  readonly after: unknown;
}

export function fromAuditEnvelope(envelope: AuditEnvelope): AuditEntry {
  const parse = (json: string | null): unknown => (json === null ? null : (JSON.parse(json) as unknown));
  return { ...envelope, before: parse(envelope.before), after: parse(envelope.after) };
}
