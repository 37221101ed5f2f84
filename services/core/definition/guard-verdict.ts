// What a guard may answer: let the event through, hold it for later, refuse it, or cancel the instance.

export type GuardVerdict =
  | { readonly kind: 'allow' }
  | { readonly kind: 'defer'; readonly ms: number }
  | { readonly kind: 'defer-until'; readonly until: number }
  | { readonly kind: 'reject'; readonly reason: string }
  | { readonly kind: 'cancel'; readonly reason: string };

export const verdict = {
  allow: { kind: 'allow' } as GuardVerdict,
  defer: (ms: number): GuardVerdict => ({ kind: 'defer', ms }),
  deferUntil: (until: number): GuardVerdict => ({ kind: 'defer-until', until }),
  reject: (reason: string): GuardVerdict => ({ kind: 'reject', reason }),
  cancel: (reason: string): GuardVerdict => ({ kind: 'cancel', reason }),
} as const;

/** Guards may also answer a boolean: true allows, false rejects. */
export function asVerdict(answer: GuardVerdict | boolean): GuardVerdict {
  if (answer === true) return verdict.allow;
  if (answer === false) return verdict.reject('guard returned false');
  return answer;
}
