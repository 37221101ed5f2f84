// Text from the log shown on an operator's terminal: control and format characters (escape sequences, carriage
// returns, bidirectional overrides) are shown as `\u{…}` escapes, never interpreted.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

export function terminalText(text: string): string {
  return text.replace(UNPRINTABLE, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}
