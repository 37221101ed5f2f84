import { terminalText } from './terminal-text';

test('control, format and separator characters are escaped; printable text is kept', () => {
  expect(terminalText('order-42')).toBe('order-42');
  expect(terminalText('zoë → ü')).toBe('zoë → ü');
  expect(terminalText('a\u001b[2Jb\rc\u202ed\u2028')).toBe('a\\u{1b}[2Jb\\u{d}c\\u{202e}d\\u{2028}');
});
