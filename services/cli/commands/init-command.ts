// init: a new TypeScript project with one workflow, its task handlers and its tests, depending on this statewright.
import path from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../cli-error';
import { statewrightPackage } from '../package-root';
import { projectFiles } from '../scaffold/project-files';
import { isPackageName, packageNameOf, versionsOf } from '../scaffold/project-options';
import { ensureEmptyFolder, writeProject } from '../scaffold/write-project';

interface InitOptions {
  readonly name?: string;
}

export function addInitCommand(program: Command): void {
  program
    .command('init <dir>')
    .description(
      'create a project with an example workflow, its handlers and tests (dir must be new or empty)',
    )
    .option('--name <name>', 'the npm package name (default: from the folder name)')
    .action((dir: string, options: InitOptions) => {
      const folder = path.resolve(dir);
      const name = options.name ?? packageNameOf(path.basename(folder));
      if (!isPackageName(name))
        throw usageError(`--name ${name} is not a valid npm package name`, 'bad-name');
      ensureEmptyFolder(folder);
      const pkg = statewrightPackage();
      const say = (line: string) => process.stdout.write(`${line}\n`);
      say(`Creating ${name} in ${folder} (statewright ${pkg.version})`);
      writeProject(folder, projectFiles({ name, versions: versionsOf(pkg) }), say);
      say(`\nDone. Next:\n  cd ${dir}\n  npm install\n  npm test\n  npm run up\n  npm run dev`);
    });
}
