// What the static checker says about a definition: one finding per problem, with where it is and how bad.

export type FindingKind =
  | 'unknown-state'
  | 'unknown-task'
  | 'unknown-event'
  | 'unreachable-state'
  | 'dead-end'
  | 'no-way-to-finish'
  | 'waiting-without-timeout'
  | 'uncompensated-step'
  | 'unaccepted-event'
  | 'unusable-guard-verdict';

/** An error makes the definition wrong as written; a warning asks a person to look. */
export type Severity = 'error' | 'warning';

export interface Finding {
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** `workflow@version`, then the state, event or task concerned, e.g. `order-saga@1 state shipping`. */
  readonly where: string;
  readonly message: string;
}

export const errorsOf = (findings: readonly Finding[]): Finding[] =>
  findings.filter((finding) => finding.severity === 'error');
