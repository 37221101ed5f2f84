// Exhaustiveness check for switches over unions: a new variant becomes a compile error here.
export function unreachable(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
