// Finds credentials in captured log lines: each issued token (whole, or its signature alone), API key or secret.

export function leakedCredentials(lines: readonly string[], credentials: readonly string[]): string[] {
  const needles = new Set<string>();
  for (const credential of credentials) {
    if (credential.length < 8) continue;
    needles.add(credential);
    const signature = credential.split('.')[2];
    if (signature !== undefined && signature.length >= 16) needles.add(signature);
  }
  return lines.filter((line) => [...needles].some((needle) => line.includes(needle)));
}
