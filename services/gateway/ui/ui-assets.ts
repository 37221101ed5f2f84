// The operator UI's built files (dist/ui, made by `make build`), read once at start. Only these names are served:
// no path from a request ever reaches the file system.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface UiAsset {
  readonly type: string;
  readonly body: Buffer;
}

const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

/** Where `make build` puts them, seen from the compiled dist/services/gateway/ui. */
export const DEFAULT_UI_DIR = path.resolve(__dirname, '../../../ui');

/** The assets by file name; empty when the UI was not built (the routes then answer 404). */
export function loadUiAssets(dir: string): ReadonlyMap<string, UiAsset> {
  const assets = new Map<string, UiAsset>();
  for (const [name, type] of Object.entries(FILES)) {
    const file = path.join(dir, name);
    if (existsSync(file)) assets.set(name, { type, body: readFileSync(file) });
  }
  return assets;
}
