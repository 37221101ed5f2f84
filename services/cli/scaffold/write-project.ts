// Writes a new project into a folder that is missing or empty, one progress line per file. A folder with anything
// in it is refused before a file is written: init never overwrites a team's work.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../cli-error';
import type { ProjectFile } from './project-files';

export function ensureEmptyFolder(folder: string): void {
  let entries: string[];
  try {
    if (!statSync(folder).isDirectory())
      throw usageError(`${folder} exists and is not a folder`, 'not-a-folder');
    entries = readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (entries.length > 0) {
    throw usageError(
      `${folder} is not empty (${entries.length} entries): init writes only into a new or empty folder`,
      'folder-not-empty',
    );
  }
}

export function writeProject(
  folder: string,
  files: readonly ProjectFile[],
  progress: (line: string) => void,
): void {
  ensureEmptyFolder(folder);
  mkdirSync(folder, { recursive: true });
  for (const file of files) {
    const target = path.join(folder, ...file.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.content, { flag: 'wx' });
    progress(`  created ${file.path}`);
  }
}
