// The installed statewright package: its root folder (the same from sources and from dist/) and what its
// package.json says, so the CLI can find its packaged files and a new project can pin matching versions.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unavailable } from './cli-error';

export interface StatewrightPackage {
  readonly root: string;
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
}

interface PackageJson {
  readonly name?: unknown;
  readonly version?: unknown;
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

/** The nearest folder above `start` whose package.json is statewright's. */
export function statewrightPackage(start: string = __dirname): StatewrightPackage {
  let current = start;
  for (;;) {
    const file = path.join(current, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (json.name === 'statewright' && typeof json.version === 'string') {
        return {
          root: current,
          version: json.version,
          dependencies: json.dependencies ?? {},
          devDependencies: json.devDependencies ?? {},
        };
      }
    }
    const parent = path.dirname(current);
    if (parent === current)
      throw unavailable(`statewright's package.json not found above ${start}`, 'no-package');
    current = parent;
  }
}
