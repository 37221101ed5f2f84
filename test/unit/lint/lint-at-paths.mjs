// Lints sources at the paths they stand for, with the repository's own ESLint configuration. Runs as its own
// Node process because Jest's module VM cannot load the ESM config. Reads [{ filePath, text }] as JSON on
// stdin; writes [{ filePath, messages: [{ line, ruleId, message }] }] as JSON on stdout.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { ESLint } from 'eslint';

const [cwd] = process.argv.slice(2);
const eslint = new ESLint({ cwd });
const sources = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const { filePath, text } of sources) {
  const [result] = await eslint.lintText(text, { filePath });
  const messages = (result?.messages ?? []).map(({ line, ruleId, message }) => ({ line, ruleId, message }));
  results.push({ filePath, messages });
}
process.stdout.write(JSON.stringify(results));
