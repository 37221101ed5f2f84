// Bundles the operator UI with esbuild into dist/ui: one script, one stylesheet and the page, nothing inline and
// nothing fetched from elsewhere at run time.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

const out = 'dist/ui';
await mkdir(out, { recursive: true });
await build({
  entryPoints: ['ui/main.ts'],
  bundle: true,
  format: 'iife',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  outfile: `${out}/app.js`,
  logLevel: 'warning',
});
await copyFile('ui/app.css', `${out}/app.css`);
await copyFile('ui/index.html', `${out}/index.html`);
