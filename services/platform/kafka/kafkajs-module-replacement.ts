// Puts a function of ours in place of one of kafkajs' internal modules, in Node's module cache, before the kafkajs
// module that reads it loads: kafkajs reads its internal modules once, at load. The modules of this folder that
// replace kafkajs modules this way are listed in kafkajs-replacements.ts, which every module here that loads kafkajs
// imports first. The test runner has a module registry of its own, where the same replacements are made by
// jest.config.js' module name mapping instead.
/* eslint-disable @typescript-eslint/no-require-imports */

/**
 * Replaces kafkajs' module `replaced` (e.g. 'kafkajs/src/consumer/filterAbortedMessages') by `replacement`; false
 * when `readBy`, the kafkajs module that reads it, has loaded already (or the module cache is not Node's).
 */
export function replaceKafkajsModule(replaced: string, readBy: string, replacement: unknown): boolean {
  const replacedPath = require.resolve(replaced);
  const cache = require.cache;
  if (cache[replacedPath]?.exports === replacement) return true;
  if (cache[require.resolve(readBy)] !== undefined) return false;
  require(replacedPath);
  const entry = cache[replacedPath];
  if (entry === undefined) return false;
  entry.exports = replacement;
  return true;
}

/** Makes every replacement of `replacements` (as `replaceKafkajsModule` takes them); false when any was not made. */
export function replaceKafkajsModules(
  replacements: readonly (readonly [replaced: string, readBy: string, replacement: unknown])[],
): boolean {
  return replacements
    .map(([replaced, readBy, replacement]) => replaceKafkajsModule(replaced, readBy, replacement))
    .every(Boolean);
}
